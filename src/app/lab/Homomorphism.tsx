/**
 * The homomorphism f of Theorem 1's proof, step by step: for the latest lockstep steps, the real machine's PSW,
 * f of the real state (the VM's virtual PSW: what the monitor keeps; memory is the allocation, registers are
 * the real ones) and the bare machine's PSW, and for each step which half of the commuting diagram it was: an
 * instruction the real processor ran directly (the diagram commutes by itself) or one the monitor handled (a trap
 * interpreted or reflected, or an instruction interpreted): the monitor made it commute. The records are the
 * core Lockstep's (StepRecord), so the CLI's lockstep and this view agree.
 */
import type { PSW } from '../../core/machine/machine';
import type { StepCase } from '../../core/vmm/equiv';
import type { EqSnapshot } from '../../worker/protocol';
import '../views/properties.css';

const psw = (p: PSW) => `${p.mode === 0 ? 's' : 'u'} P=${p.pc} R=(${p.l}, ${p.b})`;

export const CASE_WORDS: Record<StepCase, string> = {
  direct: 'commutes directly',
  'trap-interpreted': 'made to commute by the monitor: trapped, interpreted',
  'trap-reflected': 'made to commute by the monitor: trapped, reflected into the VM',
  interpreted: 'made to commute by the monitor: interpreted instead of run',
  none: 'both halted',
};

export function Homomorphism({ snap }: { snap: EqSnapshot }) {
  const rows = snap.trace ?? [];
  return (
    <div data-testid="homo">
      <p className="muted" style={{ margin: '4px 0' }}>
        f maps the real state to the VM's: memory = the VM's allocation, M, P and R = the virtual PSW the monitor keeps, registers unchanged. Each step,
        the bare machine runs the instruction on f(real state); the monitor's run must end in a real state whose f is the bare result. Latest{' '}
        {rows.length} step{rows.length === 1 ? '' : 's'}, newest last.
      </p>
      <div className="homo-scroll">
        <table className="homo-table">
          <thead>
            <tr>
              <th>step</th>
              <th>instruction</th>
              <th title="the real machine's PSW after the step">real state</th>
              <th title="f(real state): the VM's virtual PSW after the step">f(real state)</th>
              <th title="the bare machine's PSW after the step">bare (virtual) state</th>
              <th>diagram</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const cls = !r.agrees ? 'homo-bad' : r.how === 'direct' ? 'homo-direct' : r.how === 'none' ? '' : 'homo-monitor';
              return (
                <tr key={r.step} className={cls} data-testid="homo-row" data-how={r.how} data-agrees={String(r.agrees)}>
                  <td>{r.step}</td>
                  <td>
                    <code>{r.instruction}</code>
                    {r.line !== null ? ` (line ${r.line})` : ''}
                  </td>
                  <td className="mono">{psw(r.real)}</td>
                  <td className="mono">{psw(r.virtual)}</td>
                  <td className="mono">{psw(r.bare)}</td>
                  <td className="homo-how">{r.agrees ? CASE_WORDS[r.how] : `does not commute (${CASE_WORDS[r.how].replace('made to commute by the monitor: ', '')})`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Theorem 1's argument in plain words (docs/THEOREM1.md says the same at more length). */
export function ProofSketch() {
  return (
    <details className="proof-sketch" data-testid="proof-sketch">
      <summary>Proof sketch: Theorem 1 (why sensitive ⊆ privileged is enough)</summary>
      <ol>
        <li>
          <b>The map f.</b> The monitor keeps the VM in an allocation [base, base + w) of real memory and its virtual PSW. f takes a real state to a
          virtual one: memory = the allocation's words, M, P, R = the virtual PSW, registers unchanged.
        </li>
        <li>
          <b>The diagram.</b> For every instruction i and real state T: running i on the bare machine from f(T) must give f(T′), where T′ is the real
          state the monitor reaches from T. If that holds for every instruction, induction on the steps gives equivalence.
        </li>
        <li>
          <b>Innocuous instructions</b> run directly, in real user mode with R composed onto the allocation. They neither read nor change M or R and
          their addresses are relocated the same way, so the real step is the bare step under f: the diagram <i>commutes by itself</i> (a memory trap
          happens at the same address and is reflected).
        </li>
        <li>
          <b>Privileged instructions</b> trap in real user mode, so the dispatcher gets control. In virtual supervisor mode the interpreter executes the
          instruction on the virtual state; in virtual user mode the bare machine would trap too, and the monitor reflects the trap into the VM's trap
          frame. Either way the monitor <i>makes</i> the diagram commute.
        </li>
        <li>
          <b>The condition.</b> Only sensitive instructions can break the diagram when run directly (they see or set the real M or R). If every
          sensitive instruction is privileged, every one of them traps, so none runs unobserved and every step commutes: the monitor is equivalent,
          efficient (all innocuous instructions run directly) and in control (only it sets R). The condition is <i>sufficient</i>: when it fails, a
          step may not commute (the lockstep shows where), but that alone does not prove that no monitor exists.
        </li>
      </ol>
    </details>
  );
}
