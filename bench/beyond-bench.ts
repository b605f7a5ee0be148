/**
 * Beyond 1974 in `npm run bench` (its last section before the browser part in bench/run.mjs; `npm run bench:beyond` runs only this): the cost
 * of the ways to virtualize x86 on one kernel-heavy guest (src/lessons/guest.ts), timed like the rest of the bench
 * (bench/suite.ts: CPU time, each timing at least minSeconds, median of reps, all engines in turns in one process):
 * - bare: the yardstick, the guest on the machine alone (compiled blocks);
 * - full monitor on the unmodified kernel: direct execution, fast and wrong (GETR reads the real R);
 * - hybrid: every supervisor instruction interpreted (Theorem 3's monitor);
 * - bt: supervisor code translated, GETR a call into the monitor;
 * - full + hypercalls: the kernel rewritten to call the monitor (SVC 0xFF01) instead of GETR;
 * - assist: x86 with a guest mode, GETR a guest-mode exit.
 * Each is checked for equivalence with the bare machine on the same guest run to its end (the timed runs are the
 * same kernel made endless, run a fixed number of guest instructions), and reported as a ratio to bare, with the
 * counts of how its guest instructions ran. The issue's goal (issue 13): translated kernel code ≥ 5× as fast as
 * interpreted; >99.9 % of this guest's instructions are kernel code, so bt / hybrid measures exactly that.
 */
import { assemble } from '../src/core/asm/assembler';
import { presetIsa, type Isa } from '../src/core/isa/isa';
import { Machine, type Image } from '../src/core/machine/machine';
import { VirtualStack } from '../src/core/vmm/stack';
import { COST_W, isaOf, techniqueCost, type TechniqueCost } from '../src/lessons/costs';
import { kernelHeavySource, TECHNIQUES, type Technique } from '../src/lessons/guest';
import { timeInTurns, type Engine, type Timing } from './suite';

/** Kernel rounds of the run checked for equivalence (about 1.1 M guest instructions). */
export const EQUIV_ROUNDS = 400;

export interface BeyondRow extends TechniqueCost {
  timing: Timing;
  /** M guest instr/s over bare's, timed in the same turns. */
  ratioToBare: number;
}

export interface BeyondResult {
  reps: number;
  minSeconds: number;
  equivRounds: number;
  bare: Timing;
  rows: BeyondRow[];
  /** bt's M guest instr/s over hybrid's: translated kernel code against interpreted. */
  btOverHybrid: number;
}

function image(src: string, isa: Isa): Image {
  const r = assemble(src, isa);
  if (!r.ok) throw new Error(`bench guest does not assemble: ${r.errors.map((e) => `${e.line}: ${e.message}`).join('; ')}`);
  return r.image;
}

function bareEngine(img: Image): Engine {
  const m = new Machine({ q: COST_W, isa: presetIsa('x86') });
  return {
    label: 'bare',
    boot: () => m.boot(img),
    run: (n) => {
      m.run(n);
      if (m.status === 'halted' || m.steps !== n) throw new Error(`bare ran ${m.steps} of ${n} steps (${m.status})`);
    },
    facts: () => ({}),
  };
}

function techniqueEngine(t: Technique): Engine {
  const img = image(kernelHeavySource(0, t.para), isaOf(t));
  const st = new VirtualStack({ isa: isaOf(t), kind: t.kind, depth: 1, w: COST_W, paravirt: t.para });
  return {
    label: t.id,
    boot: () => st.boot(img),
    run: (n) => {
      st.run(n);
      if (st.status === 'halted' || st.guest.steps !== n) throw new Error(`${t.id} ran ${st.guest.steps} of ${n} guest steps`);
    },
    facts: () => ({}),
  };
}

export function runBeyond(o: { reps?: number; minSeconds?: number; log?: (line: string) => void } = {}): BeyondResult {
  const reps = o.reps ?? 3;
  const minSeconds = o.minSeconds ?? 1;
  const checks = TECHNIQUES.map((t) => techniqueCost(t, EQUIV_ROUNDS));
  const engines = [bareEngine(image(kernelHeavySource(0, false), presetIsa('x86'))), ...TECHNIQUES.map(techniqueEngine)];
  o.log?.(`  kernel-heavy x86 guest: ${engines.map((e) => e.label).join(', ')}`);
  const [bare, ...timings] = timeInTurns(engines, reps, minSeconds);
  const rows = TECHNIQUES.map((_, k) => ({ ...checks[k], timing: timings[k], ratioToBare: timings[k].mips / bare.mips }));
  const mips = (id: string) => rows.find((r) => r.id === id)!.timing.mips;
  return { reps, minSeconds, equivRounds: EQUIV_ROUNDS, bare, rows, btOverHybrid: mips('bt') / mips('hybrid') };
}

const f = (x: number, d = 1): string => x.toFixed(d);

/** The "Beyond 1974" section of bench/run.mjs's output (and all of `npm run bench:beyond`'s). */
export function formatBeyond(r: BeyondResult): string {
  const L: string[] = [];
  L.push(`   bare ${f(r.bare.mips)} M guest instr/s; each technique's run of the guest to its end (${r.equivRounds} kernel rounds) checked against bare's`);
  L.push('   technique                          equiv   M/s   × bare    direct  translated  interpreted  hypercalls  exits');
  for (const w of r.rows) {
    const c = w.counts;
    L.push(
      `   ${w.label.padEnd(33)}  ${(w.equivalent ? 'yes' : 'NO').padEnd(4)} ${f(w.timing.mips).padStart(6)} ${f(w.ratioToBare, 3).padStart(8)} ${String(c.direct).padStart(9)} ${String(c.translated).padStart(11)} ${String(c.interpreted).padStart(12)} ${String(c.hypercalls).padStart(11)} ${String(c.exits).padStart(6)}`,
    );
  }
  for (const w of r.rows) if (!w.equivalent) L.push(`   ${w.label}: not equivalent (${w.divergence}), so its speed is no answer`);
  L.push(`   translated kernel code against interpreted (bt M/s / hybrid M/s): ${f(r.btOverHybrid, 2)}× (issue 13's goal: at least 5×)`);
  // bt's translator is the machine's block compiler: bare / hybrid is as far as translation can get.
  L.push(`   bound on that ratio, compiled blocks against the interpreter loop (bare M/s / hybrid M/s): ${f(1 / r.rows.find((w) => w.id === 'hybrid')!.ratioToBare, 2)}×`);
  return L.join('\n');
}
