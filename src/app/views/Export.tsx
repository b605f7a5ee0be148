import type { RefObject } from 'react';
import { download, svgPng, svgText, toCsv } from '../export';
import { allTraps, useRuntime } from '../session';
import { exportRecord } from '../../worker/traplog';
import { useSettings } from '../store';

/** "SVG" and "PNG" buttons for a drawing (a D3 chart, the Venn diagram). */
export function SvgExport({ svg, name }: { svg: RefObject<SVGSVGElement | null>; name: string }) {
  return (
    <span className="export" role="group" aria-label={`Download ${name}`}>
      <button type="button" className="ghost mini" data-testid={`export-${name}-svg`} title={`Download ${name} as SVG`} onClick={() => svg.current && download(`${name}.svg`, svgText(svg.current), 'image/svg+xml')}>
        SVG
      </button>
      <button
        type="button"
        className="ghost mini"
        data-testid={`export-${name}-png`}
        title={`Download ${name} as PNG`}
        onClick={() => {
          if (svg.current) void svgPng(svg.current).then((b) => download(`${name}.png`, b));
        }}
      >
        PNG
      </button>
    </span>
  );
}

/** The trap log (every trap the worker's log holds, oldest first; text made now) as CSV or JSON. */
export function TrapLogExport() {
  const events = async () => (await allTraps()).map(exportRecord);
  return (
    <span className="export" role="group" aria-label="Download the trap log">
      <button type="button" className="ghost mini" data-testid="export-traps-csv" title="Download the trap log as CSV" onClick={() => void events().then((r) => download('traps.csv', toCsv(r), 'text/csv'))}>
        CSV
      </button>
      <button type="button" className="ghost mini" data-testid="export-traps-json" title="Download the trap log as JSON" onClick={() => void events().then((r) => download('traps.json', JSON.stringify(r, null, 2), 'application/json'))}>
        JSON
      </button>
    </span>
  );
}

/** The run's statistics: the settings it ran with, its counters, and each level's monitor statistics. */
function runStats() {
  const f = useRuntime.getState().frame;
  const s = useSettings.getState();
  return {
    example: s.example,
    monitor: s.monitor,
    depth: s.monitor === 'none' ? 0 : s.depth,
    memory: s.q,
    state: f?.state ?? 'empty',
    steps: f?.steps ?? 0,
    counters: f?.counters ?? null,
    trapCounts: f?.trapCounts ?? [],
    levels: (f?.levels ?? []).map((l) => ({ level: l.level, label: l.label, ...l.stats })),
  };
}

export function StatsExport() {
  return (
    <span className="export" role="group" aria-label="Download the run's statistics">
      <button
        type="button"
        className="ghost mini"
        data-testid="export-stats-csv"
        title="Download the run's statistics as CSV (one row per level)"
        onClick={() => {
          const r = runStats();
          const c = r.counters;
          // One table: the machine's counters on the first row, each monitor's on the next (empty where n/a).
          const rows = [
            { level: 0, label: 'guest', steps: r.steps, direct: c?.direct, trapped: c?.trapped, interpreted: c?.interpreted, amplification: c?.amplification, translated: c?.translated, hypercalls: c?.hypercalls, exits: c?.exits, traps: '', reflected: '', monitorInterpreted: '' },
            ...r.levels.map((l) => ({ level: l.level, label: l.label, steps: '', direct: '', trapped: '', interpreted: '', amplification: '', translated: '', hypercalls: '', exits: '', traps: l.traps, reflected: l.reflected, monitorInterpreted: l.interpreted })),
          ];
          download('run-statistics.csv', toCsv(rows), 'text/csv');
        }}
      >
        CSV
      </button>
      <button type="button" className="ghost mini" data-testid="export-stats-json" title="Download the run's statistics as JSON" onClick={() => download('run-statistics.json', JSON.stringify(runStats(), null, 2), 'application/json')}>
        JSON
      </button>
    </span>
  );
}
