/**
 * Recursion: the program under 0–8 nested monitors. The nested windows in real memory, the PSW of every level,
 * and a plot of real work per guest instruction against depth (with the trap amplification of each depth), for the current program.
 */
import * as d3 from 'd3';
import { useEffect, useRef, useState } from 'react';
import { checkStack } from '../../core/vmm/stack';
import { MAX_DEPTH } from '../../core/vmm/kinds';
import type { DepthPoint, LevelInfo, RecSnapshot } from '../../worker/protocol';
import { seriesRuns, towerRuns } from '../../worker/client';
import { programProblem, useLabProgram, useLabSession } from './labSession';
import { MonitorSelect, StepButtons } from './SessionControls';
import { PgRecursion } from '../tower/PgRecursion';
import { TimeNesting } from './TimeNesting';
import { fmtInt } from '../format';
import { SvgExport } from '../views/Export';
import { TableHead } from '../views/TableHead';

const RUN_LIMIT = 200_000;

function Windows({ data, q, zoom }: { data: LevelInfo[]; q: number; zoom: boolean }) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const W = 620;
    // Each row: its label on a line of its own, the bar under it, so no label ever crosses a bar.
    const rowH = 34;
    const barY = (i: number) => 8 + i * rowH + 15;
    const svg = d3.select(ref.current!);
    svg.attr('viewBox', `0 0 ${W} ${(data.length + 1) * rowH + 30}`);
    svg.selectAll('*').remove();
    // Zoomed, the axis covers the monitors' own areas (16 words each) at the bottom of real memory.
    const x = d3
      .scaleLinear()
      .domain([0, zoom ? Math.min(q, 16 * data.length + 48) : q])
      .range([10, W - 10])
      .clamp(true);
    const g = svg.selectAll('g.win').data(data).join('g').attr('class', 'win').attr('data-level', (_d, i) => i);
    g.append('rect')
      .attr('class', (_d, i) => `win-rect level-${i % 9}`)
      .attr('x', (d) => x(d.realBase))
      .attr('y', (_d, i) => barY(i))
      .attr('width', (d) => Math.max(2, x(d.realBase + d.size) - x(d.realBase)))
      .attr('height', rowH - 19);
    g.append('text')
      .attr('class', 'win-text')
      .attr('x', 10)
      .attr('y', (_d, i) => barY(i) - 4)
      .text((d) => `${d.label} — real ${d.realBase}..${d.realBase + d.size - 1}`);
    // The current relocation window of the innermost level, in real addresses.
    const inner = data[data.length - 1];
    const wl = inner.realBase + inner.psw.l;
    const y = barY(data.length);
    svg
      .append('rect')
      .attr('class', 'win-rect current')
      .attr('x', x(Math.max(0, wl)))
      .attr('y', y)
      .attr('width', Math.max(2, x(Math.min(q, wl + inner.psw.b)) - x(Math.max(0, wl))))
      .attr('height', rowH - 19);
    svg
      .append('text')
      .attr('class', 'win-text')
      .attr('x', 10)
      .attr('y', y - 4)
      .text(`program's current window R = (${inner.psw.l}, ${inner.psw.b}) → real ${wl}..${wl + inner.psw.b - 1}`);
    const axis = d3.axisBottom(x).ticks(6);
    svg
      .append('g')
      .attr('transform', `translate(0, ${y + rowH - 15})`)
      .call(axis as never);
  }, [data, q, zoom]);
  return <svg ref={ref} className="windows" data-testid="rec-windows" />;
}

