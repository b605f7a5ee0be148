/**
 * The monitors' trap path (issue 12): no PSW object per trap, PSW loads counted once however deep the tower,
 * and the real machine's shortcut for a privileged instruction at P, which must do exactly what the generated
 * loop does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../asm/assembler';
import { presetIsa } from '../isa/isa';
import { Machine, RunFlag, type Image } from '../machine/machine';
import { encode } from '../isa/table';
import { VirtualStack } from './stack';

const PG1 = presetIsa('pg1');

/** A kernel loop of privileged instructions with a user SVC per turn (bench/workloads/kernel.s, shortened). */
const KERNEL = `start: LI r1, handler
 ST r1, [9]
 LI r1, 1024
 ST r1, [11]
 LI r1, 50
 LI r2, 0
loop: GETMODE r4
 GETR r5, r6
 LRA r7, [r0+100]
 SETR r5, r6
 ADDI r2, 1
 LPSW [upsw]
back: JLT r2, r1, loop
 HALT
handler: LPSW [kpsw]
kpsw: .word 0, back, 0, 1024
upsw: .word 1, 0, 512, 16
.org 512
 SVC 0
`;

function image(src: string): Image {
  const r = assemble(src, PG1);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.image;
}

afterEach(() => vi.restoreAllMocks());

describe('the monitors trap path', () => {
  it('builds no PSW object per trap when nothing observes (it does when onEvent is set)', () => {
    const s = new VirtualStack({ isa: PG1, kind: 'full', depth: 3, w: 1024 });
    s.boot(image(KERNEL));
    const psw = vi.spyOn(Machine.prototype, 'psw', 'get');
    s.run(100_000);
    expect(s.status).toBe('halted');
    expect(s.monitors[0].stats.traps).toBeGreaterThan(1000);
    expect(psw).not.toHaveBeenCalled();
    s.boot(image(KERNEL));
    s.onEvent = () => {};
    s.run(100_000);
    expect(psw).toHaveBeenCalled();
  });

  it('counts a PSW load as a trap reflected at every level below, and restores the counts in any order', () => {
    const depth = 4;
    const s = new VirtualStack({ isa: PG1, kind: 'full', depth, w: 1024 });
    s.boot(image(KERNEL));
    s.run(300);
    const levels = s.levels().map((l) => l.stats);
    // Level k reflects the guest's traps and the PSW loads of every monitor above it.
    const loads = s.monitors.map((m) => m.pswLoads);
    for (let k = 0; k < depth; k++) {
      const above = loads.slice(k + 1).reduce((a, b) => a + b, 0);
      expect(levels[k].traps).toBe(s.monitors[k].ownTraps + above);
      expect(levels[k].reflected).toBe(s.monitors[k].ownReflected + above);
    }
    // Monitor k + 1 loads the PSW of monitor k's VM; nothing loads the innermost VM's PSW but its own monitor.
    expect(loads.slice(0, depth - 1).every((n) => n > 0)).toBe(true);
    expect(loads[depth - 1]).toBe(0);
    const snap = s.snapshot();
    s.run(500);
    // Restored outermost first (the stack's order) and innermost first: the same statistics.
    s.restore(snap);
    expect(s.levels().map((l) => l.stats)).toEqual(levels);
    s.run(500);
    s.real.restore(snap.real);
    for (let k = depth - 1; k >= 0; k--) s.monitors[k].restore(snap.monitors[k]);
    s.clock.steps = snap.clock;
    expect(s.levels().map((l) => l.stats)).toEqual(levels);
  });
});

describe("the real machine's shortcut for a privileged instruction at P", () => {
  const priv = PG1.instructions.filter((d) => d.variants).map((d) => d.mnemonic);
  it('takes the trap exactly as the generated loop (window, timer, frame, counts)', () => {
    fc.assert(
      fc.property(
        fc.record({
          mn: fc.constantFrom(...priv, 'ADD', 'SVC'),
          ra: fc.integer({ min: 0, max: 15 }),
          imm: fc.integer({ min: 0, max: 0xffff }),
          pc: fc.integer({ min: -2, max: 40 }),
          l: fc.integer({ min: -4, max: 60 }),
          b: fc.integer({ min: 0, max: 50 }),
          timer: fc.option(fc.integer({ min: 0, max: 3 })),
          budget: fc.integer({ min: 1, max: 3 }),
        }),
        (c) => {
          const run = (traced: boolean) => {
            const m = new Machine({ q: 128, isa: PG1, jit: true });
            m.boot();
            for (let a = 0; a < 128; a++) m.mem[a] = encode(PG1.byMnemonic.get(c.mn)!.op, c.ra, 0, c.imm);
            m.mem[8] = 0;
            m.mem[9] = 100;
            m.mem[11] = 128;
            // The timer expires at step c.timer; the machine has run 2 steps (so it may be due, or just due).
            m.steps = 2;
            if (c.timer !== null) m.dev.timerAt = c.timer;
            if (traced) m.onAccess = () => {};
            m.loadPSW(1, c.pc, c.l, c.b);
            const r = m.run(c.budget, RunFlag.EXIT_ON_TRAP | RunFlag.EXIT_ON_MODE);
            return { r, steps: m.steps, last: m.lastSteps, psw: m.psw, frame: Array.from(m.mem.subarray(0, 12)), traps: Array.from(m.trapCounts), timer: m.dev.timerAt };
          };
          expect(run(false)).toEqual(run(true));
        },
      ),
      { numRuns: 300 },
    );
  });
});
