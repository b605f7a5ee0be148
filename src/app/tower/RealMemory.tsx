/**
 * Real memory under a PG/1 tower, regions labelled: monitor k's memory [(k−1)×guest, k×guest) — its code, and its
 * own trap frame and vector at real (k−1)×guest + 0..11 (level 1's is the real hardware's E[0..11]) — and the
 * guest's window at depth×guest. The rows are the ones the worker sent for the memory view's window.
 */
import { disassembleWord } from '../../core/asm/disassembler';
import type { Frame } from '../../worker/protocol';
import { hex } from '../format';
import { actions, isaOf, memView } from '../session';
import { useSettings } from '../store';
import { monitorAsm, monitorText } from './monitorSource';

const FRAME_NAMES = ['old M', 'old P', 'old l', 'old b', 'cause', 'detail', '', '', 'new M', 'new P', 'new l', 'new b'];

export function RealMemory({ frame }: { frame: Frame }) {
  const tower = frame.tower!;
  // The hidden virtualized table measures 0 rows; this view shows a fixed page of the window.
  if (memView.count < 48) {
    memView.count = 48;
    actions.requestPull();
  }
  const s = useSettings();
  const isa = isaOf(s.isa);
  const mon = monitorText(s);
  const asm = mon ? monitorAsm(mon.source, isa) : null;
  const label = (a: number): string => {
    const r = tower.regions.find((x) => a >= x.start && a < x.end);
    if (!r) return '';
    if (r.level > tower.depth) return `guest +${a - r.start}`;
    const off = a - r.start;
    if (off < 12) return `${r.label}: trap ${off < 8 ? 'frame' : 'vector'} E[${off}] ${FRAME_NAMES[off]}${r.level === 1 ? ' (real hardware)' : ''}`;
    const line = asm?.ok ? asm.lineOfAddr.get(off) : undefined;
    return `${r.label} code +${off}${line !== undefined ? ` :${line}` : ''}`;
  };
  const jump = (a: number) => {
    useSettings.getState().set({ memFollow: false });
    memView.follow = false;
    memView.start = a;
    actions.requestPull();
  };
  return (
    <div className="memtable" data-testid="realmem" style={{ overflow: 'auto' }}>
      <div className="seg small" aria-label="Regions">
        {tower.regions.map((r) => (
          <button key={r.level} type="button" onClick={() => jump(r.start)} title={`real ${r.start}..${r.end - 1}`}>
            {r.label} @{r.start}
          </button>
        ))}
      </div>
      <table>
        <tbody>
          {frame.mem.words.map((w, i) => {
            const a = frame.mem.start + i;
            if (!frame.mem.valid[i]) return null;
            return (
              <tr key={a} className={a === tower.fetch ? 'pc' : ''} data-testid={`real-${a}`} style={{ height: 24 }}>
                <td className="addr">
                  {a === tower.fetch ? '▶ ' : ''}
                  {a}
                </td>
                <td className="num" data-testid={`real-val-${a}`}>
                  {w}
                </td>
                <td className="hexv">{hex(w)}</td>
                <td className="dis">{disassembleWord(w, isa)}</td>
                <td className="src muted">{label(a)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
