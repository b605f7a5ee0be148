/**
 * Recursion made real: the cost of one guest trap through 1–4 monitors written in PG/1 (every level's dispatcher
 * is code on the real machine, so each level multiplies it), beside the built-in monitors' work, and the cost of
 * innocuous code (run directly). Computed in a worker (pgseries.ts); a point stopped by its real step budget is
 * marked and measures only the SVCs the guest got through.
 */
import { useEffect, useState } from 'react';
import { pgSeriesRuns } from '../../worker/client';
import type { PgPoint } from '../../worker/protocol';
import { useIsa } from '../isa';

const NAMES: Record<string, string> = { 'full.s': 'full.s (PG/1)', 'hybrid.s': 'hybrid.s (PG/1)', full: 'full (built-in)', hybrid: 'hybrid (built-in)' };

const fmt = (v: number): string => (Number.isNaN(v) ? '—' : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(2));

function Table({ points, guest, metric }: { points: PgPoint[]; guest: PgPoint['guest']; metric: 'perTrap' | 'perInstr' }) {
  const rows = Object.keys(NAMES);
  const depths = [...new Set(points.map((p) => p.depth))].sort((a, b) => a - b);
  return (
    <table className="amp-table" data-testid={`pg-rec-${guest}`}>
      <thead>
        <tr>
          <th>{guest === 'trap-heavy' ? 'per guest trap' : 'per guest instruction'}</th>
          {depths.map((d) => (
            <th key={d}>depth {d}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => (
          <tr key={m}>
            <th>{NAMES[m]}</th>
            {depths.map((d) => {
              const p = points.find((x) => x.guest === guest && x.monitor === m && x.depth === d);
              if (!p) return <td key={d}>—</td>;
              return (
                <td key={d} className={p.limited ? 'limit' : ''} title={p.limited ? `stopped at its budget after ${p.realSteps.toLocaleString('en')} real instructions (${p.guestTraps} guest traps)` : `${p.realSteps.toLocaleString('en')} real instructions`}>
                  {fmt(p[metric])}
                  {p.limited ? '*' : ''}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PgRecursion() {
  const isaText = useIsa((s) => s.text);
  const [points, setPoints] = useState<PgPoint[]>([]);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setBusy(true);
    setErr(null);
    void pgSeriesRuns.call((x) => x.pgSeries(isaText)).then((out) => {
      if (!out) return;
      setBusy(false);
      if (out.ok) setPoints(out.value);
      else setErr(out.message);
    });
    return () => pgSeriesRuns.cancel();
  }, [isaText]);
  const limited = points.some((p) => p.limited);
  return (
    <section className="card" data-testid="pg-recursion">
      <h3>Recursion made real: monitors written in PG/1</h3>
      <p className="muted">
        Under <code>full.s</code> and <code>hybrid.s</code> every level's dispatcher is PG/1 code on the real machine, so a guest trap costs real
        instructions at every level, and each level multiplies the cost of the one inside it. The figures are real instructions (PG/1 monitors) and
        real work — real instructions + dispatcher entries + interpreted instructions — for the built-in TypeScript monitors, on a user process that
        makes 100 SVCs (trap-heavy) and on a user loop of 2,000 turns (innocuous). Each point is bounded by 20,000,000 real instructions.
      </p>
      {busy && <div className="muted">measuring…</div>}
      {err && <div className="err">{err}</div>}
      {points.length > 0 && (
        <>
          <Table points={points} guest="trap-heavy" metric="perTrap" />
          <Table points={points} guest="innocuous" metric="perInstr" />
          {limited && <p className="muted small">* stopped at the budget: the figure divides by the guest traps its kernel counted until then.</p>}
        </>
      )}
    </section>
  );
}