function AmpPlot({ points }: { points: DepthPoint[] }) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const W = 620;
    const H = 240;
    const m = { l: 56, r: 16, t: 14, b: 40 };
    const svg = d3.select(ref.current!).attr('viewBox', `0 0 ${W} ${H}`);
    svg.selectAll('*').remove();
    if (!points.length) return;
    const x = d3.scaleLinear().domain([0, MAX_DEPTH]).range([m.l, W - m.r]);
    const y = d3
      .scaleLinear()
      .domain([0, d3.max(points, (p) => p.perGuest) ?? 1])
      .nice()
      .range([H - m.b, m.t]);
    svg.append('g').attr('transform', `translate(0,${H - m.b})`).call(d3.axisBottom(x).ticks(9) as never);
    svg.append('g').attr('transform', `translate(${m.l},0)`).call(d3.axisLeft(y).ticks(5) as never);
    svg.append('text').attr('class', 'axis-label').attr('x', W / 2).attr('y', H - 6).attr('text-anchor', 'middle').text('depth (nested monitors)');
    svg
      .append('text')
      .attr('class', 'axis-label')
      .attr('transform', `translate(14,${H / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('real work per guest instruction');
    const line = d3
      .line<DepthPoint>()
      .x((p) => x(p.depth))
      .y((p) => y(p.perGuest));
    svg.append('path').datum(points).attr('class', 'amp-line').attr('d', line);
    const dots = svg
      .selectAll('circle.amp-dot')
      .data(points)
      .join('circle')
      .attr('class', (p) => `amp-dot${p.status === 'limit' ? ' limit' : ''}`)
      .attr('data-depth', (p) => p.depth)
      .attr('data-value', (p) => p.perGuest.toFixed(3))
      .attr('cx', (p) => x(p.depth))
      .attr('cy', (p) => y(p.perGuest))
      .attr('r', 4);
    dots
      .append('title')
      .text(
        (p) =>
          `depth ${p.depth}: ${p.perGuest.toFixed(2)} per guest instruction; trap amplification ${p.amplification.toFixed(1)}× per guest trap; ${fmtInt(p.guestSteps)} guest, ${fmtInt(p.realSteps)} on the real processor; traps per level ${p.traps.join(' / ') || '—'}; interpreted ${p.interpreted.join(' / ') || '—'}${p.status === 'limit' ? ' (stopped at the step limit)' : ''}`,
      );
  }, [points]);
  return (
    <>
      <svg ref={ref} className="amp" data-testid="rec-plot" />
      <SvgExport svg={ref} name="amplification" />
    </>
  );
}

export function RecursionView() {
  const { source, monitor, kind, depth: setDepth, w, input, setS, isaText, isaName, parsed, asm } = useLabProgram();
  const depth = monitor === 'none' ? 0 : setDepth;
  // The tower lives in a worker (runClient.ts, run.worker.ts): Run steps it up to 200,000 guest instructions
  // under as many as 8 monitors, which would freeze the editors on the page's thread. `snap` is its last state.
  const { snap, setSnap, busy, err, setErr, send, refuse } = useLabSession<RecSnapshot>(towerRuns);
  const [points, setPoints] = useState<DepthPoint[]>([]);
  const [zoom, setZoom] = useState(false);

  const reset = () => {
    setSnap(null);
    setErr(null);
    // Errors the page can see without the worker are shown at once; any running step is dropped with the old tower.
    const problem = programProblem(parsed, asm) ?? (depth > 0 ? checkStack(w, depth) : null);
    if (problem) refuse(problem);
    else send((x) => x.towerOpen({ source, isaText, kind, depth, w, input }));
  };
  // asm and parsed are derived from source and isaText, which reset() sends.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(reset, [asm, parsed, kind, depth, w, input]);

  // The amplification series runs the whole program 9 times (close to a second for a program that traps a lot):
  // debounced behind edits and run in a worker; a newer series abandons the running one.
  const [measuring, setMeasuring] = useState(false);
  const [seriesErr, setSeriesErr] = useState<string | null>(null);
  useEffect(() => {
    setPoints([]);
    setSeriesErr(null);
    seriesRuns.cancel();
    setMeasuring(false);
    if (!parsed.ok || !asm?.ok) return;
    const t = window.setTimeout(() => {
      setMeasuring(true);
      void seriesRuns.call((x) => x.series({ source, isaText, kind, depth: MAX_DEPTH, w: Math.min(w, 16384), maxSteps: RUN_LIMIT, maxDepth: MAX_DEPTH, input })).then((out) => {
        if (!out) return;
        setMeasuring(false);
        if (out.ok) setPoints(out.value);
        else setSeriesErr(out.message);
      });
    }, 300);
    return () => window.clearTimeout(t);
    // asm and parsed are derived from source and isaText, which the worker is sent.
  }, [asm, parsed, kind, w, input, source, isaText]);
  useEffect(() => () => seriesRuns.cancel(), []);

  const t = snap;
  const run = (n: number) => {
    if (!t) return;
    send((x) => x.towerStep(n));
  };
  const status = t?.status ?? (busy ? 'loading…' : '');
  const steps = t?.steps ?? 0;
  const data = t?.rows ?? [];
  return (
    <div className="lab-rec" data-testid="recursion-view">
      <section className="card">
        <h3>Nested monitors</h3>
        <div className="form-row">
          <label>
            depth <b data-testid="rec-depth-value">{depth}</b>{' '}
            <input
              data-testid="rec-depth"
              type="range"
              min={0}
              max={MAX_DEPTH}
              value={depth}
              onChange={(e) => {
                const d = Number(e.target.value);
                setS(d === 0 ? { monitor: 'none', depth: 0 } : { monitor: kind, depth: d });
              }}
            />
          </label>
          <MonitorSelect testId="rec-monitor" kind={kind} depth={Math.max(1, depth)} />
          <StepButtons testId="rec" can={!!t && !busy && status !== 'halted'} busy={busy} open={!!t} runLabel="Run" step={() => run(1)} run={() => run(RUN_LIMIT)} reset={reset} />
          <span className="muted" data-testid="rec-status">
            {status} · {steps.toLocaleString('en')} guest steps · ISA <code>{isaName}</code>
          </span>
        </div>
        {err && (
          <div className="err" data-testid="rec-error">
            {err}
          </div>
        )}
        {t && (
          <label className="inline">
            <input type="checkbox" data-testid="rec-zoom" checked={zoom} onChange={(e) => setZoom(e.target.checked)} /> zoom to the monitors' areas at the bottom of real memory
          </label>
        )}
        {t && <Windows data={data} q={data[0]?.size ?? w} zoom={zoom} />}
        {t && (
          <table className="psw-levels" data-testid="rec-psw">
            <TableHead cols={['level', 'M', 'P', 'l', 'b', 'in real memory']} />
            <tbody>
              {data.map((r, i) => (
                <tr key={i} data-testid={`rec-psw-${i}`}>
                  <th>{r.label}</th>
                  <td>{r.psw.mode === 0 ? 's' : 'u'}</td>
                  <td>{r.psw.pc}</td>
                  <td>{r.psw.l}</td>
                  <td>{r.psw.b}</td>
                  <td>
                    {r.realBase}..{r.realBase + r.size - 1}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h3>The cost of nesting: real work per guest instruction against depth</h3>
        <p className="muted">
          Each point runs the whole program (w = {Math.min(w, 16384)}, at most {RUN_LIMIT.toLocaleString('en')} guest steps) under that many {kind} monitors. Real work
          = instructions on the real processor + traps taken by every monitor's dispatcher + instructions its interpreters executed, divided by
          the guest's instructions. Depth 0 is the bare machine (1).
        </p>
        {measuring && (
          <div className="muted" data-testid="rec-measuring" aria-live="polite">
            measuring…
          </div>
        )}
        {seriesErr && (
          <div className="err" data-testid="rec-series-error">
            {seriesErr}
          </div>
        )}
        <AmpPlot points={points} />
        {points.length > 0 && (
          <table className="amp-table" data-testid="rec-table">
            <tbody>
              <tr>
                <th>depth</th>
                {points.map((p) => (
                  <td key={p.depth}>{p.depth}</td>
                ))}
              </tr>
              <tr>
                <th>per guest instr.</th>
                {points.map((p) => (
                  <td key={p.depth} className={p.status === 'limit' ? 'limit' : ''}>
                    {p.perGuest.toFixed(2)}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        )}
      </section>
      <TimeNesting source={source} isaText={isaText} kind={kind} w={Math.min(w, 16384)} input={input} />
      <PgRecursion />
    </div>
  );
}
