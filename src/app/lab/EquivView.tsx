/**
 * Equivalence: the program bare (q = w) and under the chosen monitor, side by side, stepping in lockstep; the
 * first divergence is highlighted on both sides with its field, values and source line. One click loads a
 * counterexample for the current ISA.
 */
import { useEffect, useMemo, useState } from 'react';
import { pickCounterexample } from './counterexample';
import { useClassification } from './IsaLab';
import type { EqSnapshot, SideState } from '../../worker/protocol';
import { equivRuns } from '../../worker/client';
import { programProblem, useLabProgram, useLabSession } from './labSession';
import { MonitorSelect, StepButtons } from './SessionControls';
import { ASM_LANG, MonacoBox, type Marker } from './MonacoBox';
import { replaceWorkspace } from '../loader';
import { fmtInt } from '../format';
import { PropertiesCards } from '../views/Properties';
import { Homomorphism, ProofSketch } from './Homomorphism';
import { Card } from './Card';

const RUN_LIMIT = 200_000;

function regIndex(field: string | undefined): number {
  const m = /^regs\[(\d+)\]$/.exec(field ?? '');
  return m ? Number(m[1]) : -1;
}

function Side({ title, s, field, value, line, testId }: { title: string; s: SideState; field?: string; value?: unknown; line: number | null; testId: string }) {
  const r = regIndex(field);
  const cls = (f: string) => (field === f ? 'diff' : '');
  return (
    <div className="eq-side" data-testid={testId}>
      <h4>{title}</h4>
      <table className="kv">
        <tbody>
          <tr className={cls('status')}>
            <th>status</th>
            <td>{s.status}</td>
          </tr>
          <tr>
            <th>steps</th>
            <td>{s.steps.toLocaleString('en')}</td>
          </tr>
          <tr className={cls('psw.mode')}>
            <th>M</th>
            <td>{s.psw.mode === 0 ? 's' : 'u'}</td>
          </tr>
          <tr className={cls('psw.pc')}>
            <th>P</th>
            <td>
              {s.psw.pc}
              {s.line ? ` (line ${s.line})` : ''}
            </td>
          </tr>
          <tr className={cls('psw.l') || cls('psw.b')}>
            <th>R</th>
            <td>
              ({s.psw.l}, {s.psw.b})
            </td>
          </tr>
          <tr className={cls('console')}>
            <th>console</th>
            <td className="mono">{JSON.stringify(s.console)}</td>
          </tr>
          {field?.startsWith('mem[') && (
            <tr className="diff">
              <th>{field}</th>
              <td>{String(value)}</td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="eq-regs">
        {s.regs.map((v, i) => (
          <span key={i} className={`eq-reg${i === r ? ' diff' : ''}`}>
            r{i}={v}
          </span>
        ))}
      </div>
      {line !== null && field && <div className="eq-line">diverging instruction: line {line}</div>}
    </div>
  );
}

export function EquivView() {
  const { source, kind, depth, w, input, setS, isaText, isaName, parsed, asm } = useLabProgram();
  const classification = useClassification((s) => s.result);
  const classifiedText = useClassification((s) => s.text);
  const found = useClassification((s) => s.counterexamples);
  const d = Math.max(1, Math.min(8, depth || 1));
  // The lockstep runs in a worker (runClient.ts): "Run to divergence" compares up to 200,000 steps, a few
  // tenths of a second or more, which would freeze the editor on the page's thread. `snap` is its last state.
  const { snap, setSnap, busy, err, setErr, send, refuse } = useLabSession<EqSnapshot>(equivRuns);
  const [note, setNote] = useState<string | null>(null);

  const open = () => {
    setNote(null);
    send((x) => x.equivOpen({ source, isaText, kind, depth: d, w, input }));
  };

  useEffect(() => {
    setSnap(null);
    setErr(null);
    setNote(null);
    const problem = programProblem(parsed, asm);
    if (problem) refuse(problem);
    else open();
    // asm and parsed are derived from source and isaText, which open() sends.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [asm, parsed, kind, d, w, input]);

  const l = snap;
  const dv = l?.divergence ?? null;
  const step = (n: number) => {
    if (!l) return;
    send((x) => x.equivStep(n), (s) => {
      setSnap(s);
      if (!s.divergence && !s.done && n >= RUN_LIMIT) setNote(`No divergence in ${s.steps.toLocaleString('en')} steps; stopped there (the program may loop).`);
      else if (s.done && !s.divergence) setNote('Both halted in the same state: equivalent.');
    });
  };
  const reset = () => {
    setErr(null);
    if (asm?.ok && parsed.ok) open();
    else setNote(null);
  };
  const cx = parsed.ok && classification && classifiedText === isaText ? pickCounterexample(parsed.isa, classification, found, kind) : null;
  const lines = useMemo(() => {
    const m = new Map<number, string>();
    if (dv?.nativeLine) m.set(dv.nativeLine, 'diverge-line');
    if (dv?.virtualLine && dv.virtualLine !== dv.nativeLine) m.set(dv.virtualLine, 'diverge-line');
    if (!dv && l) {
      const ln = l.native.line;
      if (ln) m.set(ln, 'pc-line');
    }
    return m;
  }, [dv, l]);
  const markers: Marker[] = asm && !asm.ok ? asm.errors.map((e) => ({ line: e.line, col: e.col, endCol: e.endCol, message: e.message })) : [];

  return (
    <div className="lab-equiv" data-testid="equiv-view">
      <div className="lab-col">
        <Card title="Program">
          <div className="form-row">
            <MonitorSelect testId="eq-monitor" kind={kind} depth={d} theorems />
            <label>
              depth{' '}
              <input data-testid="eq-depth" type="number" min={1} max={8} value={d} onChange={(e) => setS({ depth: Math.max(1, Math.min(8, Number(e.target.value) || 1)), monitor: kind })} style={{ width: '4em' }} />
            </label>
            <span className="muted">
              ISA <code>{isaName}</code>, w = {w}
            </span>
          </div>
          <MonacoBox value={source} onChange={(t) => setS({ source: t })} language={ASM_LANG} markers={markers} lines={lines} height={340} testId="eq-editor" ariaLabel="Program" />
          <div className="form-row">
            <button type="button" data-testid="eq-counterexample" disabled={!cx} title={cx ? `Replace the program with one that diverges under the ${kind} monitor on this ISA` : 'No counterexample for this ISA and monitor (or it is still being classified)'} onClick={() => cx && replaceWorkspace('Loaded a counterexample', () => setS({ source: cx }))}>
              Load counterexample
            </button>
            {parsed.ok && classification && classifiedText === isaText && !cx && (
              <span className="muted" data-testid="eq-no-counterexample">
                {(kind === 'full' ? classification.theorem1 : classification.theorem3).holds
                  ? `Theorem ${kind === 'full' ? 1 : 3}'s condition holds for this ISA: no counterexample to show.`
                  : 'The classifier found no diverging program for this monitor (the theorems are sufficient conditions only).'}
              </span>
            )}
          </div>
        </Card>
      </div>
      <div className="lab-col">
        <Card title={`Bare machine vs. ${kind} monitor${d > 1 ? ` (depth ${d})` : ''}`}>
          <div className="form-row">
            <StepButtons testId="eq" can={!!l && !busy && !dv && !l.done} busy={busy} open={!!l} runLabel="Run to divergence" step={() => step(1)} run={() => step(RUN_LIMIT)} reset={reset} />
            <span className="muted" data-testid="eq-steps">
              {l ? `${l.steps.toLocaleString('en')} steps compared` : busy ? 'loading…' : ''}
            </span>
          </div>
          {err && <div className="err" data-testid="eq-error">{err}</div>}
          {dv && (
            <div className="banner bad" data-testid="eq-divergence">
              Diverged after step {fmtInt(dv.step)}: <b>{dv.field}</b> is {JSON.stringify(dv.native)} on the bare machine but {JSON.stringify(dv.virtual)} under the monitor.
              {dv.nativeLine ? ` The instruction on line ${dv.nativeLine}` : ''}
              {dv.virtualLine && dv.virtualLine !== dv.nativeLine ? ` (line ${dv.virtualLine} in the VM)` : ''}
              {dv.nativeLine ? ' caused it.' : ''}
            </div>
          )}
          {note && !dv && (
            <div className="banner good" data-testid="eq-note">
              {note}
            </div>
          )}
          {l && (
            <div className="eq-sides">
              <Side title="Bare machine (q = w)" s={l.native} field={dv?.field} value={dv?.native} line={dv?.nativeLine ?? null} testId="eq-native" />
              <Side title={`Under the ${kind} monitor`} s={l.virtual} field={dv?.field} value={dv?.virtual} line={dv?.virtualLine ?? null} testId="eq-virtual" />
            </div>
          )}
        </Card>
        {l?.properties && (
          <Card title="The monitor's three properties on this run">
            <PropertiesCards p={l.properties} testId="eq-props" />
          </Card>
        )}
        {l && (
          <Card title="The homomorphism f, step by step">
            <Homomorphism snap={l} />
            <ProofSketch />
          </Card>
        )}
      </div>
    </div>
  );
}
