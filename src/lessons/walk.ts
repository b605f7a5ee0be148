/**
 * Lesson 7's walk: one guest SVC followed through monitors/full.s at depth 2, on the real machine, one real
 * instruction at a time. Nothing here asks the monitor what it did: each stage is a fact of real memory or of the
 * real P (a trap frame written, a fetch from a level's memory), found by running.
 */
import fullSource from '../../monitors/full.s?raw';
import { presetIsa } from '../core/isa/isa';
import { RunFlag, Stop } from '../core/machine/machine';
import { buildTower, equivTower } from '../core/vmm/tower';
import { assembleOrThrow, LESSON_Q } from './run';

export interface WalkStage {
  reached: boolean;
  /** Real step at which the stage was reached. */
  step: number;
  /** Real instructions fetched from each level (monitor 1, monitor 2, guest) since the previous stage. */
  byLevel: number[];
  /** Real traps taken since the previous stage. */
  traps: number;
  /** Words of interest at that moment (a frame's six words, or addresses). */
  words: number[];
}

export interface Walk {
  guest: number;
  /** The SVC as the real hardware took it; then monitor 1 reflecting it into monitor 2's frame; then monitor 2
   *  reflecting it into the guest's frame; then the guest kernel's handler fetched. */
  stages: WalkStage[];
  equivalent: boolean;
  divergence: string;
}

const WALK_LIMIT = 2_000_000;

export function walkSvc(source: string, svc: number, depth = 2): Walk {
  const isa = presetIsa('pg1');
  const asm = assembleOrThrow(source, isa);
  const eq = equivTower(fullSource, asm.image, { isa, depth, mem: LESSON_Q, monitorFile: 'full.s', maxSteps: WALK_LIMIT * 5 });
  if (!eq.ok) throw new Error(eq.errors[0].message);
  const b = buildTower(fullSource, asm.image, { isa, depth, mem: LESSON_Q, monitorFile: 'full.s', jit: false });
  if (!b.ok) throw new Error(b.errors[0].message);
  const t = b.tower;
  const m = t.real;
  const E = m.mem;
  const g = t.monitor.guest;
  const gb = t.guestBase;
  const stages: WalkStage[] = [];
  let byLevel = new Array<number>(depth + 1).fill(0);
  let traps = 0;
  const frameAt = (base: number): number[] => Array.from(E.subarray(base, base + 6));
  const done = (words: number[]): void => {
    stages.push({ reached: true, step: m.steps, byLevel, traps, words });
    byLevel = new Array<number>(depth + 1).fill(0);
    traps = 0;
  };
  // The stages, in order: each is a condition on the real machine after an instruction.
  const conds: (() => number[] | null)[] = [
    // 1. The hardware took the guest's SVC: real E[4..5] = (4, svc), from the guest's window in real user mode.
    () => (E[4] === 4 && E[5] === svc && E[0] === 1 && E[1] + E[2] >= gb && m.pc + m.l < g ? frameAt(0).concat(Array.from(E.subarray(8, 12))) : null),
    // 2. Monitor 1 reflected it into its VM's frame: monitor 2's E[4..5] at real g + 4..5.
    () => (E[g + 4] === 4 && E[g + 5] === svc ? frameAt(g) : null),
    // 3. Monitor 2 reflected it into the guest's frame at real depth × guest + 0..5 (here 2 × guest).
    () => (E[gb + 4] === 4 && E[gb + 5] === svc ? frameAt(gb) : null),
    // 4. The guest kernel's handler: the real P fetches, in the guest's window, the P of the guest's E[8..11].
    () => {
      const f = m.pc + m.l;
      return f >= gb && f - gb === E[gb + 9] + E[gb + 10] ? [f, f - gb] : null;
    },
  ];
  // Earlier traps may have left these words; a stage counts only once it is newly true.
  let stale = conds.map((c) => c() !== null);
  let i = 0;
  while (i < conds.length && m.status !== 'halted' && m.steps < WALK_LIMIT) {
    byLevel[t.levelOf(m.pc + m.l)]++;
    if (m.run(1, RunFlag.EXIT_ON_TRAP) === Stop.TRAP) traps++;
    const now = conds[i]();
    if (now && !stale[i]) {
      done(now);
      i++;
      stale = conds.map((c, k) => k >= i && c() !== null);
    } else if (!now) stale[i] = false;
  }
  while (stages.length < conds.length) stages.push({ reached: false, step: m.steps, byLevel, traps, words: [] });
  const d = eq.equiv.divergence;
  return { guest: g, stages, equivalent: eq.equiv.equivalent, divergence: d ? `${d.field}: bare ${JSON.stringify(d.native)}, under full.s ${JSON.stringify(d.virtual)}` : '' };
}
