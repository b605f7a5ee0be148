/**
 * Recursion made real (the Recursion view): real instructions per guest trap (a trap-heavy guest) and per guest
 * instruction (an innocuous one) against depth 1–4, for the monitors written in PG/1 (full.s, hybrid.s, run on
 * the real machine) beside the built-in TypeScript monitors. Each point runs under a real step budget and says
 * when it hit it; a trap-heavy point then divides by the SVCs the guest's own kernel counted.
 */
import { assemble } from '../core/asm/assembler';
import type { Isa } from '../core/isa/isa';
import { Machine } from '../core/machine/machine';
import { trapTotal } from '../core/run';
import { countingKernel } from '../core/vmm/guests';
import { VirtualStack } from '../core/vmm/stack';
import { buildTower } from '../core/vmm/tower';
import { PG_MONITOR_SOURCES } from './pgtower';

/** A user process that makes `n` SVCs; its kernel counts them in `count` and halts after the last. */
export function trapHeavySource(n: number): string {
  return `; trap-heavy: a user process makes ${n} SVCs; the kernel counts them
${countingKernel({ traps: n, user: '        SVC 1               ; user address 0\n        JMP 0' })}`;
}

/** A user process that loops `n` times without a sensitive instruction, then ends with one SVC. */
export function innocuousSource(n: number): string {
  return `; innocuous: a user loop of ${n} turns, then SVC 0 ends it
start:  LI r1, done
        ST r1, [9]
        LI r1, 4096
        ST r1, [11]
        LPSW [upsw]
done:   HALT
count:  .word 0
upsw:   .word 1, 0, 256, 16
        .org 256
        LI r2, 0            ; user address 0
        LI r1, ${n}
        ADDI r2, 1          ; user address 2
        XOR r3, r2
        JLT r2, r1, 2
        SVC 0
`;
}

export type SeriesMonitor = 'full.s' | 'hybrid.s' | 'full' | 'hybrid';
export const SERIES_MONITORS: readonly SeriesMonitor[] = ['full.s', 'hybrid.s', 'full', 'hybrid'];

export interface PgPoint {
  guest: 'trap-heavy' | 'innocuous';
  monitor: SeriesMonitor;
  depth: number;
  /**
   * PG/1 monitors: real instructions per guest trap and per guest instruction. Built-in monitors: the same with
   * "real work" (real-processor instructions + dispatcher entries + interpreted instructions, lab.ts's measure).
   */
  perTrap: number;
  perInstr: number;
  /** Guest traps and guest instructions the point measured (fewer than the program's when `limited`). */
  guestTraps: number;
  guestInstr: number;
  realSteps: number;
  limited: boolean;
}

const W = 4096;

export function pgSeries(isa: Isa, o: { maxDepth?: number; budget?: number; svcs?: number; turns?: number } = {}): PgPoint[] {
  const maxDepth = o.maxDepth ?? 4;
  const budget = o.budget ?? 20_000_000;
  const out: PgPoint[] = [];
  for (const guest of ['trap-heavy', 'innocuous'] as const) {
    const src = guest === 'trap-heavy' ? trapHeavySource(o.svcs ?? 100) : innocuousSource(o.turns ?? 2000);
    const asm = assemble(src, isa);
    if (!asm.ok) throw new Error(`${guest}: ${asm.errors[0].message}`);
    const count = asm.symbols.get('count')!;
    const bare = new Machine({ q: W, isa });
    bare.boot(asm.image);
    bare.run(budget);
    const bareTraps = trapTotal(bare);
    const bareSteps = bare.steps;
    for (const monitor of SERIES_MONITORS) {
      for (let d = 1; d <= maxDepth; d++) {
        let realSteps: number;
        let done: boolean;
        let guestMem: Int32Array;
        let work: number;
        if (monitor === 'full.s' || monitor === 'hybrid.s') {
          const b = buildTower(PG_MONITOR_SOURCES[monitor], asm.image, { isa, depth: d, mem: W });
          if (!b.ok) throw new Error(b.errors[0].message);
          done = b.tower.run(budget) === 'halted';
          realSteps = b.tower.real.steps;
          work = realSteps;
          guestMem = b.tower.real.mem.subarray(b.tower.guestBase, b.tower.guestBase + W);
        } else {
          const s = new VirtualStack({ isa, kind: monitor, depth: d, w: W });
          s.boot(asm.image);
          // The stack's limit is in guest steps; the program is short, so it halts well within the budget.
          s.run(budget);
          done = s.status === 'halted';
          realSteps = s.real.steps;
          const lv = s.levels();
          work = realSteps + lv.reduce((a, l) => a + l.stats.traps + l.stats.interpreted, 0);
          guestMem = s.guest.mem;
        }
        // A point stopped by the budget measured only part of the guest: its own counter says how much.
        const traps = done ? bareTraps : guest === 'trap-heavy' ? guestMem[count] : 0;
        const instr = done ? bareSteps : 0;
        out.push({
          guest,
          monitor,
          depth: d,
          perTrap: traps > 0 ? work / traps : NaN,
          perInstr: instr > 0 ? work / instr : NaN,
          guestTraps: traps,
          guestInstr: instr,
          realSteps,
          limited: !done,
        });
      }
    }
  }
  return out;
}
