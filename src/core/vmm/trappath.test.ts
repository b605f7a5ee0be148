/**
 * The monitors' trap path (issue 12): no PSW object per trap, PSW loads counted once however deep the tower,
 * and the real machine's shortcut for a privileged instruction at P, which must do exactly what the generated
 * loop does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../asm/assembler';
import { makeIsa, presetIsa, type Isa } from '../isa/isa';
import { Machine, RunFlag, type Image } from '../machine/machine';
import { encode } from '../isa/table';
import { runBare, VirtualStack } from './stack';
import type { MonitorKind, TrapEvent } from './monitor';
import { arbProgSpec, progImage, propertyRuns } from '../../testing/testgen';

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

/** Runs `plan` on two stacks, one with the monitors' trap path shortcuts and one without: all must agree. */
function fastAndSlow(img: Image, o: { isa?: Isa; kind?: MonitorKind; depth: number; w: number; input?: string }, plan: (s: VirtualStack, events: TrapEvent[]) => void) {
  const [fast, slow] = [true, false].map((on) => {
    const s = new VirtualStack({ isa: o.isa ?? PG1, kind: o.kind ?? 'full', depth: o.depth, w: o.w, input: o.input });
    for (const m of s.monitors) m.fastTraps = on;
    s.boot(img);
    const events: TrapEvent[] = [];
    plan(s, events);
    return { snapshot: s.snapshot(), result: s.result(), levels: s.levels(), events, status: s.status };
  });
  expect(fast).toEqual(slow);
  return fast;
}

describe('traps taken through every level without runs (Monitor.fastTraps)', () => {
  it('is taken: fewer runs of the levels, the same answer as with it off', () => {
    const runs = (on: boolean) => {
      const s = new VirtualStack({ isa: PG1, kind: 'full', depth: 3, w: 1024 });
      for (const m of s.monitors) m.fastTraps = on;
      s.boot(image(KERNEL));
      const vmRun = vi.spyOn(Object.getPrototypeOf(s.guest) as { run: () => unknown }, 'run');
      const realRun = vi.spyOn(Machine.prototype, 'run');
      s.run(100_000);
      const n = { vm: vmRun.mock.calls.length, real: realRun.mock.calls.length, traps: s.monitors[0].stats.traps };
      vi.restoreAllMocks();
      return n;
    };
    const on = runs(true);
    const off = runs(false);
    expect(on.traps).toBe(off.traps);
    // 50 turns of four privileged instructions that trap at P (GETR, LRA, SETR and the handler's LPSW).
    expect(off.vm - on.vm).toBeGreaterThanOrEqual(2 * 4 * 50);
    expect(off.real - on.real).toBeGreaterThanOrEqual(4 * 50);
  });

  it('stops at every step limit in the same state, with the same statistics (depths 1-3)', () => {
    for (let depth = 1; depth <= 3; depth++) {
      for (let n = 1; n <= 120; n++) fastAndSlow(image(KERNEL), { depth, w: 1024 }, (s) => s.run(n));
    }
  });

  it('agrees in slices of any size, with an observer attached mid-run (same events)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 11 }), (depth, slices, at) => {
        fastAndSlow(image(KERNEL), { depth, w: 1024 }, (s, events) => {
          slices.forEach((k, i) => {
            if (i === at) s.onEvent = (e) => events.push(e);
            s.run(k);
          });
        });
      }),
      { numRuns: 60 },
    );
  });

  it('stops at breakpoints (on privileged instructions too) in the same state', () => {
    const a = assemble(KERNEL, PG1);
    if (!a.ok) throw new Error('KERNEL');
    const sym = a.symbols;
    for (let depth = 1; depth <= 3; depth++) {
      const r = fastAndSlow(image(KERNEL), { depth, w: 1024 }, (s, events) => {
        s.setBreakpoints(['loop', 'back', 'handler'].map((k) => sym.get(k)!).flatMap((a) => [a, a + 1]));
        s.onEvent = (e) => events.push(e);
        for (let k = 0; k < 40 && s.status !== 'halted'; k++) events.push({ ...events[0], step: s.clock.steps, what: `stop ${s.run(1000)} at ${s.guest.pc}` });
      });
      // Each breakpoint stops the run (BREAK is 3) before its instruction, privileged ones (GETMODE, GETR, LPSW) too.
      const stops = r.events.map((e) => e.what).filter((w) => w.startsWith('stop 3'));
      const at = (k: string, d = 0) => `stop 3 at ${sym.get(k)! + d}`;
      expect(new Set(stops)).toEqual(new Set([at('loop'), at('loop', 1), at('back'), at('handler')]));
    }
  });

  it('agrees on random kernels (timers, memory traps, I/O, LPSW), full and hybrid, pg1 and SETR open (resource control)', () => {
    const setrOpen = makeIsa({ name: 'setr-open', variants: { SETR: 'open' } });
    fc.assert(
      fc.property(
        arbProgSpec({ privWeight: 4 }),
        fc.constantFrom<MonitorKind>('full', 'hybrid'),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 500 }),
        (spec, kind, depth, open, slice) => {
          const isa = open ? setrOpen : PG1;
          fastAndSlow(progImage(spec, isa), { isa, kind, depth, w: spec.w, input: spec.input }, (s) => {
            for (let k = 0; k < 3000 && s.status !== 'halted'; k += slice) s.run(slice);
          });
        },
      ),
      { numRuns: propertyRuns(80) },
    );
  });

  it('a privileged instruction that faults while it is interpreted, and a timer that expires among privileged ones', () => {
    // Supervisor code: the timer is armed to expire inside a run of privileged instructions (it waits until the
    // LPSW to user mode), and an LRA out of the VM's memory takes a memory trap into the VM's own handler.
    const src = `start: LI r1, handler
 ST r1, [9]
 LI r1, 1024
 ST r1, [11]
 LI r3, 3
 OUT r3, 2
 GETMODE r4
 GETR r5, r6
 GETMODE r4
 GETR r5, r6
 LPSW [upsw]
handler: LD r9, [4]
 ADDI r10, 1
 OUT r9, 1
 JLT r10, r11, more
 HALT
more: GETMODE r4
 LRA r7, [r0+5000]
 HALT
upsw: .word 1, 0, 512, 16
.org 512
 ADDI r12, 1
 JMP 0
`;
    const img = image(src.replace('LI r3, 3', 'LI r3, 3\n LI r11, 2'));
    for (let depth = 1; depth <= 3; depth++) {
      const r = fastAndSlow(img, { depth, w: 1024 }, (s) => s.run(10_000));
      expect(r.status).toBe('halted');
      // TIMER (6), then MEMORY (2) from the LRA, then the HALT.
      expect(r.result.console).toBe('62');
      expect(r.result.console).toBe(runBare(img, { q: 1024 }).console);
    }
  });
});
