/**
 * Time under the monitors (PG1.md §11): `virtual` (the default) gives the guest a clock of its own instructions
 * and a timer that fires after that many of them, so programs that read the clock or are preempted by the timer
 * end as on the bare machine; `real` gives it the real machine's clock and timer, which also count the monitors'
 * work, so such programs may diverge (Theorem 2's premise made visible).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../asm/assembler';
import { presetIsa } from '../isa/isa';
import { Machine, type Image } from '../machine/machine';
import { equiv, equivLockstep } from './equiv';
import { VirtualStack, runBare } from './stack';
import { equivTower } from './tower';
import type { MonitorKind } from './monitor';

const PG1 = presetIsa('pg1');
const W = 2048;

function img(src: string): Image {
  const r = assemble(src, PG1);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.image;
}

/**
 * A kernel that prints the clock, runs a user program that makes a system call, prints the clock again, and
 * busy-waits until the clock passes 60. Under a monitor the system call is a real trap that its dispatcher
 * handles: real time the guest does not spend.
 */
const CLOCK = img(`
start:  IN   r1, 2
        OUT  r1, 1
        LI   r2, ' '
        OUT  r2, 0
        LI   r1, handler
        ST   r1, [9]
        LI   r1, 2048
        ST   r1, [11]
        LPSW [upsw]
handler: IN  r1, 2
        OUT  r1, 1
        OUT  r2, 0
wait:   IN   r1, 2
        LI   r6, 60
        JLT  r1, r6, wait
        OUT  r1, 1
        HALT
upsw:   .word 1, 0, 512, 16
        .org 512
        ADDI r5, 1
        SVC  1
`);

const TIMER = img(readFileSync(new URL('../../../examples/timer.s', import.meta.url), 'utf8'));
const KINDS: MonitorKind[] = ['full', 'hybrid'];

describe('a program that reads the clock (§11)', () => {
  it('reads the steps since boot on the bare machine', () => {
    // IN is step 1; eight more kernel instructions, ADDI and the trapping SVC make the handler's IN step 12.
    expect(runBare(CLOCK, { q: W }).console).toMatch(/^1 12 6\d$/);
  });

  for (const kind of KINDS) {
    for (const depth of [1, 2]) {
      it(`is equivalent under virtual time and diverges under real time: ${kind}, depth ${depth}`, () => {
        const v = equiv(CLOCK, { isa: PG1, kind, depth, w: W });
        expect(v.divergence).toBeNull();
        expect(v.virtual.steps).toBe(v.native.steps);
        const r = equiv(CLOCK, { isa: PG1, kind, depth, w: W, time: 'real' });
        expect(r.equivalent).toBe(false);
        expect(r.divergence!.field).toBe('console');
      });
    }
  }

  it('under real time reads the real machine clock, which counts each monitor trap and interpretation', () => {
    // Full monitor, depth 1: the first IN traps on the real machine (1 real step), reaches the dispatcher (1) and
    // is interpreted (1) before it reads the clock.
    const s = new VirtualStack({ isa: PG1, kind: 'full', depth: 1, w: W, time: 'real' });
    s.boot(CLOCK);
    s.run(2);
    expect(s.guest.regs[1]).toBe(3);
  });
});

