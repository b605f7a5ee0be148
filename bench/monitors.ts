/**
 * Monitor benchmark (wired into `npm run bench`): guest instructions per second bare and in a VM at several
 * depths for an innocuous loop, and the trap amplification for a trap-heavy one (an SVC loop).
 */
import { assemble } from '../src/core/asm/assembler';
import { presetIsa, type Isa } from '../src/core/isa/isa';
import { Machine, type Image } from '../src/core/machine/machine';
import type { MonitorKind } from '../src/core/vmm/monitor';
import { VirtualStack } from '../src/core/vmm/stack';
import { buildTower } from '../src/core/vmm/tower';

export const LOOP_SOURCE = `start:
  LUI r1, 0x400
  LI r2, 0
loop:
  ADDI r2, 1
  XOR r3, r2
  JLT r2, r1, loop
  HALT
`;

/** A user program that makes an SVC on every other instruction; the kernel counts and resumes it. */
export function svcLoopSource(n: number): string {
  return `start:
  LI r1, handler
  ST r1, [9]
  LI r1, 4096
  ST r1, [11]
  LPSW [upsw]
handler:
  LD r1, [count]
  ADDI r1, 1
  ST r1, [count]
  LUI r2, ${(n >>> 16) & 0xffff}
  ORI r2, ${n & 0xffff}
  JLT r1, r2, resume
  HALT
resume:
  LD r2, [1]
  ADDI r2, 1
  ST r2, [1]
  LPSW [r0+0]
count: .word 0
upsw: .word 1, 0, 256, 16
.org 256
uloop:
  SVC 1
  JMP 0
`;
}

function image(src: string, isa: Isa): Image {
  const r = assemble(src, isa);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.image;
}

export interface BenchRow {
  /** 0 = bare. */
  depth: number;
  /** Guest instructions per second on the innocuous loop. */
  ips: number;
  /** ips / bare ips. */
  ratio: number;
  /** Guest traps per second on the SVC loop. */
  trapsPerSecond: number;
  /** Outermost-level traps per guest trap. */
  realTrapsPerGuestTrap: number;
  /** Outermost-level traps plus interpretations at every level, per guest trap (docs/DECISIONS.md). */
  amplification: number;
}

/** Best of `reps` timings (the first runs pay for V8's tiering and the block compiler). */
/**
 * Median of `reps` timings, each at least `minSeconds` of running `f` (repeated after `setup` as often as needed;
 * setup, a boot, is not timed): like for like with the rest of `npm run bench`. Returns the median timing's
 * seconds and the count `f` reported over it.
 */
function time(reps: number, setup: () => void, f: () => number, minSeconds = 1): { seconds: number; count: number } {
  const runs: { seconds: number; count: number }[] = [];
  for (let i = 0; i < Math.max(3, reps); i++) {
    let seconds = 0;
    let count = 0;
    while (seconds < minSeconds) {
      setup();
      const t0 = performance.now();
      count += f();
      seconds += (performance.now() - t0) / 1000;
    }
    runs.push({ seconds, count });
  }
  runs.sort((a, b) => a.count / a.seconds - b.count / b.seconds);
  return runs[runs.length >> 1];
}

export interface BenchOptions {
  depths?: number[];
  kind?: MonitorKind;
  /** Guest steps of the innocuous loop per measurement. */
  steps?: number;
  /** Guest SVCs per measurement. */
  svcs?: number;
  w?: number;
  /** Repetitions per measurement; the best counts. */
  reps?: number;
}

export function benchMonitors(o: BenchOptions = {}): BenchRow[] {
  const isa = presetIsa('pg1');
  const steps = o.steps ?? 50_000_000;
  const svcs = o.svcs ?? 100_000;
  const w = o.w ?? 4096;
  const kind = o.kind ?? 'full';
  const loop = image(LOOP_SOURCE, isa);
  const svc = image(svcLoopSource(svcs), isa);
  const rows: BenchRow[] = [];

  const reps = o.reps ?? 3;
  const bare = new Machine({ q: w, isa });
  const b = time(reps, () => bare.boot(loop), () => (bare.run(steps), bare.steps));
  const bareIps = b.count / b.seconds;
  const bs = new Machine({ q: w, isa });
  const bt = time(reps, () => bs.boot(svc), () => (bs.run(1e9), bs.trapCounts[4]));
  rows.push({ depth: 0, ips: bareIps, ratio: 1, trapsPerSecond: bt.count / bt.seconds, realTrapsPerGuestTrap: 1, amplification: 1 });

  for (const depth of o.depths ?? [1, 2, 4]) {
    const st = new VirtualStack({ isa, kind, depth, w });
    const t = time(reps, () => st.boot(loop), () => (st.run(steps), st.guest.steps));
    const ts = new VirtualStack({ isa, kind, depth, w });
    const tt = time(reps, () => ts.boot(svc), () => (ts.run(1e9), ts.guest.cpu.trapCounts[4]));
    const s = ts.stats();
    const g = ts.guestTraps();
    rows.push({
      depth,
      ips: t.count / t.seconds,
      ratio: t.count / t.seconds / bareIps,
      trapsPerSecond: tt.count / tt.seconds,
      realTrapsPerGuestTrap: s.levels[0].traps / g,
      amplification: ts.amplification(),
    });
  }
  return rows;
}

