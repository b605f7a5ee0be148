/**
 * The measurements of `npm run bench` (bench/run.mjs prints and records them). Like for like only: every
 * number is guest instructions per CPU second of a run inside this one process (boot and process start excluded),
 * each timing runs long enough to last at least `minSeconds`, and each figure is the median of `reps` timings.
 * The engines compared on one workload are timed in turns (one timing of each, then again), so that a change
 * in the machine's load while the bench runs falls on all of them alike.
 */
import { presetIsa } from '../src/core/isa/isa';
import { Machine, type Image } from '../src/core/machine/machine';
import type { MonitorKind } from '../src/core/vmm/monitor';
import { VirtualStack } from '../src/core/vmm/stack';
import { switchBoot, switchRun } from './switch';
import { WORKLOAD_Q, WORKLOADS, workloadImage, type WorkloadName } from './workloads';

const PG1 = presetIsa('pg1');

/** One way of running a workload: boot it, then run exactly n guest instructions. */
export interface Engine {
  label: string;
  boot(): void;
  run(n: number): void;
  /** Facts about the last run, for the report (compiles, traps). */
  facts(): Record<string, number>;
}

function pglab(img: Image): Engine {
  const m = new Machine({ q: WORKLOAD_Q, isa: PG1 });
  let c0 = 0;
  return {
    label: 'pglab',
    boot: () => {
      m.boot(img);
      c0 = m.compiles;
    },
    run: (n) => {
      m.run(n);
      if (m.status === 'halted' || m.steps !== n) throw new Error(`pglab ran ${m.steps} of ${n} steps (${m.status})`);
    },
    facts: () => ({ compiles: m.compiles - c0, traps: m.trapCounts.reduce((a, b) => a + b, 0) }),
  };
}

function yardstick(img: Image): Engine {
  let s = switchBoot(WORKLOAD_Q, img);
  return {
    label: 'switch',
    boot: () => {
      s = switchBoot(WORKLOAD_Q, img);
    },
    run: (n) => {
      switchRun(s, n);
      if (s.halted || s.steps !== n) throw new Error(`switch ran ${s.steps} of ${n} steps`);
    },
    facts: () => ({}),
  };
}

function monitored(img: Image, kind: MonitorKind, depth: number): Engine {
  const st = new VirtualStack({ isa: PG1, kind, depth, w: WORKLOAD_Q });
  return {
    label: `${kind}-${depth}`,
    boot: () => st.boot(img),
    run: (n) => {
      st.run(n);
      if (st.status === 'halted' || st.guest.steps !== n) throw new Error(`${kind} depth ${depth} ran ${st.guest.steps} of ${n} guest steps`);
    },
    // Traps that reached the innermost monitor: the guest's own traps, which every level below pays for too.
    facts: () => ({ guestTraps: st.monitors[depth - 1].stats.traps, realTraps: st.monitors[0].stats.traps }),
  };
}

