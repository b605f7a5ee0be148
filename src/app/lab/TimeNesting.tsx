/**
 * Why virtual time matters for nesting (PG1.md §11; Theorem 2's premise, "a VMM without timing dependence"):
 * the program bare and under 1–3 monitors, each with virtual time (the guest's clock counts its own instructions)
 * and with real time (it reads the real machine's clock, which also counts every monitor's work beneath it).
 * The runs are the worker's (lab.ts timeDepths); this view only lays them out.
 */
import { useEffect, useState } from 'react';
import type { PaperKind } from '../../core/vmm/kinds';
import type { TimeRow } from '../../worker/protocol';
import { timeRuns } from '../../worker/client';
import { examples } from '../examples';
import { fmtInt } from '../format';

const DEPTHS = 3;
const MAX_STEPS = 1_000_000;
/** The example that reads the clock (its interval timer preempts two processes), as the default program. */
const TIMER = 'timer.s';

export function TimeNesting({ source, isaText, kind, w, input }: { source: string; isaText: string; kind: PaperKind; w: number; input: string }) {
  const [which, setWhich] = useState<'timer' | 'program'>('timer');
  const [res, setRes] = useState<{ bare: TimeRow; rows: TimeRow[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => () => timeRuns.cancel(), []);
  // Anything the comparison depends on changed: its rows no longer describe it.
  useEffect(() => setRes(null), [which, source, isaText, kind, w, input]);

  const compare = () => {
    const program = which === 'timer' ? (examples[TIMER] ?? '') : source;
    setBusy(true);
    setErr(null);
    void timeRuns
      .call((x) => x.timeDepths({ source: program, isaText, kind, depth: DEPTHS, w, input: which === 'timer' ? '' : input, maxSteps: MAX_STEPS, maxDepth: DEPTHS }))
      .then((out) => {
        if (!out) return;
        setBusy(false);
        if (out.ok) setRes(out.value);
        else setErr(out.message);
      });
  };

  const row = (r: TimeRow, key: string) => (
    <tr key={key} data-testid={`rec-time-${r.depth === 0 ? 'bare' : `${r.time}-${r.depth}`}`} className={r.equivalent ? '' : 'bad'}>
      <th>{r.depth === 0 ? 'bare machine' : `${r.time} time, depth ${r.depth}`}</th>
      <td className="num" data-testid="clock">
        {fmtInt(r.clock)}
      </td>
      <td className="num">{fmtInt(r.guestSteps)}</td>
      <td data-testid="verdict">{r.depth === 0 ? '—' : r.equivalent ? 'equivalent' : `diverges (${r.diverges})`}</td>
      <td>
        <code className="time-console">{r.console.trim() || '(nothing)'}</code>
        {r.status === 'limit' && <span className="muted"> (step limit)</span>}
      </td>
    </tr>
  );

  return (
    <section className="card" data-testid="rec-time">
      <h3>Time and nesting: why the monitor’s clock must be virtual</h3>
      <p className="muted">
        Theorem 2 asks for a monitor without timing dependence. Under <b>virtual time</b> the guest’s clock (port 2, §11) counts only the guest’s own
        instructions, at any depth; under <b>real time</b> it reads the real machine’s clock, which also counts the work of every monitor beneath the guest
        (their dispatchers and interpreters), more of it at each level. A program that reads the clock then ends differently, and nesting makes it worse.
        Each run goes to the halt (at most {fmtInt(MAX_STEPS)} guest steps) under the {kind} monitor and is compared with the bare run, as{' '}
        <code>pglab equiv --time real|virtual</code> does. <i>Clock</i> is what the guest reads (IN r, 2) when it ends.
      </p>
      <div className="form-row">
        <label>
          program{' '}
          <select data-testid="rec-time-program" value={which} onChange={(e) => setWhich(e.target.value as 'timer' | 'program')}>
            <option value="timer">{TIMER} (reads the clock: preemption with the interval timer)</option>
            <option value="program">the workbench’s program</option>
          </select>
        </label>
        <button type="button" data-testid="rec-time-run" disabled={busy} aria-busy={busy} onClick={compare}>
          {busy ? 'Running…' : `Compare virtual and real time at depths 1–${DEPTHS}`}
        </button>
      </div>
      {err && (
        <div className="err" data-testid="rec-time-error">
          {err}
        </div>
      )}
      {res && (
        <table className="time-table" data-testid="rec-time-table">
          <thead>
            <tr>
              <th>run</th>
              <th>clock</th>
              <th>guest steps</th>
              <th>against bare</th>
              <th>console</th>
            </tr>
          </thead>
          <tbody>
            {row(res.bare, 'bare')}
            {res.rows.filter((r) => r.time === 'virtual').map((r) => row(r, `v${r.depth}`))}
            {res.rows.filter((r) => r.time === 'real').map((r) => row(r, `r${r.depth}`))}
          </tbody>
        </table>
      )}
    </section>
  );
}
