import { useEffect, useMemo, useRef } from 'react';
import * as d3 from 'd3';
import type { LevelInfo, Sample } from '../../worker/protocol';
import { fmtInt } from '../format';
import { SvgExport } from './Export';
import { NO_LEVELS, useRuntime } from '../session';
import { useThrottled, useWidth } from '../throttle';

const SERIES = [
  { key: 'direct', label: 'direct (native)', cls: 's-direct' },
  { key: 'trapped', label: 'trapped', cls: 's-trapped' },
  { key: 'interpreted', label: 'interpreted', cls: 's-interp' },
] as const;

interface Pt {
  step: number;
  v: number;
}

/** Per interval between samples: instructions of each kind per 1000 guest steps. */
type Margin = { l: number; r: number; t: number; b: number };

/** The plot group of a chart, made once: both axes, a layer for the marks and the two axis titles. */
export function plotFrame(
  svg: d3.Selection<SVGSVGElement, unknown, null, undefined>,
  W: number,
  H: number,
  m: Margin,
  layer: string,
  xTitle: string,
  yTitle: string,
): d3.Selection<SVGGElement, unknown, null, undefined> {
  const found = svg.select<SVGGElement>('g.plot');
  if (!found.empty()) return found;
  const g = svg.append('g').attr('class', 'plot');
  g.append('g').attr('class', 'axis x');
  g.append('g').attr('class', 'axis y');
  g.append('g').attr('class', layer);
  g.append('text').attr('class', 'axis-title').attr('x', W - m.r).attr('y', H - 4).attr('text-anchor', 'end').text(xTitle);
  g.append('text').attr('class', 'axis-title').attr('transform', `translate(12, ${m.t + (H - m.t - m.b) / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(yTitle);
  return g;
}

function rates(samples: Sample[]): { series: Pt[][]; levels: Pt[][] } {
  const series: Pt[][] = SERIES.map(() => []);
  const nLevels = samples.reduce((m, s) => Math.max(m, s.levels.length), 0);
  const levels: Pt[][] = Array.from({ length: nLevels }, () => []);
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const ds = b.step - a.step;
    if (ds <= 0) continue;
    // A rate holds over its whole interval: start each series at the first sample, drawn as steps.
    const first = series[0].length === 0;
    SERIES.forEach((s, k) => {
      const v = ((b[s.key] - a[s.key]) / ds) * 1000;
      if (first) series[k].push({ step: a.step, v });
      series[k].push({ step: b.step, v });
    });
    for (let k = 0; k < nLevels; k++) {
      const v = (((b.levels[k] ?? 0) - (a.levels[k] ?? 0)) / ds) * 1000;
      if (levels[k].length === 0) levels[k].push({ step: a.step, v });
      levels[k].push({ step: b.step, v });
    }
  }
  return { series, levels };
}

/** The counters of the monitors beyond 1974, as `pglab run --json` reports them (present only under that monitor). */
const BEYOND = [
  { key: 'translated', label: 'translated', title: 'Guest instructions run as translated code (bt monitor)' },
  { key: 'hypercalls', label: 'hypercalls', title: 'Hypercalls the full monitor served (paravirtualization)' },
  { key: 'exits', label: 'guest-mode exits', title: 'Sensitive instructions that exited guest mode to the assist monitor' },
] as const;

/** D3 chart: direct vs trapped vs interpreted over time (per 1000 guest steps, log scale), per level. */
export function RatioChart() {
  const ref = useRef<SVGSVGElement>(null);
  const running = useRuntime((s) => s.frame?.state === 'running');
  const samples = useThrottled(useRuntime((s) => s.samples), 100, running);
  const counters = useThrottled(useRuntime((s) => s.frame?.counters), 100, running);
  const box = useRef<HTMLDivElement>(null);
  const W = useWidth(box);
  useEffect(() => {
    const svg = d3.select(ref.current!);
    const H = 220;
    const m = { l: 52, r: 16, t: 12, b: 34 };
    svg.attr('viewBox', `0 0 ${W} ${H}`).attr('width', W).attr('height', H);
    svg.selectAll('g.plot').remove();
    const { series, levels } = rates(samples);
    const maxStep = Math.max(1, samples[samples.length - 1]?.step ?? 1);
    const x = d3.scaleLinear().domain([samples[0]?.step ?? 0, maxStep]).range([m.l, W - m.r]);
    const y = d3.scaleLog().domain([0.01, 1000]).range([H - m.b, m.t]).clamp(true);
    const line = d3
      .line<Pt>()
      .x((p) => x(p.step))
      .y((p) => y(Math.max(0.01, p.v)))
      .curve(d3.curveStepBefore);
    const g = plotFrame(svg, W, H, m, 'lines', 'guest steps', 'per 1000 steps');
    g.select<SVGGElement>('g.axis.x')
      .attr('transform', `translate(0, ${H - m.b})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(W / 90))).tickFormat((v) => d3.format('~s')(Math.round(Number(v)))));
    g.select<SVGGElement>('g.axis.y')
      .attr('transform', `translate(${m.l}, 0)`)
      .call(d3.axisLeft(y).tickValues([0.01, 0.1, 1, 10, 100, 1000]).tickFormat(d3.format('~g')));
    const all = [
      ...series.map((pts, k) => ({ pts, cls: SERIES[k].cls })),
      ...levels.map((pts, k) => ({ pts, cls: `s-level lvl-${Math.min(k + 1, 8)}` })),
    ];
    g.select('g.lines')
      .selectAll<SVGPathElement, { pts: Pt[]; cls: string }>('path')
      .data(all)
      .join('path')
      .attr('class', (d) => `series ${d.cls}`)
      .attr('d', (d) => (d.pts.length ? line(d.pts) : null));
  }, [samples, W]);
  const nLevels = samples.reduce((mx, s) => Math.max(mx, s.levels.length), 0);
  return (
    <div className="chart" data-testid="chart" ref={box}>
      <div className="legend">
        {SERIES.map((s) => (
          <span key={s.key} className={`legend-item ${s.cls}`}>
            <i /> {s.label} <b>{fmtInt(counters?.[s.key] ?? 0)}</b>
          </span>
        ))}
        {BEYOND.filter((b) => counters?.[b.key] !== undefined).map((b) => (
          <span key={b.key} className="legend-item beyond" data-testid={`count-${b.key}`} title={b.title}>
            {b.label} <b>{fmtInt(counters?.[b.key] ?? 0)}</b>
          </span>
        ))}
        {Array.from({ length: nLevels }, (_, k) => (
          <span key={k} className={`legend-item s-level lvl-${Math.min(k + 1, 8)}`}>
            <i /> traps at monitor {k + 1}
          </span>
        ))}
      </div>
      <svg ref={ref} className="d3chart" role="img" aria-label="Direct, trapped and interpreted instructions per 1000 guest steps over time" />
      <SvgExport svg={ref} name="native-vs-trapped" />
    </div>
  );
}

