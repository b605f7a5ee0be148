import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Machine } from './machine';
import { ConsoleDevices } from './devices';
import { loopEnds } from './loops';
import { presetIsa, PRESET_NAMES } from '../isa/isa';
import { expectSameRuns, I, ORG } from '../../testing/testkit';

/**
 * Natural loops of a region compiled as JavaScript loops (loops.ts, blocks.ts). The random programs of
 * blocks.test.ts rarely nest loops, so here the programs are nested counted loops with an `if` and a `break`
 * inside, whose bodies take every kind of exit a JS loop must honour: memory traps, ARITH and SVC traps whose
 * handler resumes after them, SETR and LPSW that keep or change the PSW, stores into the loop's own code, and
 * run limits that end inside a loop at any step. Each must end exactly as with compilation off.
 */

describe('loopEnds', () => {
  it('finds the loops that jumping back makes, keeps those that nest and drops the later of two that cross', () => {
    // Runs 0..5: 4 jumps back to 1 (a loop 1..4), 3 back to 2 (nested 2..3), 5 back to 0 (around all).
    expect(Array.from(loopEnds([[], [], [], [2], [1], [0]], [true, true, true, true, true, true]))).toEqual([5, 4, 3, -1, -1, -1]);
    // A run jumping to itself is a loop of one run; forward jumps make none.
    expect(Array.from(loopEnds([[0, 2], [], []], [true, true, true]))).toEqual([0, -1, -1]);
    // 0..2 and 1..3 cross: the first is kept, the second is left to the switch.
    expect(Array.from(loopEnds([[], [], [0], [1]], [true, true, true, true]))).toEqual([2, -1, -1, -1]);
    // A loop whose head is an exit point (left to the interpreter) is no loop.
    expect(Array.from(loopEnds([[], [0]], [false, true]))).toEqual([-1, -1]);
  });
});

const Q = 256;
const PSWBLK = 8 + 4;
const HANDLER = 200;
const DATA = 160;

/** Body instructions: registers r3..r7 only (r1, r2 count the loops), memory at data, code, frame and outside. */
const bodyArb = fc.record({
  kind: fc.constantFrom('alu', 'alu', 'alu', 'ld', 'st', 'stcode', 'div', 'svc', 'setr', 'lpsw'),
  mn: fc.constantFrom('ADD', 'XOR', 'ADDI', 'SUB', 'MOV', 'LI'),
  ra: fc.integer({ min: 3, max: 7 }),
  rb: fc.integer({ min: 0, max: 7 }),
  imm: fc.integer({ min: -3, max: 9 }),
  at: fc.constantFrom(DATA, DATA + 5, -1, Q, 1),
});
type Body = typeof bodyArb extends fc.Arbitrary<infer T> ? T : never;

const caseArb = fc.record({
  preset: fc.constantFrom(...PRESET_NAMES),
  a: fc.array(bodyArb, { maxLength: 3 }),
  b: fc.array(bodyArb, { minLength: 1, maxLength: 4 }),
  c: fc.array(bodyArb, { maxLength: 3 }),
  d: fc.array(bodyArb, { maxLength: 3 }),
  e: fc.array(bodyArb, { maxLength: 2 }),
  outer: fc.integer({ min: 1, max: 6 }),
  inner: fc.integer({ min: 1, max: 40 }),
  // Where the inner loop breaks out (r2 === r6), and what the `if` tests (r5 === 0 skips c).
  regs: fc.array(fc.integer({ min: -2, max: 12 }), { minLength: 5, maxLength: 5 }),
  // SETR r9, r10 keeps R or narrows the window; LPSW loads the region's PSW or the user mode.
  narrow: fc.boolean(),
  lpswMode: fc.integer({ min: 0, max: 1 }),
  user: fc.boolean(),
  chunks: fc.array(fc.oneof(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 4000 })), { minLength: 1, maxLength: 8 }),
  listen: fc.boolean(),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** The words of the program at ORG; `here` is the address the word will sit at (stores into code aim near it). */
