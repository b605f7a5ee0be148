/**
 * Under a PG/1 monitor tower, one tab per level above the Program editor: monitor 1..N (the monitor's source,
 * read-only, the same text at each level) and the guest (the Program editor itself). Each monitor tab marks the
 * line where that level is (the real fetch address for the level that runs, the last one seen for the others),
 * through the monitor's own source map with the level's offset (k−1) × guest. The active tab follows the level
 * the real P is fetched from after each step; a click shows another until the next step.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { LANG, monaco } from '../monaco';
import { isaOf, useRuntime } from '../session';
import { useSettings } from '../store';
import { useMonacoEditor } from '../useMonacoEditor';
import { monitorAsm, monitorLine, monitorText } from './monitorSource';

function MonitorSource({ source, line }: { source: string; line: number | undefined }) {
  const deco = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  // The model is made once per source text.
  const { host, ed } = useMonacoEditor(
    (div, look) => {
      const model = monaco.editor.createModel(source, LANG);
      const editor = monaco.editor.create(div, { model, ...look, readOnly: true, minimap: { enabled: false }, automaticLayout: true, glyphMargin: true, scrollBeyondLastLine: false });
      deco.current = editor.createDecorationsCollection();
      return { editor, model };
    },
    [source],
  );
  useEffect(() => {
    const e = ed.current;
    if (!e) return;
    if (line === undefined) {
      deco.current?.clear();
      return;
    }
    deco.current?.set([{ range: new monaco.Range(line, 1, line, 1), options: { isWholeLine: true, className: 'pc-line', glyphMarginClassName: 'pc-glyph' } }]);
    e.revealLineInCenterIfOutsideViewport(line);
  }, [ed, line, source]);
  return <div className="editor-host" ref={host} data-testid="monitor-editor" data-line={line ?? ''} style={{ height: '100%' }} />;
}

export function LevelTabs({ children }: { children: ReactNode }) {
  const tower = useRuntime((s) => s.frame?.tower);
  const steps = useRuntime((s) => s.frame?.steps ?? 0);
  const running = useRuntime((s) => s.frame?.state === 'running');
  const monitor = useSettings((s) => s.monitor);
  const monitorSource = useSettings((s) => s.monitorSource);
  const monitorFile = useSettings((s) => s.monitorFile);
  const isaText = useSettings((s) => s.isa);
  const [chosen, setChosen] = useState<number | null>(null);
  // A step (not a re-render) puts the tab back on the level that runs.
  useEffect(() => setChosen(null), [steps]);
  const mon = monitorText({ monitor, monitorSource, monitorFile });
  if (!tower || !mon) return <>{children}</>;
  const asm = monitorAsm(mon.source, isaOf(isaText));
  const guestLevel = tower.depth + 1;
  const active = running ? guestLevel : (chosen ?? tower.level);
  const lineAt = (k: number): number | undefined => {
    if (!asm.ok) return undefined;
    const a = k === tower.level ? tower.fetch : tower.lastFetch[k - 1];
    return monitorLine(asm, tower.guest, k, a);
  };
  const tabs = Array.from({ length: tower.depth }, (_, i) => i + 1);
  return (
    <div className="level-tabs" style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <div className="seg" role="tablist" aria-label="Levels" data-testid="level-tabs">
        {tabs.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={active === k} className={active === k ? 'on' : ''} data-testid={`level-tab-${k}`} onClick={() => setChosen(k)}
            title={`Monitor ${k}: ${mon.file} at real ${(k - 1) * tower.guest}..${k * tower.guest - 1}`}>
            {k === tower.level ? '▶ ' : ''}
            {mon.file} {k}
            {lineAt(k) !== undefined ? <span className="muted small"> :{lineAt(k)}</span> : null}
          </button>
        ))}
        <button type="button" role="tab" aria-selected={active === guestLevel} className={active === guestLevel ? 'on' : ''} data-testid="level-tab-guest" onClick={() => setChosen(guestLevel)}
          title={`The guest: real ${tower.depth * tower.guest} and up`}>
          {tower.level === guestLevel ? '▶ ' : ''}guest
        </button>
      </div>
      <div style={{ flex: 1, minHeight: 0, display: active === guestLevel ? 'none' : 'block' }}>
        {active !== guestLevel && <MonitorSource source={mon.source} line={lineAt(active)} />}
      </div>
      <div style={{ flex: 1, minHeight: 0, display: active === guestLevel ? 'block' : 'none' }}>{children}</div>
    </div>
  );
}
