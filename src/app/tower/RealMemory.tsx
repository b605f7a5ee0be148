/**
 * Real memory under a PG/1 tower, regions labelled: monitor k's memory [(k−1)×guest, k×guest) — its code, and its
 * own trap frame and vector at real (k−1)×guest + 0..11 (level 1's is the real hardware's E[0..11]) — and the
 * guest's window at depth×guest. The rows are the ones the worker sent for the memory view's window. In "level k"
 * mode the addresses are monitor k's physical ones (real (k−1)×guest + a): its own trap frame at 0..11, its code,
 * and its guest's window from `guest` on.
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
  // Level k (1..depth): the memory as monitor k sees it, its address a = real base + a; 0: the real machine.
  const level = frame.mem.level ?? 0;
  const base = frame.mem.base ?? 0;
  const pre = level > 0 ? `lvl${level}` : 'real';
  const label = (va: number): string => {
    const a = va + base;
    const r = tower.regions.find((x) => a >= x.start && a < x.end);
    if (!r) return '';
    const inner = r.level > tower.depth ? `guest +${a - r.start}` : '';
    if (level > 0 && r.level > level) {
      // Monitor k's guest's window: the VM it runs (which holds every deeper level).
      const w = `its guest's window +${a - level * tower.guest}`;
      return r.level === level + 1 && !inner ? `${w} = ${r.label} +${a - r.start}` : `${w}${inner ? ` (${inner})` : ` (${r.label} +${a - r.start})`}`;
    }
    if (inner) return inner;
    const off = a - r.start;
    if (off < 12) {
      const whose = level > 0 ? `its own trap ${off < 8 ? 'frame' : 'vector'}` : `${r.label}: trap ${off < 8 ? 'frame' : 'vector'}`;
      return `${whose} E[${off}] ${FRAME_NAMES[off]}${r.level === 1 ? ' (real hardware)' : ''}`;
    }
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
    <div className="memtable" data-testid="realmem" data-level={level} style={{ overflow: 'auto' }}>
      <div className="seg small" aria-label="Regions">
        {tower.regions
          .filter((r) => r.level >= level)
          .map((r) => (
            <button key={r.level} type="button" onClick={() => jump(r.start - base)} title={`real ${r.start}..${r.end - 1}`}>
              {r.label} @{r.start - base}
            </button>
          ))}
      </div>
      <table>
        <tbody>
          {frame.mem.words.map((w, i) => {
            const a = frame.mem.start + i;
            if (!frame.mem.valid[i]) return null;
            const here = a + base === tower.fetch;
            return (
              <tr key={a} className={here ? 'pc' : ''} data-testid={`${pre}-${a}`} style={{ height: 24 }}>
                <td className="addr">
                  {here ? '▶ ' : ''}
                  {a}
                </td>
                <td className="num" data-testid={`${pre}-val-${a}`}>
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
