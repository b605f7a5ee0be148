/**
 * Trap flow for a PG/1 monitor tower: what the real hardware did (PG1.md §3) — the old PSW written into the
 * *real* E[0..3], cause and detail into real E[4..5], the new PSW loaded from real E[8..11] (the outermost
 * monitor's dispatcher) — the dispatcher's path through the monitor's code and the LPSW that resumes the level
 * the trap came from (both traced by the worker, pgtower.ts), and where the machine is now.
 */
import type { TrapEvent } from '../../worker/protocol';
import { causeName, fmtInt, modeName } from '../format';
import { useRuntime } from '../session';

const levelName = (k: number, depth: number, file: string): string => (k > depth ? 'the guest' : `${file} ${k}`);

function Cells({ title, values, names, testid }: { title: string; values: number[]; names: string[]; testid: string }) {
  return (
    <div className="tf-psw" data-testid={testid}>
      <div className="tf-psw-head">{title}</div>
      <div className="tf-cells">
        {values.map((v, i) => (
          <div key={i} className="tf-cell" style={{ animationDelay: `${i * 70}ms` }}>
            <span>{names[i]}</span>
            <b data-testid={`${testid}-${i}`}>{v}</b>
          </div>
        ))}
      </div>
    </div>
  );
}

export function RealFlow({ e }: { e: TrapEvent }) {
  const tower = useRuntime((s) => s.frame?.tower);
  const steps = useRuntime((s) => s.frame?.steps ?? 0);
  const r = e.real!;
  const depth = tower?.depth ?? 1;
  const file = tower?.monitorName ?? 'monitor';
  const F = r.frame;
  const now = tower ? levelName(tower.level, depth, file) : '';
  return (
    <div className="trapflow" data-testid="trapflow">
      <div className="tf-title">
        <span className={`cause-chip cause-${e.cause}`}>{causeName(e.cause)}</span> at real step <b>{fmtInt(e.step)}</b> · from{' '}
        <b>{levelName(r.from, depth, file)}</b> ({modeName(e.old.mode)}) · <code>{e.what}</code>
      </div>
      <div className="tf-grid">
        <Cells title="old PSW → real E[0..3]" values={F.slice(0, 4)} names={['M', 'P', 'l', 'b']} testid="real-old" />
        <Cells title="real E[4..5]" values={F.slice(4, 6)} names={['cause', 'detail']} testid="real-ce" />
        <Cells title="new PSW ← real E[8..11]" values={F.slice(8, 12)} names={['M', 'P', 'l', 'b']} testid="real-new" />
      </div>
      <ol className="tf-path" aria-label="trap path">
        <li>
          {levelName(r.from, depth, file)} fetched <code>{e.what}</code> at real {e.old.pc + e.old.l} (P = {e.old.pc}, l = {e.old.l})
        </li>
        <li>the real hardware wrote the old PSW, cause and detail into real E[0..5] (real memory, unrelocated)</li>
        <li>
          and loaded the new PSW from real E[8..11]: {levelName(r.to, depth, file)}'s dispatcher at real {F[9] + F[10]}
        </li>
        {r.dispatch && r.dispatch.length > 0 && (
          <li data-testid="real-dispatch">
            the dispatcher's path through {file}'s code (labels of the real fetch addresses, replayed from the trap; grey: not reached yet):{' '}
            {r.dispatch.map((d, i) => (
              <span key={i} className={d.step < steps || (i === 0 && d.step === steps) ? '' : 'muted'} title={`real ${d.real}, real step ${fmtInt(d.step)}`}>
                {i > 0 ? ' → ' : ''}
                <code>{depth > 1 ? `${d.level}:` : ''}{d.label}</code>
              </span>
            ))}
            {r.dispatchMore ? ' → …' : ''}
          </li>
        )}
        {r.resume && (
          <li data-testid="real-resume" className={r.resume.step < steps ? '' : 'muted'}>
            {r.resume.mnemonic || 'the instruction'} resumes {levelName(r.resume.to, depth, file)}: new PSW ({modeName(r.resume.psw.mode)}, P={r.resume.psw.pc}, l={r.resume.psw.l}, b=
            {r.resume.psw.b}){r.resume.from >= 0 ? ` loaded from real ${r.resume.from}..${r.resume.from + 3}` : ''} — <code>{r.resume.text}</code> at real {r.resume.real}, real step{' '}
            {fmtInt(r.resume.step)}
            {r.resume.step < steps ? '' : ' (ahead)'}
          </li>
        )}
        <li className="last">
          {steps === e.step
            ? `now: the dispatcher's first instruction (Step goes through the monitor's code; "over monitor" runs to the LPSW that resumes the guest)`
            : `now, real step ${fmtInt(steps)}: in ${now}${tower && tower.level > depth ? ' — resumed by the dispatcher’s LPSW' : ''}`}
        </li>
      </ol>
      {tower && (
        <div className="tf-handled small" data-testid="real-now">
          real PSW now: ({modeName(tower.realPsw.mode)}, P={tower.realPsw.pc}, l={tower.realPsw.l}, b={tower.realPsw.b}) · guest's virtual PSW ({modeName(tower.vpsw.mode)}, P={tower.vpsw.pc}, l=
          {tower.vpsw.l}, b={tower.vpsw.b})
        </div>
      )}
    </div>
  );
}