describe('a kernel that preempts a user loop with the timer (examples/timer.s)', () => {
  const bare = runBare(TIMER, { q: W });

  it('prints the slices of two processes on the bare machine', () => {
    expect(bare.status).toBe('halted');
    expect(bare.console).toBe('A:50 B:1098 A:98 B:1194 A:147 B:1292 \n');
  });

  for (const kind of KINDS) {
    for (const depth of [1, 2, 3]) {
      it(`is equivalent under virtual time, with the same steps: ${kind}, depth ${depth}`, () => {
        const r = equiv(TIMER, { isa: PG1, kind, depth, w: W });
        expect(r.divergence).toBeNull();
        expect(r.virtual.steps).toBe(r.native.steps);
        const st = r.virtual.stats;
        expect(st.direct + st.trapped + st.interpreted).toBe(r.virtual.steps);
      });
    }
  }
  it("diverges under real time, full monitor (the monitor's work shortens the slices)", () => {
    // Under the hybrid monitor the work between arming the timer and the user's next instruction is one
    // interpretation per guest instruction, as long as the guest's own: real time happens to match there.
    expect(equiv(TIMER, { isa: PG1, kind: 'full', depth: 1, w: W, time: 'real' }).equivalent).toBe(false);
  });

  it('is equivalent instruction by instruction (lockstep) under virtual time', () => {
    for (const kind of KINDS) expect(equivLockstep(TIMER, { isa: PG1, kind, depth: 2, w: W }).equivalent).toBe(true);
  });

  it('each TIMER trap reaches the guest as a trap event at the step the bare machine takes it', () => {
    const s = new VirtualStack({ isa: PG1, kind: 'full', depth: 2, w: W });
    const steps: number[] = [];
    s.onEvent = (e) => {
      if (e.cause === 6 && e.level === 2) steps.push(e.step);
    };
    s.boot(TIMER);
    s.run(1e6);
    const m = runBareSteps();
    expect(steps).toEqual(m);
  });

  it('any slicing of the run gives the same end, statistics and steps (the timer is not tied to run calls)', () => {
    fc.assert(
      fc.property(fc.constantFrom<MonitorKind>('full', 'hybrid'), fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 30 }), (kind, depth, cuts) => {
        const whole = new VirtualStack({ isa: PG1, kind, depth, w: W });
        whole.boot(TIMER);
        whole.run(1e6);
        const sliced = new VirtualStack({ isa: PG1, kind, depth, w: W });
        sliced.boot(TIMER);
        for (let i = 0; sliced.status !== 'halted' && i < 10_000; i++) sliced.run(cuts[i % cuts.length]);
        const a = whole.result();
        const b = sliced.result();
        expect(b.console).toBe(a.console);
        expect(b.steps).toBe(a.steps);
        expect(Array.from(b.mem)).toEqual(Array.from(a.mem));
        expect(b.stats.direct + b.stats.trapped + b.stats.interpreted).toBe(b.steps);
      }),
      { numRuns: 25 },
    );
  });

  it('snapshot and restore carry the guest timer: the same future after a restore', () => {
    for (const kind of KINDS) {
      const s = new VirtualStack({ isa: PG1, kind, depth: 2, w: W });
      s.boot(TIMER);
      s.run(130);
      const snap = s.snapshot();
      s.run(1e6);
      const end = s.result();
      s.restore(snap);
      s.run(1e6);
      expect(s.result()).toEqual(end);
      expect(end.console).toBe(bare.console);
    }
  });
});

/** The steps (counted after the trap) at which the bare machine takes its TIMER traps. */
function runBareSteps(): number[] {
  const m = new Machine({ q: W, isa: PG1 });
  m.boot(TIMER);
  const out: number[] = [];
  while (m.status !== 'halted' && m.steps < 1e6) {
    const before = m.trapCounts[6];
    m.run(1);
    if (m.trapCounts[6] !== before) out.push(m.steps);
  }
  return out;
}

describe('real time', () => {
  it('a real TIMER trap in virtual supervisor mode waits for virtual user mode, as on the hardware', () => {
    // The kernel arms a short timer, then works in supervisor mode (GETMODE traps under the full monitor) and
    // enters the user; the trap must come in user mode, with the user PSW as old PSW.
    const prog = img(`
start:  LI   r1, handler
        ST   r1, [9]
        LI   r1, 2048
        ST   r1, [11]
        LI   r1, 3
        OUT  r1, 2
        GETMODE r2
        GETMODE r2
        GETMODE r2
        GETMODE r2
        LPSW [upsw]
handler: LD  r3, [0]
        LD   r4, [4]
        OUT  r3, 1
        OUT  r4, 1
        HALT
upsw:   .word 1, 0, 512, 16
        .org 512
        ADDI r5, 1
        JMP  0
`);
    for (const kind of KINDS) {
      const s = new VirtualStack({ isa: PG1, kind, depth: 1, w: W, time: 'real' });
      s.boot(prog);
      s.run(10_000);
      expect(s.status).toBe('halted');
      expect(s.result().console).toBe('16');
      expect(s.guest.cpu.trapCounts[6]).toBe(1);
    }
  });
});

/**
 * The monitors written in PG/1 (monitors/full.s, monitors/hybrid.s) keep virtual time themselves: the guest's
 * clock is the real clock minus their own work, plus one per instruction they interpret, and the guest's timer
 * goes on the real timer only while the guest runs directly in virtual user mode. At depth ≥ 2 the inner
 * monitor's own clock and timer are the outer one's virtual ones, so the construction nests.
 */
