/**
 * Lessons 8–10's chart: the same kernel-heavy x86 guest (src/lessons/guest.ts) under each way to virtualize it,
 * and how its instructions ran — directly, as translated code, interpreted by the monitor, hypercalls, guest-mode
 * exits. The counts come from running it in the run service's worker (src/lessons/costs.ts), never typed in.
 */
import { useEffect, useRef, useState } from 'react';
import * as d3 from 'd3';
import { COUNT_KEYS, type TechniqueCost } from '../../lessons/costs';
import { costRuns } from '../../worker/client';
import { fmtInt } from '../format';
import { useWidth } from '../throttle';
import { plotFrame } from '../views/Chart';
import { SvgExport } from '../views/Export';

type Key = (typeof COUNT_KEYS)[number];
const LABELS: Record<Key, string> = {
  direct: 'direct',
  translated: 'translated',
  interpreted: 'interpreted',
  hypercalls: 'hypercalls',
  exits: 'guest-mode exits',
};

export function CostChart() {
  const [rows, setRows] = useState<TechniqueCost[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<SVGSVGElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const W = useWidth(box);
  useEffect(() => {
    void costRuns.call((x) => x.beyondCosts()).then((out) => {
      if (!out) return; // overtaken (the lesson was left)
      if (out.ok) setRows(out.value);
      else setError(out.message);
    });
    return () => costRuns.cancel();
  }, []);
  useEffect(() => {
    if (!rows || !ref.current) return;
    const svg = d3.select(ref.current);
    const bar = 9;
    const m = { l: 210, r: 64, t: 8, b: 34 };
    const H = m.t + m.b + rows.length * (COUNT_KEYS.length * bar + 14);
    svg.attr('viewBox', `0 0 ${W} ${H}`).attr('width', W).attr('height', H);
    svg.selectAll('g.plot').remove();
    const label = (r: TechniqueCost) => `${r.label}${r.equivalent ? '' : ' ✗'}`;
    const y = d3.scaleBand<string>().domain(rows.map(label)).range([m.t, H - m.b]).paddingInner(0.18);
    const inner = d3.scaleBand<Key>().domain(COUNT_KEYS).range([0, y.bandwidth()]);
    const max = Math.max(10, ...rows.flatMap((r) => COUNT_KEYS.map((k) => r.counts[k])));
    const x = d3.scaleLog().domain([1, max]).range([m.l, W - m.r]).clamp(true).nice();
    const g = plotFrame(svg, W, H, m, 'bars', 'guest instructions, or events (log scale)', '');
    g.select<SVGGElement>('g.axis.x').attr('transform', `translate(0, ${H - m.b})`).call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(W / 110)), '~s'));
    g.select<SVGGElement>('g.axis.y').attr('transform', `translate(${m.l}, 0)`).call(d3.axisLeft(y).tickSize(0));
    const cells = rows.flatMap((r) => COUNT_KEYS.filter((k) => r.counts[k] > 0).map((k) => ({ r, k, v: r.counts[k] })));
    const bars = g.select('g.bars');
    bars
      .selectAll<SVGRectElement, (typeof cells)[number]>('rect')
      .data(cells)
      .join('rect')
      .attr('class', (d) => `cost-bar c-${d.k}`)
      .attr('x', m.l)
      .attr('y', (d) => (y(label(d.r)) ?? 0) + (inner(d.k) ?? 0))
      .attr('height', inner.bandwidth() - 1)
      .attr('width', (d) => Math.max(1, x(d.v) - m.l));
    bars
      .selectAll<SVGTextElement, (typeof cells)[number]>('text')
      .data(cells)
      .join('text')
      .attr('class', 'cost-value')
      .attr('x', (d) => x(d.v) + 4)
      .attr('y', (d) => (y(label(d.r)) ?? 0) + (inner(d.k) ?? 0) + inner.bandwidth() - 1)
      .text((d) => fmtInt(d.v));
  }, [rows, W]);
  return (
    <div className="chart" data-testid="cost-chart" data-ready={rows ? 'true' : 'false'} ref={box}>
      <div className="legend">
        <span className="legend-item">The same kernel-heavy x86 guest under each technique: how its instructions ran</span>
        {COUNT_KEYS.map((k) => (
          <span key={k} className={`legend-item c-${k}`}>
            <i /> {LABELS[k]}
          </span>
        ))}
        <span className="legend-item muted">✗ not equivalent to the bare machine</span>
      </div>
      {error && <div className="error" data-testid="cost-chart-error">The chart could not be computed: {error}</div>}
      {!rows && !error && <div className="muted">Running the guest under each technique…</div>}
      <svg ref={ref} className="d3chart" role="img" aria-label="Guest instructions run directly, translated and interpreted, hypercalls and guest-mode exits, per technique" />
      <SvgExport svg={ref} name="beyond-1974-costs" />
    </div>
  );
}
