/**
 * "A monitor file of your own": load a PG/1 monitor from a file or paste its text. The worker's loader checks the
 * ABI (PG1.md §8.1); its messages (FILE:LINE:COL: …) come back as the session's error notice.
 */
import { useState } from 'react';
import { load } from '../session';
import { useSettings } from '../store';

export function MonitorFile() {
  const name = useSettings((s) => s.monitorFile);
  const text = useSettings((s) => s.monitorSource);
  const set = useSettings((s) => s.set);
  const [paste, setPaste] = useState(false);
  const [draft, setDraft] = useState('');
  const use = (monitorSource: string, monitorFile: string) => {
    set({ monitorSource, monitorFile });
    void load();
  };
  return (
    <span className="monitor-file" data-testid="monitor-file">
      <label className="ghost" title="A PG/1 monitor that keeps the ABI: labels guest, guest_entry, vpsw">
        <input
          type="file"
          accept=".s,text/plain"
          aria-label="Monitor file"
          style={{ width: '11em' }}
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void f.text().then((t) => use(t, f.name));
          }}
        />
      </label>
      <button type="button" className="ghost" onClick={() => { setDraft(text ?? ''); setPaste(!paste); }}>
        {paste ? 'close' : 'paste'}
      </button>
      <span className="muted small">{text ? `${name || 'monitor.s'} (${text.split('\n').length} lines)` : 'no file yet'}</span>
      {paste && (
        <span className="monitor-paste" style={{ position: 'absolute', zIndex: 20, background: 'var(--bg, #fff)', padding: 6, border: '1px solid #888' }}>
          <textarea aria-label="Monitor source" rows={12} cols={60} value={draft} onChange={(e) => setDraft(e.target.value)} spellCheck={false} />
          <br />
          <button type="button" onClick={() => { use(draft, 'pasted.s'); setPaste(false); }}>
            Use this monitor
          </button>
        </span>
      )}
    </span>
  );
}