function bodyWord(x: Body, here: number, codeLen: number): number {
  switch (x.kind) {
    case 'alu':
      return x.mn === 'ADDI' || x.mn === 'LI' ? I(x.mn, x.ra, 0, x.imm) : I(x.mn, x.ra, x.rb);
    case 'ld':
      return I('LD', x.ra, 0, x.at);
    case 'st':
      return I('ST', x.ra, 0, x.at);
    case 'stcode':
      // A store into the program itself (often into the loop running it): r8 holds an innocuous word or a HALT.
      return I('ST', 8, 0, ORG + ((here - ORG + x.imm + codeLen) % codeLen));
    case 'div':
      return I('DIV', x.ra, x.rb);
    case 'svc':
      return I('SVC', 0, 0, x.imm & 0xff);
    case 'setr':
      return I('SETR', 9, 10);
    case 'lpsw':
      return I('LPSW', 0, 0, PSWBLK);
  }
}

/**
 *        LI r1, outer
 * outer: a…; LI r2, inner
 * inner: b…; JZ r5, skip; c…
 * skip:  d…; JEQ r2, r6, after; ADDI r2, -1; JNZ r2, inner
 * after: e…; ADDI r1, -1; JNZ r1, outer; HALT
 */
function program(c: Case): number[] {
  const len = 9 + c.a.length + c.b.length + c.c.length + c.d.length + c.e.length;
  const out: number[] = [];
  const body = (xs: Body[]) => xs.forEach((x) => out.push(bodyWord(x, ORG + out.length, len)));
  const outer = ORG + 1;
  const inner = outer + c.a.length + 1;
  const skip = inner + c.b.length + 1 + c.c.length;
  const after = skip + c.d.length + 3;
  out.push(I('LI', 1, 0, c.outer));
  body(c.a);
  out.push(I('LI', 2, 0, c.inner));
  body(c.b);
  out.push(I('JZ', 5, 0, skip));
  body(c.c);
  body(c.d);
  out.push(I('JEQ', 2, 6, after), I('ADDI', 2, 0, -1), I('JNZ', 2, 0, inner));
  body(c.e);
  out.push(I('ADDI', 1, 0, -1), I('JNZ', 1, 0, outer), I('HALT'));
  if (out.length !== len) throw new Error('program layout');
  return out;
}

function build(c: Case, jit: boolean) {
  const m = new Machine({ q: Q, isa: presetIsa(c.preset), jit, dev: new ConsoleDevices('') });
  const prog = program(c);
  m.boot({ words: prog.map((w, i) => [ORG + i, w] as const), entry: ORG });
  m.mem.set([0, HANDLER, 0, Q], 8);
  m.mem.set([c.lpswMode, ORG + prog.length - 4, 0, Q], PSWBLK);
  // Handler: resume after the trapping instruction, in the mode it was in.
  m.mem.set([I('LD', 15, 0, 1), I('ADDI', 15, 0, 1), I('ST', 15, 0, 1), I('LPSW', 0, 0, 0)], HANDLER);
  c.regs.forEach((v, i) => (m.regs[i + 3] = v));
  m.regs[8] = c.chunks.length % 2 ? I('ADDI', 3, 0, 1) : I('HALT');
  m.regs[9] = 0;
  m.regs[10] = c.narrow ? Q - 8 : Q;
  m.setPSW({ mode: c.user ? 1 : 0, pc: ORG, l: 0, b: Q });
  const traps: number[][] = [];
  if (c.listen) m.onTrap = (cause, detail) => traps.push([cause, detail, m.pc]);
  return { m, traps };
}

const state = (m: Machine) => ({ psw: m.psw, regs: [...m.regs], mem: [...m.mem], steps: m.steps, traps: [...m.trapCounts], status: m.status });

