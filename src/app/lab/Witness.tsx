/** A classifier witness: the state(s) it ran from and what each execution did, with the differences marked. */
import type { Outcome, StateDesc, Witness } from '../../core/classify/classify';
import { CAUSE_NAMES } from '../../core/isa/table';
import { Rich } from '../Rich';

function outcomeKeys(o: Outcome | undefined): Record<string, string> {
  const k: Record<string, string> = {};
  if (!o) return { result: '(not run)' };
  k.result = o.trap ? `trap ${CAUSE_NAMES[o.trap.cause] ?? o.trap.cause} (detail ${o.trap.detail})` : o.halted ? 'halts' : 'completes';
  k.M = o.mode;
  k.P = String(o.P);
  k.R = `(${o.l}, ${o.b})`;
  k.device = o.device ?? '—';
  return k;
}

function stateKeys(s: StateDesc): Record<string, string> {
  return { M: s.mode, P: String(s.P), R: `(${s.l}, ${s.b})`, instruction: s.instruction, ...Object.fromEntries(Object.entries(s.regs ?? {}).map(([r, v]) => [r, String(v)])) };
}

function regList(o: Outcome | undefined): number[] {
  return o?.regs ? Array.from(o.regs as ArrayLike<number>) : [];
}
function winList(o: Outcome | undefined): number[] {
  return o?.window ? Array.from(o.window as ArrayLike<number>) : [];
}

/** One line of an execution's table: what it shows and its value, marked where the executions differ or it changed. */
function Row({ name, value, marked }: { name: string; value: string | number | undefined; marked: boolean }) {
  return (
    <tr className={marked ? 'diff' : ''}>
      <th>{name}</th>
      <td>{value}</td>
    </tr>
  );
}

export function WitnessView({ w, title }: { w: Witness; title: string }) {
  const two = w.states.length > 1;
  const sk = w.states.map(stateKeys);
  const ok = w.states.map((_s, i) => outcomeKeys(w.outcomes[i]));
  const regs = w.states.map((_s, i) => regList(w.outcomes[i]));
  const wins = w.states.map((_s, i) => winList(w.outcomes[i]));
  const diff = (rows: Record<string, string>[], key: string): boolean => two && rows[0][key] !== rows[1][key];
  // Registers worth showing: those named by the operand fields, and any that differ between the runs or changed.
  const named = new Set(Object.keys(w.states[0]?.regs ?? {}).map((r) => Number(r.slice(1))));
  const shownRegs = [...Array(16).keys()].filter((i) => named.has(i) || (two && regs[0][i] !== regs[1][i]));
  const winDiff = two ? [...Array(Math.max(wins[0].length, wins[1].length)).keys()].filter((i) => wins[0][i] !== wins[1][i]) : [];
  return (
    <div className="witness" data-testid="witness">
      <div className="witness-title">{title}</div>
      <p className="witness-text">
        <Rich text={w.text} />
      </p>
      <div className={`witness-cols${two ? ' two' : ''}`}>
        {w.states.map((s, i) => (
          <div className="witness-col" key={i} data-testid={`witness-state-${i}`}>
            <div className="witness-head">{two ? `Execution ${i === 0 ? 'A' : 'B'}` : 'Execution'}</div>
            <table>
              <tbody>
                <tr className="sub">
                  <th colSpan={2}>before</th>
                </tr>
                {Object.keys(sk[i]).map((k) => (
                  <Row key={k} name={k} value={sk[i][k]} marked={diff(sk, k)} />
                ))}
                <tr className="sub">
                  <th colSpan={2}>after</th>
                </tr>
                {Object.keys(ok[i]).map((k) => (
                  <Row key={k} name={k} value={ok[i][k]} marked={diff(ok, k) || (!two && changedAlone(s, ok[i], k))} />
                ))}
                {shownRegs.map((r) => (
                  <Row key={`r${r}`} name={`r${r}`} value={regs[i][r]} marked={two && regs[0][r] !== regs[1][r]} />
                ))}
                {winDiff.slice(0, 6).map((a) => (
                  <Row key={`w${a}`} name={`window[${a}]`} value={wins[i][a]} marked />
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </div>
    </div>
  );
}

/** For a one-execution witness, mark what the instruction changed: the mode, R, a halt, a device, a trap. */
function changedAlone(s: StateDesc, o: Record<string, string>, k: string): boolean {
  if (k === 'M') return o.M !== s.mode;
  if (k === 'R') return o.R !== `(${s.l}, ${s.b})`;
  if (k === 'device') return o.device !== '—';
  if (k === 'result') return o.result !== 'completes';
  return false;
}