describe('time under the monitors written in PG/1 (virtual time, Theorem 2 premise)', () => {
  const root = new URL('../../../monitors/', import.meta.url);
  const PG_MONITORS = ['full.s', 'hybrid.s'].map((n) => [n, readFileSync(new URL(n, root), 'utf8')] as const);
  const REAL = 200_000_000; // hybrid.s at depth 3: about 12,000 real steps per interpreted guest step

  for (const [name, source] of PG_MONITORS) {
    for (const depth of [1, 2, 3]) {
      it(`${name}, depth ${depth}: timer.s and the clock-reading kernel end as on the bare machine`, () => {
        for (const prog of [TIMER, CLOCK]) {
          const e = equivTower(source, prog, { isa: PG1, depth, mem: W, maxSteps: REAL });
          if (!e.ok) throw new Error(e.errors.map((x) => x.message).join('\n'));
          expect(e.equiv.native.status).toBe('halted');
          expect(e.equiv.divergence).toBeNull();
          // The monitors did work of their own (real steps), which the guest's clock did not see.
          expect(e.equiv.virtual.steps).toBeGreaterThan(e.equiv.native.steps);
        }
      });
    }
  }

  // Process A of timer.s in a window with a negative base: no real window expresses it, so full.s emulates it
  // and hybrid.s interprets it, instruction by instruction; the timer must still cut it where the bare one does.
  const NEG_TIMER = img(
    readFileSync(new URL('../../../examples/timer.s', import.meta.url), 'utf8')
      .replace('psw_a:   .word 1, 0, 0x200, 0x10', 'psw_a:   .word 1, 0x210, -0x10, 0x220')
      .replace('proc_a: ADDI r1, 1              ; virtual address 0 of A\'s window\n        JMP  0', 'proc_a: ADDI r1, 1\n        JMP  0x210'),
  );
  for (const [name, source] of PG_MONITORS) {
    it(`${name}, depths 1 and 2: the timer preempts a user process whose base is negative, as on the bare machine`, () => {
      expect(JSON.stringify(NEG_TIMER)).not.toBe(JSON.stringify(TIMER));
      expect(JSON.stringify(NEG_TIMER)).toContain(String(-0x10));
      const bare = runBare(NEG_TIMER, { q: W });
      expect(bare.console).toBe(runBare(TIMER, { q: W }).console); // the same slices: the edit only moved A's window
      for (const depth of [1, 2]) {
        const e = equivTower(source, NEG_TIMER, { isa: PG1, depth, mem: W, maxSteps: REAL });
        if (!e.ok) throw new Error('build');
        expect(e.equiv.divergence).toBeNull();
      }
    });
  }

  // A kernel reads the clock, runs a user loop of 40 turns that ends in an SVC, reads the clock again and prints
  // the difference; a second user run is preempted by a timer of 25 (a TIMER trap in the middle of the loop).
  const AROUND = img(`
start:  LI   r1, handler
        ST   r1, [9]
        LI   r1, 2048
        ST   r1, [11]
        IN   r7, 2
        LPSW [upsw]
handler: IN  r8, 2
        SUB  r8, r7
        OUT  r8, 1
        LI   r2, ' '
        OUT  r2, 0
        LD   r3, [4]
        OUT  r3, 1
        OUT  r2, 0
        LI   r9, 6
        JEQ  r3, r9, done
        LI   r4, 25
        OUT  r4, 2
        IN   r7, 2
        LPSW [upsw]
done:   HALT
upsw:   .word 1, 0, 512, 16
        .org 512
        LI   r5, 40
        ADDI r5, -1
        JNZ  r5, 1
        SVC  1
`);

  for (const [name, source] of PG_MONITORS) {
    it(`${name}, depth 2: a kernel sees the same clock difference around a user loop as on the bare machine`, () => {
      const bare = runBare(AROUND, { q: W });
      expect(bare.console).toMatch(/^\d+ 4 \d+ 6 $/);
      const [loop, slice] = bare.console.split(' ').map(Number).filter((_, i) => i % 2 === 0);
      expect(loop).toBeGreaterThan(80); // the loop's 81 instructions, the SVC and the kernel's part
      expect(slice).toBeLessThan(loop); // the timer cut the second run short
      const e = equivTower(source, AROUND, { isa: PG1, depth: 2, mem: W, maxSteps: REAL });
      if (!e.ok) throw new Error('build');
      expect(e.equiv.virtual.console).toBe(bare.console);
      expect(e.equiv.divergence).toBeNull();
    });
  }
});