export function formatBench(rows: BenchRow[]): string {
  const head = 'depth  guest instr/s   ratio  guest traps/s  real traps/guest trap  amplification';
  const lines = rows.map(
    (r) =>
      `${(r.depth === 0 ? 'bare' : String(r.depth)).padEnd(5)}  ${(r.ips / 1e6).toFixed(1).padStart(9)} M  ${r.ratio.toFixed(2).padStart(6)}  ` +
      `${(r.trapsPerSecond / 1e3).toFixed(1).padStart(10)} k  ${r.realTrapsPerGuestTrap.toFixed(2).padStart(21)}  ${r.amplification.toFixed(2).padStart(13)}`,
  );
  return [head, ...lines].join('\n');
}

export interface PgBenchRow {
  depth: number;
  /** Guest instructions per second on the innocuous loop, and against bare in the same process. */
  ips: number;
  ratio: number;
  /** Real instructions per guest SVC on the SVC loop: the cost of a trap through every level, in PG/1 code. */
  realPerGuestTrap: number;
  /** Guest SVCs measured; fewer than asked when the real step budget ran out first (`limited`). */
  guestTraps: number;
  limited: boolean;
}

/** The same loops under a monitor written in PG/1 (e.g. monitors/full.s, §8.1), at each depth. */
export function benchPgMonitor(source: string, o: BenchOptions & { trapBudget?: number } = {}): PgBenchRow[] {
  const isa = presetIsa('pg1');
  const steps = o.steps ?? 50_000_000;
  const svcs = o.svcs ?? 10_000;
  const w = o.w ?? 4096;
  const reps = o.reps ?? 3;
  const loop = image(LOOP_SOURCE, isa);
  const svcAsm = assemble(svcLoopSource(svcs), isa);
  if (!svcAsm.ok) throw new Error('svc loop');
  const svc = svcAsm.image;
  const countAddr = svcAsm.symbols.get('count')!;
  // Each level multiplies a trap's cost: the SVC loop runs under a real step budget, and the guest's own count of
  // SVCs (its kernel's `count` word) says how many it got through.
  const budget = o.trapBudget ?? 300_000_000;
  const bare = new Machine({ q: w, isa });
  const b = time(reps, () => bare.boot(loop), () => (bare.run(steps), bare.steps));
  const bareIps = b.count / b.seconds;
  const rows: PgBenchRow[] = [];
  for (const depth of o.depths ?? [1, 2, 3]) {
    const t = buildTower(source, loop, { isa, depth, mem: w });
    const s = buildTower(source, svc, { isa, depth, mem: w });
    if (!t.ok || !s.ok) throw new Error(t.ok ? (s.ok ? '' : s.errors[0].message) : t.errors[0].message);
    const lt = time(reps, () => t.tower.boot(), () => (t.tower.run(steps), t.tower.counts[depth]));
    const st = s.tower.run(budget);
    const done = s.tower.real.mem[s.tower.guestBase + countAddr];
    rows.push({ depth, ips: lt.count / lt.seconds, ratio: lt.count / lt.seconds / bareIps, realPerGuestTrap: s.tower.real.steps / Math.max(1, done), guestTraps: done, limited: st !== 'halted' });
  }
  return rows;
}

export function formatPgBench(rows: PgBenchRow[]): string {
  const head = 'depth  guest instr/s   ratio  real instr/guest trap  guest traps';
  const lines = rows.map(
    (r) =>
      // Under hybrid.s the loop (supervisor code) is interpreted: no guest instruction is fetched from its window.
      `${String(r.depth).padEnd(5)}  ${r.ips === 0 ? '  interpreted, not run directly' : `${(r.ips / 1e6).toFixed(1).padStart(9)} M  ${r.ratio.toFixed(2).padStart(6)}`}  ${r.realPerGuestTrap.toFixed(0).padStart(21)}  ` +
      `${String(r.guestTraps).padStart(11)}${r.limited ? ' (real step budget reached)' : ''}`,
  );
  return [head, ...lines].join('\n');
}
