/**
 * The lessons' chart of the three ways beyond 1974 (lessons 8–10), and the bench's equivalence check: the
 * kernel-heavy x86 guest (guest.ts) run to its end under each technique and on the bare machine, with how its
 * guest instructions ran (the monitors' own counters). Counts, not times: they are the same on every machine, so
 * the page and the tests can show and check them; the bench (bench/beyond-bench.ts) times the same runs.
 */
import { assemble } from '../core/asm/assembler';
import { presetIsa, withAssist, type Isa } from '../core/isa/isa';
import { equiv } from '../core/vmm/equiv';
import { kernelHeavySource, TECHNIQUES, type Technique } from './guest';

/** How the guest's instructions ran, from the run's statistics (PG1.md §10, and the beyond-1974 counters). */
export interface Counts {
  /** Guest instructions. */
  steps: number;
  /** Run directly on the real processor. */
  direct: number;
  /** Run as translated code (bt). */
  translated: number;
  /** Run by the monitor's interpreter (every supervisor instruction under hybrid; each call into the monitor under bt). */
  interpreted: number;
  /** Hypercalls the full monitor served (paravirtualization). */
  hypercalls: number;
  /** Guest-mode exits (hardware assist). */
  exits: number;
}

export const COUNT_KEYS = ['direct', 'translated', 'interpreted', 'hypercalls', 'exits'] as const;

export interface TechniqueCost {
  id: Technique['id'];
  label: string;
  equivalent: boolean;
  /** The first difference from the bare run, when not equivalent. */
  divergence: string | null;
  counts: Counts;
}

/** The VM size of every run here (PG1.md §10's default). */
export const COST_W = 16384;

export const isaOf = (t: Technique): Isa => (t.assist ? withAssist(presetIsa('x86')) : presetIsa('x86'));

/** The technique's run of the guest to its end (`rounds` kernel rounds), against the bare machine's. */
export function techniqueCost(t: Technique, rounds: number): TechniqueCost {
  const isa = isaOf(t);
  const asm = assemble(kernelHeavySource(rounds, t.para), isa);
  if (!asm.ok) throw new Error(`the guest does not assemble: ${asm.errors.map((e) => `${e.line}: ${e.message}`).join('; ')}`);
  const e = equiv(asm.image, { isa, kind: t.kind, paravirt: t.para, w: COST_W });
  const s = e.virtual.stats;
  const d = e.divergence;
  return {
    id: t.id,
    label: t.label,
    equivalent: e.equivalent,
    divergence: d ? `${d.field}: bare ${JSON.stringify(d.native)}, virtual ${JSON.stringify(d.virtual)}` : null,
    counts: { steps: e.virtual.steps, direct: s.direct, translated: s.translated ?? 0, interpreted: s.interpreted, hypercalls: s.hypercalls ?? 0, exits: s.exits ?? 0 },
  };
}

/** Every technique on the same guest (the chart's rows). */
export function techniqueCosts(rounds = 20): TechniqueCost[] {
  return TECHNIQUES.map((t) => techniqueCost(t, rounds));
}