describe('natural loops as JavaScript loops', () => {
  it('nested loops with an if and a break, traps, PSW loads and stores into their own code end as with compilation off, at any split', () => {
    let looped = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const a = build(c, true);
        const b = build(c, false);
        expectSameRuns(a.m, b.m, c.chunks, (m) => ({ ...state(m), onTrap: m === a.m ? a.traps : b.traps }));
        if (a.m.blocks.some((r) => r !== null && /continue L\d+/.test(r.fn.toString()))) looped++;
      }),
      { numRuns: 500 },
    );
    // The generator does what it is for: regions with JS loops get compiled and run.
    expect(looped).toBeGreaterThan(150);
  }, 120_000);

  it('stops exactly at every step limit inside nested JS loops', () => {
    // outer: LI r2, 7 ; inner: ADDI r3, 1 ; JZ r0, skip ; XOR r4, r3 (skipped) ; skip: ADDI r2, -1 ;
    // JNZ r2, inner ; ADDI r1, -1 ; JNZ r1, outer ; HALT — 1 + 4 * 7 + 2 = 31 steps a round.
    const prog = [I('LI', 2, 0, 7), I('ADDI', 3, 0, 1), I('JZ', 0, 0, ORG + 4), I('XOR', 4, 3), I('ADDI', 2, 0, -1), I('JNZ', 2, 0, ORG + 1), I('ADDI', 1, 0, -1), I('JNZ', 1, 0, ORG), I('HALT')];
    const make = (jit: boolean) => {
      const m = new Machine({ q: Q, jit });
      m.boot({ words: prog.map((w, i) => [ORG + i, w] as const), entry: ORG });
      m.regs[1] = 100;
      return m;
    };
    const a = make(true);
    const b = make(false);
    for (let n = 1; n < 60; n++) {
      a.run(n);
      b.run(n);
      expect(state(a)).toEqual(state(b));
    }
    expect(a.blocks.some((r) => r !== null && /continue L\d+/.test(r.fn.toString()))).toBe(true);
    a.run(1e6);
    expect(a.status).toBe('halted');
    expect(a.steps).toBe(100 * 31 + 1);
    expect(a.regs[3]).toBe(700);
    expect(a.regs[4]).toBe(0);
  });

  it('leaves a JS loop at a trap, a PSW change and a store into its own code, at the step the interpreter does', () => {
    // loop: ADDI r2, 1 ; LD r3, [r2+base] ; JLT r2, r1, loop ; HALT — the load leaves the window at r2 = b - base:
    // a memory trap mid-loop, taken by the handler, which halts.
    const trapAt = (jit: boolean) => {
      const m = new Machine({ q: Q, jit });
      m.boot({ words: [I('ADDI', 2, 0, 1), I('LD', 3, 2, 100), I('JLT', 2, 1, ORG), I('HALT')].map((w, i) => [ORG + i, w] as const), entry: ORG });
      m.mem.set([0, HANDLER, 0, Q], 8);
      m.mem[HANDLER] = I('HALT');
      m.regs[1] = 1000;
      m.run(1e6);
      return m;
    };
    expect(state(trapAt(true))).toEqual(state(trapAt(false)));
    expect(trapAt(true).mem.slice(0, 6)).toEqual(Int32Array.from([0, ORG + 1, 0, Q, 2, Q]));
    // loop: ADDI r2, 1 ; JLT r2, r1, loop ; SETR r9, r10 ; JMP loop — the SETR narrows R on the first pass
    // out of the inner loop: the region leaves, and the rest runs in the new window.
    const setr = (jit: boolean) => {
      const m = new Machine({ q: Q, jit });
      m.boot({ words: [I('ADDI', 2, 0, 1), I('JLT', 2, 1, ORG), I('SETR', 9, 10), I('ADDI', 3, 0, 1), I('JMP', 0, 0, ORG)].map((w, i) => [ORG + i, w] as const), entry: ORG });
      m.regs[1] = 500;
      m.regs[10] = 64;
      m.run(5000);
      return m;
    };
    expect(state(setr(true))).toEqual(state(setr(false)));
    expect(setr(true).psw.b).toBe(64);
    // loop: ADDI r2, 1 ; JLT r2, r1, on ; ST r4, [patch] ; on: patch: ADDI r3, 1 ; JMP loop — after r1 passes,
    // the loop writes a HALT over its own body; the very next pass must halt there.
    const smc = (jit: boolean) => {
      const m = new Machine({ q: Q, jit });
      m.boot({ words: [I('ADDI', 2, 0, 1), I('JLT', 2, 1, ORG + 3), I('ST', 4, 0, ORG + 3), I('ADDI', 3, 0, 1), I('JMP', 0, 0, ORG)].map((w, i) => [ORG + i, w] as const), entry: ORG });
      m.regs[1] = 300;
      m.regs[4] = I('HALT');
      m.run(1e6);
      return m;
    };
    expect(state(smc(true))).toEqual(state(smc(false)));
    expect(smc(true).status).toBe('halted');
    expect(smc(true).regs[3]).toBe(299);
  });
});