/** Trap cost against depth: how many traps each monitor level sees, for the traps the guest raised. */
export function DepthChart() {
  const ref = useRef<SVGSVGElement>(null);
  const running = useRuntime((s) => s.frame?.state === 'running');
  const levels = useThrottled(useRuntime((s) => s.frame?.levels ?? NO_LEVELS), 250, running);
  const vms = useMemo(() => levels.filter((l: LevelInfo) => l.level >= 1), [levels]);
  const amp = useThrottled(useRuntime((s) => s.frame?.counters.amplification), 250, running);
  const box = useRef<HTMLDivElement>(null);
  const W = useWidth(box);
  useEffect(() => {
    if (!ref.current) return;
    const svg = d3.select(ref.current);
    const H = 170;
    const m = { l: 52, r: 16, t: 14, b: 34 };
    svg.attr('viewBox', `0 0 ${W} ${H}`).attr('width', W).attr('height', H);
    svg.selectAll('g.plot').remove();
    const data = vms.map((l) => ({ depth: l.level, traps: l.stats.traps, interp: l.stats.interpreted, refl: l.stats.reflected }));
    const x = d3.scaleBand<number>().domain(data.map((d) => d.depth)).range([m.l, W - m.r]).padding(0.3);
    const maxV = Math.max(10, ...data.map((d) => d.traps));
    const y = d3.scaleLog().domain([1, maxV]).range([H - m.b, m.t]).clamp(true).nice();
    const g = plotFrame(svg, W, H, m, 'bars', 'monitor depth', 'traps handled');
    g.select<SVGGElement>('g.axis.x').attr('transform', `translate(0, ${H - m.b})`).call(d3.axisBottom(x));
    g.select<SVGGElement>('g.axis.y').attr('transform', `translate(${m.l}, 0)`).call(d3.axisLeft(y).ticks(4, '~s'));
    g.select('g.bars')
      .selectAll<SVGRectElement, (typeof data)[number]>('rect')
      .data(data)
      .join('rect')
      .attr('class', (d) => `bar lvl-${Math.min(d.depth, 8)}`)
      .attr('x', (d) => x(d.depth) ?? 0)
      .attr('width', x.bandwidth())
      .attr('y', (d) => y(Math.max(1, d.traps)))
      .attr('height', (d) => H - m.b - y(Math.max(1, d.traps)));
  }, [vms, W]);
  return (
    <div className="chart" data-testid="depthchart" ref={box} style={vms.length < 1 ? { display: 'none' } : undefined}>
      <div className="legend">
        <span className="legend-item">Trap cost against depth: traps each monitor handles (log scale)</span>
        {amp !== undefined && amp > 0 && (
          <span className="legend-item" title="(traps at the outermost monitor + interpretations at every level) per trap the guest itself takes">
            amplification <b>{amp.toFixed(1)}×</b>
          </span>
        )}
      </div>
      <svg ref={ref} className="d3chart" role="img" aria-label="Trap cost against monitor depth" />
      <SvgExport svg={ref} name="trap-cost-by-depth" />
    </div>
  );
}