export interface Timing {
  label: string;
  /** Guest instructions per timing. */
  steps: number;
  seconds: number[];
  /** Median M guest instructions per second. */
  mips: number;
  facts: Record<string, number>;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Seconds of CPU time (user + system) this process spent running n steps: on a machine shared with other jobs,
 * wall time mostly measures how often the scheduler let us run; CPU time is the work the run cost.
 */
function timeOnce(e: Engine, n: number): number {
  e.boot();
  const c0 = process.cpuUsage();
  e.run(n);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/** Steps for one timing of about `target` seconds, after a warm-up that also lets V8 and the blocks settle. */
function calibrate(e: Engine, target: number): number {
  let n = 100_000;
  for (;;) {
    const t = timeOnce(e, n);
    if (t >= target / 4) return Math.ceil((n * target) / t);
    n *= t < target / 40 ? 8 : 2;
  }
}

/**
 * Times the engines in turns: `reps` rounds of one timing each. A timing shorter than minSeconds (the load
 * dropped, V8 got faster) makes that engine's step count larger and its rounds start again.
 */
export function timeInTurns(engines: Engine[], reps: number, minSeconds: number): Timing[] {
  const steps = engines.map((e) => calibrate(e, minSeconds * 1.25));
  const seconds: number[][] = engines.map(() => []);
  while (seconds.some((s) => s.length < reps)) {
    engines.forEach((e, k) => {
      if (seconds[k].length >= reps) return;
      const t = timeOnce(e, steps[k]);
      if (t < minSeconds) {
        steps[k] = Math.ceil((steps[k] * minSeconds * 1.25) / t);
        seconds[k] = [];
      } else seconds[k].push(t);
    });
  }
  return engines.map((e, k) => ({ label: e.label, steps: steps[k], seconds: seconds[k], mips: steps[k] / median(seconds[k]) / 1e6, facts: e.facts() }));
}

export interface BareRow {
  workload: WorkloadName;
  pglab: Timing;
  switch: Timing;
  /** pglab / switch. */
  ratio: number;
}

export interface MonitorRow {
  workload: WorkloadName;
  kind: MonitorKind;
  depth: number;
  timing: Timing;
  /** Of the same workload's bare PG Lab run, timed in the same turns. */
  ratioToBare: number;
  /** Traps that reached the innermost monitor, per guest instruction. */
  guestTrapsPerStep: number;
  /** CPU time per guest trap, ns. */
  nsPerGuestTrap: number;
}

export interface LevelCost {
  workload: WorkloadName;
  from: number;
  to: number;
  /** Extra ns per guest trap for each level added between the two depths. */
  nsPerTrapPerLevel: number;
}

export interface BenchResult {
  reps: number;
  minSeconds: number;
  bare: BareRow[];
  /** Geometric mean of the bare ratios. */
  geomean: number;
  monitors: MonitorRow[];
  levelCosts: LevelCost[];
}

export interface SuiteOptions {
  reps?: number;
  minSeconds?: number;
  /** Only these workloads (default all). */
  only?: WorkloadName[];
  depths?: number[];
  /** Workloads run under monitors as well. */
  monitored?: WorkloadName[];
  workloadDir?: string;
  log?: (line: string) => void;
}

export function runSuite(o: SuiteOptions = {}): BenchResult {
  const reps = o.reps ?? 3;
  const minSeconds = o.minSeconds ?? 1;
  const depths = o.depths ?? [1, 2, 4, 8];
  const underMonitors = o.monitored ?? ['tight', 'kernel'];
  const log = o.log ?? (() => {});
  const bare: BareRow[] = [];
  const monitors: MonitorRow[] = [];
  const levelCosts: LevelCost[] = [];
  for (const w of o.only ?? WORKLOADS) {
    const img = workloadImage(w, undefined, o.workloadDir);
    const engines = [pglab(img), yardstick(img)];
    const configs: { kind: MonitorKind; depth: number }[] = [];
    if (underMonitors.includes(w)) {
      for (const d of depths) configs.push({ kind: 'full', depth: d });
      configs.push({ kind: 'hybrid', depth: 1 });
    }
    for (const c of configs) engines.push(monitored(img, c.kind, c.depth));
    log(`  ${w}: ${engines.map((e) => e.label).join(', ')}`);
    const [p, s, ...ms] = timeInTurns(engines, reps, minSeconds);
    bare.push({ workload: w, pglab: p, switch: s, ratio: p.mips / s.mips });
    const rows = ms.map((t, k) => {
      const traps = t.facts.guestTraps;
      return {
        workload: w,
        ...configs[k],
        timing: t,
        ratioToBare: t.mips / p.mips,
        guestTrapsPerStep: traps / t.steps,
        nsPerGuestTrap: traps > 0 ? (median(t.seconds) * 1e9) / traps : 0,
      };
    });
    monitors.push(...rows);
    const full = rows.filter((r) => r.kind === 'full' && r.guestTrapsPerStep > 0);
    for (let k = 1; k < full.length; k++) {
      const a = full[k - 1];
      const b = full[k];
      levelCosts.push({ workload: w, from: a.depth, to: b.depth, nsPerTrapPerLevel: (b.nsPerGuestTrap - a.nsPerGuestTrap) / (b.depth - a.depth) });
    }
  }
  const geomean = Math.exp(bare.reduce((a, r) => a + Math.log(r.ratio), 0) / bare.length);
  return { reps, minSeconds, bare, geomean, monitors, levelCosts };
}
