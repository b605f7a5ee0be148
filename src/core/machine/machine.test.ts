/**
 * The machine checked against PG1.md §1–6, instruction by instruction. Expected values come from the text of
 * the contract, not from the code: programs are built from mnemonics (testkit `I`), results are literals.
 */
import { describe, expect, it } from 'vitest';
import { makeIsa, presetIsa, PRESET_NAMES } from '../isa/isa';
import { encode } from '../isa/table';
import { ConsoleDevices } from './devices';
import { Machine, RunFlag, Stop, DEFAULT_Q } from './machine';
import { HANDLER, I, mk, op, ORG, SENSITIVE, specVariant, stateOf, undefinedOpcodes, wrap32, type Setup } from '../../testing/testkit';

const MIN32 = -0x80000000;
const MAX32 = 0x7fffffff;
const PRIVILEGED = 1, MEMORY = 2, ILLEGAL = 3, SVC = 4, ARITH = 5;

/** Steps once and checks that the instruction neither trapped nor halted. */
function ok(m: Machine): void {
  const before = m.steps;
  const counts = Array.from(m.trapCounts);
  expect(m.step()).toBe(Stop.LIMIT);
  expect(m.lastSteps).toBe(1);
  expect(m.steps).toBe(before + 1);
  expect(Array.from(m.trapCounts)).toEqual(counts);
}

/**
 * Steps once and checks the trap of §3 exactly: old PSW, cause and detail in physical E[0..5], the new PSW
 * from physical E[8..11], and everything else (registers, other memory, console, input, status) as before.
 */
function traps(m: Machine, cause: number, detail: number): void {
  const before = stateOf(m);
  const seen: [number, number][] = [];
  m.onTrap = (c, d) => seen.push([c, d]);
  expect(m.step()).toBe(Stop.LIMIT);
  m.onTrap = null;
  expect(seen).toEqual([[cause, detail]]);
  const after = stateOf(m);
  const o = before.psw;
  expect(after.mem.slice(0, 6)).toEqual([o.mode, o.pc, o.l, o.b, cause, detail].map(wrap32));
  const n = before.mem;
  expect(after.psw).toEqual({ mode: n[8] === 0 ? 0 : 1, pc: n[9], l: n[10], b: n[11] });
  expect(after.mem.slice(6)).toEqual(before.mem.slice(6));
  expect(after.regs).toEqual(before.regs);
  expect(after.console).toBe(before.console);
  expect(after.inPos).toBe(before.inPos);
  expect(after.status).toBe(before.status);
  expect(after.steps).toBe(before.steps + 1);
  const counts = before.trapCounts.slice();
  counts[cause]++;
  expect(after.trapCounts).toEqual(counts);
}

/** One instruction at ORG in supervisor mode with R = (0, q). */
function one(word: number, s: Setup = {}): Machine {
  return mk({ prog: [word], ...s });
}

describe('boot (§4)', () => {
  it('starts in supervisor mode at the entry with R = (0, q), registers and memory zero but the image', () => {
    const m = new Machine({ q: 128 });
    m.mem.fill(7);
    m.regs.fill(7);
    m.setPSW({ mode: 1, pc: 3, l: 4, b: 5 });
    m.boot({ words: [[20, 11], [21, 12]], entry: 21 });
    expect(m.psw).toEqual({ mode: 0, pc: 21, l: 0, b: 128 });
    expect(Array.from(m.regs)).toEqual(new Array(16).fill(0));
    const mem = new Array(128).fill(0);
    mem[20] = 11;
    mem[21] = 12;
    expect(Array.from(m.mem)).toEqual(mem);
    expect(m.status).toBe('ready');
    expect(m.steps).toBe(0);
  });

  it('clears counters, status and console of an earlier run', () => {
    const m = mk({ prog: [I('LI', 1, 0, 65), I('OUT', 1, 0, 0), I('SVC', 0, 0, 1)] });
    m.run(10);
    expect(m.status).toBe('halted');
    expect(m.console).toBe('A');
    m.boot({ words: [], entry: 0 });
    expect(m.status).toBe('ready');
    expect(m.console).toBe('');
    expect(m.steps).toBe(0);
    expect(m.lastSteps).toBe(0);
    expect(Array.from(m.trapCounts)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('takes memory sizes from 64 to 1,048,576 words, default 65536', () => {
    expect(new Machine().q).toBe(DEFAULT_Q);
    expect(DEFAULT_Q).toBe(65536);
    expect(new Machine({ q: 64 }).q).toBe(64);
    expect(new Machine({ q: 1_048_576 }).q).toBe(1_048_576);
    expect(() => new Machine({ q: 63 })).toThrow(RangeError);
    expect(() => new Machine({ q: 1_048_577 })).toThrow(RangeError);
    expect(() => new Machine({ q: 100.5 })).toThrow(RangeError);
  });

  it('refuses an image that does not fit', () => {
    const m = new Machine({ q: 64 });
    expect(() => m.boot({ words: [[64, 1]], entry: 0 })).toThrow(RangeError);
    expect(() => m.boot({ words: [[-1, 1]], entry: 0 })).toThrow(RangeError);
  });
});

describe('register instructions (§5)', () => {
  const rr: [string, number, number, number][] = [
    ['ADD', 5, 7, 12], ['ADD', MAX32, 1, MIN32], ['ADD', -1, -1, -2], ['ADD', MIN32, MIN32, 0],
    ['SUB', 5, 7, -2], ['SUB', MIN32, 1, MAX32], ['SUB', 0, MIN32, MIN32],
    ['MUL', 6, 7, 42], ['MUL', -3, 5, -15], ['MUL', 0x10000, 0x10000, 0], ['MUL', MAX32, 2, -2],
    ['MUL', 123456789, 987654321, wrap32(123456789n * 987654321n)], ['MUL', MIN32, -1, MIN32],
    ['MUL', 0x7fffffff, 0x7fffffff, 1],
    ['DIV', 7, 2, 3], ['DIV', -7, 2, -3], ['DIV', 7, -2, -3], ['DIV', -7, -2, 3], ['DIV', 1, 3, 0],
    ['DIV', -1, 3, 0], ['DIV', MIN32, -1, MIN32], ['DIV', MAX32, 2, 0x3fffffff], ['DIV', MIN32, 2, -0x40000000],
    ['DIV', MAX32, MAX32, 1],
    ['MOD', 7, 2, 1], ['MOD', -7, 2, -1], ['MOD', 7, -2, 1], ['MOD', -7, -2, -1], ['MOD', 5, 5, 0],
    ['MOD', MIN32, -1, 0], ['MOD', MIN32, 3, -2], ['MOD', MAX32, MIN32, MAX32],
    ['AND', 0b1100, 0b1010, 0b1000], ['AND', -1, 0x0f0f, 0x0f0f], ['AND', MIN32, -1, MIN32],
    ['OR', 0b1100, 0b1010, 0b1110], ['OR', MIN32, 1, MIN32 + 1],
    ['XOR', 0b1100, 0b1010, 0b0110], ['XOR', -1, 0x0f, -16],
    ['SHL', 1, 4, 16], ['SHL', 1, 31, MIN32], ['SHL', 1, 32, 1], ['SHL', 1, 33, 2], ['SHL', 3, -1, MIN32],
    ['SHL', 0x40000000, 1, MIN32], ['SHL', -1, 0, -1], ['SHL', 5, MIN32 + 2, 20],
    ['SHR', -1, 28, 15], ['SHR', -8, 0, -8], ['SHR', -1, 31, 1], ['SHR', MIN32, 32, MIN32], ['SHR', MIN32, 1, 0x40000000],
    ['SHR', 16, 33, 8], ['SHR', -1, -1, 1], ['SHR', MIN32, 63, 1],
  ];
  it.each(rr)('%s %i, %i = %i', (mn, a, b, want) => {
    const m = one(I(mn, 1, 2), { regs: { 1: a, 2: b, 3: 99 } });
    ok(m);
    expect(m.regs[1]).toBe(want);
    expect(m.regs[2]).toBe(b);
    expect(m.regs[3]).toBe(99);
    expect(m.psw).toEqual({ mode: 0, pc: ORG + 1, l: 0, b: 256 });
  });

  it('uses the same register for both operands', () => {
    const cases: [string, number, number][] = [['ADD', 21, 42], ['SUB', 21, 0], ['MUL', -3, 9], ['DIV', -7, 1], ['MOD', 9, 0],
      ['XOR', 5, 0], ['SHL', 1, 2], ['SHR', 33, 16]];
    for (const [mn, a, want] of cases) {
      const m = one(I(mn, 3, 3), { regs: { 3: a } });
      ok(m);
      expect(m.regs[3], mn).toBe(want);
    }
  });

  for (const mn of ['DIV', 'MOD']) {
    it(`${mn} by zero is an ARITH trap with detail 0 that changes nothing`, () => {
      traps(one(I(mn, 1, 2), { regs: { 1: 17, 2: 0 } }), ARITH, 0);
      traps(one(I(mn, 1, 2), { regs: { 1: 0, 2: 0 }, psw: { mode: 1 } }), ARITH, 0);
      traps(one(I(mn, 4, 0), { regs: { 4: MIN32 } }), ARITH, 0);
      traps(one(I(mn, 0, 0)), ARITH, 0);
    });
  }

  it('LI sign-extends, LUI shifts, ORI zero-extends', () => {
    const cases: [number, Record<number, number>, number][] = [
      [I('LI', 1, 0, -5), {}, -5], [I('LI', 1, 0, 0x7fff), {}, 32767], [I('LI', 1, 0, 0x8000), {}, -32768],
      [I('LI', 1, 0, 0xffff), { 1: 1234 }, -1],
      [I('LUI', 1, 0, 0xabcd), {}, wrap32(0xabcd0000)], [I('LUI', 1, 0, 1), {}, 65536], [I('LUI', 1, 0, 2), { 1: 0xffff }, 0x20000],
      [I('ORI', 1, 0, 0x8001), { 1: 0x12340000 }, 0x12348001], [I('ORI', 1, 0, 0x8000), {}, 32768],
      [I('ORI', 1, 0, 0), { 1: -1 }, -1], [I('ORI', 1, 0, 0x00ff), { 1: 0xff00 }, 0xffff],
      [I('MOV', 1, 2), { 1: 5, 2: MIN32 }, MIN32],
      [I('ADDI', 1, 0, -3), { 1: 10 }, 7], [I('ADDI', 1, 0, 1), { 1: MAX32 }, MIN32], [I('ADDI', 1, 0, 0x8000), { 1: 0 }, -32768],
      [I('ADDI', 1, 0, 0x7fff), { 1: 1 }, 32768], [I('ADDI', 1, 0, -1), { 1: MIN32 }, MAX32],
    ];
    for (const [w, regs, want] of cases) {
      const m = one(w, { regs });
      ok(m);
      expect(m.regs[1]).toBe(want);
      expect(m.pc).toBe(ORG + 1);
    }
  });

  it('LUI then ORI builds any 32-bit constant', () => {
    const m = mk({ prog: [I('LUI', 5, 0, 0xdead), I('ORI', 5, 0, 0xbeef)] });
    ok(m);
    ok(m);
    expect(m.regs[5]).toBe(wrap32(0xdeadbeef));
  });

  it('r0 reads as 0 and ignores every write', () => {
    const writers = [
      I('LI', 0, 0, 5), I('LUI', 0, 0, 1), I('ORI', 0, 0, 7), I('MOV', 0, 1), I('ADD', 0, 1), I('SUB', 0, 1), I('MUL', 0, 1),
      I('DIV', 0, 1), I('MOD', 0, 1), I('AND', 0, 1), I('OR', 0, 1), I('XOR', 0, 1), I('SHL', 0, 1), I('SHR', 0, 1),
      I('ADDI', 0, 0, 9), I('LD', 0, 0, 40), I('JAL', 0, 0, ORG + 1), I('GETMODE', 0), I('GETR', 0, 0), I('LRA', 0, 1, 0),
      I('IN', 0, 0, 0),
    ];
    for (const w of writers) {
      const m = one(w, { regs: { 1: 3 }, mem: { 40: 77 }, input: 'x' });
      ok(m);
      expect(m.regs[0]).toBe(0);
      expect(m.regs[1]).toBe(3);
      expect(m.pc).toBe(ORG + 1);
    }
    const readers: [number, number][] = [
      [I('MOV', 1, 0), 0], [I('ADD', 1, 0), 3], [I('SUB', 1, 0), 3], [I('OR', 1, 0), 3], [I('SHL', 1, 0), 3],
    ];
    for (const [w, want] of readers) {
      const m = one(w, { regs: { 1: 3 } });
      ok(m);
      expect(m.regs[1]).toBe(want);
    }
    // r0 as a base: [r0+v] is the virtual address v.
    const m = one(I('LD', 1, 0, 40), { mem: { 40: -9 } });
    ok(m);
    expect(m.regs[1]).toBe(-9);
  });
});

describe('loads and stores are relocated (§2)', () => {
  const R = { l: 100, b: 40 };
  // The program sits at virtual 20 = physical 120.
  const at = (w: number[], s: Setup = {}) => mk({ ...s, prog: w, at: 120, psw: { pc: 20, ...R, ...s.psw } });

  for (const mode of [0, 1]) {
    it(`LD reads E[EA + l] in mode ${mode}`, () => {
      const m = at([I('LD', 1, 2, 2), I('LD', 3, 2, -5)], { psw: { mode }, regs: { 2: 5 }, mem: { 107: 1234, 7: 55, 100: -8 } });
      ok(m);
      ok(m);
      expect(m.regs[1]).toBe(1234);
      expect(m.regs[3]).toBe(-8);
      expect(m.psw).toEqual({ mode, pc: 22, ...R });
    });

    it(`ST writes E[EA + l] and nothing else in mode ${mode}`, () => {
      const m = at([I('ST', 1, 2, -3)], { psw: { mode }, regs: { 1: 77, 2: 10 } });
      const before = Array.from(m.mem);
      ok(m);
      before[107] = 77;
      expect(Array.from(m.mem)).toEqual(before);
    });
  }

  it('a load or store outside the window is a memory trap with the virtual address', () => {
    traps(at([I('LD', 1, 2, 0)], { regs: { 1: 5, 2: 40 } }), MEMORY, 40);
    traps(at([I('LD', 1, 2, -3)], { regs: { 2: 2 } }), MEMORY, -1);
    traps(at([I('ST', 1, 2, 0)], { regs: { 1: 5, 2: 40 } }), MEMORY, 40);
    traps(at([I('ST', 1, 2, 0)], { regs: { 1: 5, 2: -1 }, psw: { mode: 1 } }), MEMORY, -1);
  });

  it('EA = rb + simm wraps at 32 bits', () => {
    traps(at([I('LD', 1, 2, 1)], { regs: { 2: MAX32 } }), MEMORY, MIN32);
    traps(at([I('ST', 1, 2, -1)], { regs: { 2: MIN32 } }), MEMORY, MAX32);
    traps(at([I('LRA', 1, 2, 0x7fff)], { regs: { 2: MAX32 } }), MEMORY, MIN32 + 0x7ffe);
  });
});

describe('jumps (§5)', () => {
  it('JMP sets P to the zero-extended target', () => {
    let m = one(I('JMP', 0, 0, 40));
    ok(m);
    expect(m.pc).toBe(40);
    m = one(I('JMP', 0, 0, 0xffff));
    ok(m);
    expect(m.pc).toBe(65535);
    traps(m, MEMORY, 65535);
  });

  it('conditional jumps', () => {
    const cases: [number, Record<number, number>, boolean][] = [
      [I('JZ', 1, 0, 40), { 1: 0 }, true], [I('JZ', 1, 0, 40), { 1: 1 }, false], [I('JZ', 1, 0, 40), { 1: MIN32 }, false],
      [I('JZ', 0, 0, 40), {}, true],
      [I('JNZ', 1, 0, 40), { 1: 0 }, false], [I('JNZ', 1, 0, 40), { 1: -1 }, true], [I('JNZ', 0, 0, 40), {}, false],
      [I('JEQ', 1, 2, 40), { 1: 5, 2: 5 }, true], [I('JEQ', 1, 2, 40), { 1: 5, 2: 6 }, false],
      [I('JEQ', 1, 2, 40), { 1: -1, 2: 0 }, false], [I('JEQ', 1, 1, 40), { 1: 9 }, true], [I('JEQ', 1, 0, 40), { 1: 0 }, true],
      [I('JLT', 1, 2, 40), { 1: -1, 2: 1 }, true], [I('JLT', 1, 2, 40), { 1: 1, 2: -1 }, false],
      [I('JLT', 1, 2, 40), { 1: MIN32, 2: MAX32 }, true], [I('JLT', 1, 2, 40), { 1: MAX32, 2: MIN32 }, false],
      [I('JLT', 1, 2, 40), { 1: 3, 2: 3 }, false], [I('JLT', 1, 1, 40), { 1: 3 }, false], [I('JLT', 1, 0, 40), { 1: -3 }, true],
    ];
    for (const [w, regs, taken] of cases) {
      const m = one(w, { regs });
      const r = Array.from(m.regs);
      ok(m);
      expect(m.pc).toBe(taken ? 40 : ORG + 1);
      expect(Array.from(m.regs)).toEqual(r);
    }
  });

  it('JAL links the virtual return address and JR returns', () => {
    // Under R = (100, 60) at virtual 20: the link is 21, not the physical 121.
    const m = mk({ prog: [I('JAL', 5, 0, 30)], at: 120, psw: { mode: 1, pc: 20, l: 100, b: 60 }, mem: { 130: I('JR', 5) } });
    ok(m);
    expect(m.regs[5]).toBe(21);
    expect(m.pc).toBe(30);
    ok(m);
    expect(m.pc).toBe(21);
    expect(m.psw).toEqual({ mode: 1, pc: 21, l: 100, b: 60 });
  });

  it('JAL with ra = r0 jumps without linking; JR r0 jumps to 0', () => {
    const m = one(I('JAL', 0, 0, 33));
    ok(m);
    expect(m.pc).toBe(33);
    expect(m.regs[0]).toBe(0);
    const n = one(I('JR', 0));
    ok(n);
    expect(n.pc).toBe(0);
  });

  it('JR to any value; a target outside the window traps at the next fetch with detail P', () => {
    const m = one(I('JR', 7), { regs: { 7: -3 } });
    ok(m);
    expect(m.pc).toBe(-3);
    traps(m, MEMORY, -3);
    expect(m.mem[1]).toBe(-3);
    const n = one(I('JR', 7), { regs: { 7: MIN32 } });
    ok(n);
    traps(n, MEMORY, MIN32);
  });
});

describe('SVC (§3, §5)', () => {
  for (const mode of [0, 1]) {
    it(`traps with cause SVC and detail n in mode ${mode}`, () => {
      traps(mk({ prog: [I('SVC', 0, 0, 0x1234)], at: 130, psw: { mode, pc: 30, l: 100, b: 60 } }), SVC, 0x1234);
      traps(one(I('SVC', 0, 0, 0xffff), { psw: { mode } }), SVC, 65535);
      traps(one(I('SVC', 3, 4, 0)), SVC, 0);
    });
  }
});

describe('privileged instructions in supervisor mode (§5)', () => {
  it('LPSW loads (M, P, l, b) from four relocated reads', () => {
    const m = mk({
      prog: [I('LPSW', 0, 2, 2)], at: 120, psw: { pc: 20, l: 100, b: 40 }, regs: { 2: 8 },
      mem: { 110: 1, 111: 5, 112: 30, 113: 20, 10: 0, 11: 9, 12: 9, 13: 9 },
    });
    ok(m);
    expect(m.psw).toEqual({ mode: 1, pc: 5, l: 30, b: 20 });
    m.mem[35] = I('LI', 4, 0, 44);
    ok(m);
    expect(m.regs[4]).toBe(44);
    expect(m.pc).toBe(6);
  });

  it('LPSW can stay in supervisor mode and takes any nonzero mode word as user', () => {
    let m = one(I('LPSW', 0, 0, 40), { mem: { 40: 0, 41: 7, 42: -5, 43: MAX32 } });
    ok(m);
    expect(m.psw).toEqual({ mode: 0, pc: 7, l: -5, b: MAX32 });
    m = one(I('LPSW', 0, 0, 40), { mem: { 40: -2, 41: 7, 42: 0, 43: 64 } });
    ok(m);
    expect(m.psw).toEqual({ mode: 1, pc: 7, l: 0, b: 64 });
  });

  it('LPSW traps on any of its four reads and then changes nothing', () => {
    const base = { at: 120, psw: { pc: 0, l: 120, b: 12 }, mem: { 130: 1, 131: 2, 132: 3, 133: 4 } };
    // EA = 10: reads 10, 11 fine, the third (12 = b) traps.
    traps(mk({ ...base, prog: [I('LPSW', 0, 0, 10)] }), MEMORY, 12);
    traps(mk({ ...base, prog: [I('LPSW', 0, 0, 9)] }), MEMORY, 12);
    traps(mk({ ...base, prog: [I('LPSW', 0, 0, 11)] }), MEMORY, 12);
    traps(mk({ ...base, prog: [I('LPSW', 0, 0, 12)] }), MEMORY, 12);
    traps(mk({ ...base, prog: [I('LPSW', 0, 2, -1)], regs: { 2: 0 } }), MEMORY, -1);
    traps(mk({ ...base, prog: [I('LPSW', 0, 2, -2)], regs: { 2: 0 } }), MEMORY, -2);
    // The wrap of EA + 3 past 2^31 - 1 fails the check at the first read already.
    traps(mk({ ...base, prog: [I('LPSW', 0, 2, 0)], regs: { 2: MAX32 } }), MEMORY, MAX32);
  });

  it('SETR sets R = (ra, rb); the next fetch is relocated by it', () => {
    const m = mk({ prog: [I('SETR', 1, 2)], regs: { 1: 100, 2: 50 }, mem: { [100 + ORG + 1]: I('LI', 3, 0, 9) } });
    ok(m);
    expect(m.psw).toEqual({ mode: 0, pc: ORG + 1, l: 100, b: 50 });
    ok(m);
    expect(m.regs[3]).toBe(9);
    const n = one(I('SETR', 4, 4), { regs: { 4: 60 } });
    ok(n);
    expect(n.psw).toEqual({ mode: 0, pc: ORG + 1, l: 60, b: 60 });
    const z = one(I('SETR', 0, 0));
    ok(z);
    expect(z.psw).toEqual({ mode: 0, pc: ORG + 1, l: 0, b: 0 });
    traps(z, MEMORY, ORG + 1);
  });

  it('GETMODE, GETR and LRA read M and R', () => {
    const R = { pc: 20, l: 100, b: 50 };
    let m = mk({ prog: [I('GETMODE', 1), I('GETR', 2, 3), I('LRA', 4, 5, 5), I('GETR', 6, 6)], at: 120, psw: R, regs: { 1: 7, 5: 3 } });
    for (let i = 0; i < 4; i++) ok(m);
    expect(Array.from(m.regs.slice(1, 7))).toEqual([0, 100, 50, 108, 3, 50]);
    m = one(I('GETR', 0, 2));
    ok(m);
    expect(m.regs[2]).toBe(256);
    m = one(I('GETR', 2, 0));
    ok(m);
    expect(m.regs[2]).toBe(0);
    expect(m.regs[0]).toBe(0);
  });

  it('LRA checks EA like a load', () => {
    const R = { pc: 20, l: 100, b: 50 };
    traps(mk({ prog: [I('LRA', 4, 5, 0)], at: 120, psw: R, regs: { 4: 1, 5: 50 } }), MEMORY, 50);
    traps(mk({ prog: [I('LRA', 4, 5, 0)], at: 120, psw: R, regs: { 4: 1, 5: -1 } }), MEMORY, -1);
    const m = mk({ prog: [I('LRA', 4, 5, 0)], at: 120, psw: R, regs: { 5: 49 } });
    ok(m);
    expect(m.regs[4]).toBe(149);
  });

  it('RETU sets M = u and P = t, keeping R', () => {
    const m = mk({ prog: [I('RETU', 0, 0, 40)], at: 120, psw: { pc: 20, l: 100, b: 50 }, mem: { 140: I('LI', 1, 0, 3) } });
    ok(m);
    expect(m.psw).toEqual({ mode: 1, pc: 40, l: 100, b: 50 });
    ok(m);
    expect(m.regs[1]).toBe(3);
  });

  it('IN reads characters (port 0), decimal numbers (port 1), the clock (port 2), -1 at the end and from other ports', () => {
    const prog = [0, 1, 0, 0, 1, 0, 1].map((p, i) => I('IN', i + 1, 0, p));
    const m = mk({ prog, input: 'A12 x-7' });
    for (let i = 0; i < prog.length; i++) ok(m);
    expect(Array.from(m.regs.slice(1, 8))).toEqual([65, 12, 32, 120, -7, -1, -1]);
    const n = mk({ prog: [I('IN', 1, 0, 3), I('IN', 2, 0, 0xffff), I('IN', 3, 0, 0), I('IN', 4, 0, 1), I('IN', 5, 0, 2)], input: 'B 42' });
    for (let i = 0; i < 5; i++) ok(n);
    // Port 2 is the clock (§11): the fifth instruction since boot reads 5 (it counts itself) and consumes no input.
    expect(Array.from(n.regs.slice(1, 6))).toEqual([-1, -1, 66, 42, 5]);
  });

  it('IN port 1 with no number ahead reads -1 and consumes nothing', () => {
    const m = mk({ prog: [I('IN', 1, 0, 1), I('IN', 2, 0, 0), I('IN', 3, 0, 1), I('IN', 4, 0, 1)], input: 'a 12' });
    for (let i = 0; i < 4; i++) ok(m);
    expect(Array.from(m.regs.slice(1, 5))).toEqual([-1, 97, 12, -1]);
  });

  it('OUT writes a character (ra & 0xFFFF) on port 0, decimal on port 1, nothing elsewhere', () => {
    const m = mk({
      prog: [I('OUT', 1, 0, 0), I('OUT', 2, 0, 1), I('OUT', 1, 0, 2), I('OUT', 3, 0, 1), I('OUT', 4, 0, 0), I('OUT', 0, 0, 1)],
      regs: { 1: 0x10041, 2: -42, 3: MIN32, 4: 0x263a },
    });
    for (let i = 0; i < 6; i++) ok(m);
    expect(m.console).toBe('A-42-2147483648\u263a0');
    expect(m.regs[1]).toBe(0x10041);
  });

  it('HALT stops the machine with status halted; P moves past it; later runs do nothing', () => {
    const m = mk({ prog: [I('NOP'), I('HALT'), I('LI', 1, 0, 1)] });
    expect(m.run(100)).toBe(Stop.HALTED);
    expect(m.status).toBe('halted');
    expect(m.lastSteps).toBe(2);
    expect(m.steps).toBe(2);
    expect(m.psw).toEqual({ mode: 0, pc: ORG + 2, l: 0, b: 256 });
    expect(m.run(100)).toBe(Stop.HALTED);
    expect(m.lastSteps).toBe(0);
    expect(m.steps).toBe(2);
    expect(m.regs[1]).toBe(0);
    expect(m.step()).toBe(Stop.HALTED);
  });

  it('an undefined opcode is an ILLEGAL trap with the word, in both modes', () => {
    const ops = undefinedOpcodes();
    expect(ops.length).toBeGreaterThan(200);
    for (const o of ops) {
      const w = encode(o, 1, 2, 0x8765);
      traps(one(w), ILLEGAL, w);
      traps(one(w, { psw: { mode: 1 } }), ILLEGAL, w);
    }
  });
});

describe('the trap frame (§3)', () => {
  it('is physical, leaves registers, and loads the new PSW from physical E[8..11]', () => {
    const m = mk({
      prog: [I('SVC', 0, 0, 7)], at: 150, psw: { mode: 1, pc: 50, l: 100, b: 60 }, regs: { 1: 1, 15: -1 },
      mem: { 8: 0, 9: 3, 10: 200, 11: 20, 100: 11, 101: 12, 102: 13, 103: 14, 104: 15, 105: 16 },
    });
    traps(m, SVC, 7);
    expect(Array.from(m.mem.slice(0, 6))).toEqual([1, 50, 100, 60, SVC, 7]);
    expect(Array.from(m.mem.slice(100, 106))).toEqual([11, 12, 13, 14, 15, 16]);
    expect(m.psw).toEqual({ mode: 0, pc: 3, l: 200, b: 20 });
  });

  it('takes any nonzero E[8] as user mode', () => {
    const m = one(I('SVC'), { mem: { 8: 5, 9: 1, 10: 2, 11: 3 } });
    traps(m, SVC, 0);
    expect(m.mode).toBe(1);
  });

  it('a faulting ST writes nothing; a faulting LD loads nothing', () => {
    const m = one(I('ST', 1, 2, 0), { regs: { 1: 42, 2: 256 } });
    traps(m, MEMORY, 256);
    expect(Array.from(m.mem).filter((v) => v === 42)).toEqual([]);
    traps(one(I('LD', 1, 2, 0), { regs: { 1: 42, 2: 256 } }), MEMORY, 256);
  });

  it('a new PSW outside its window traps again at once, each trap one step', () => {
    const m = one(I('SVC', 0, 0, 1), { mem: { 8: 0, 9: 500, 10: 0, 11: 256 } });
    const seen: number[] = [];
    m.onTrap = (c) => seen.push(c);
    expect(m.run(5)).toBe(Stop.LIMIT);
    expect(m.lastSteps).toBe(5);
    expect(seen).toEqual([SVC, MEMORY, MEMORY, MEMORY, MEMORY]);
    expect(Array.from(m.mem.slice(0, 6))).toEqual([0, 500, 0, 256, MEMORY, 500]);
    expect(Array.from(m.trapCounts)).toEqual([0, 0, 4, 0, 1, 0, 0]);
  });

  it('Machine.trap takes a trap from the current PSW as the hardware would', () => {
    const m = mk({ psw: { mode: 1, pc: 33, l: 20, b: 30 }, regs: { 3: 3 } });
    const seen: [number, number, number][] = [];
    m.onTrap = (c, d) => seen.push([c, d, m.pc]);
    m.trap(PRIVILEGED, 1234);
    expect(Array.from(m.mem.slice(0, 6))).toEqual([1, 33, 20, 30, PRIVILEGED, 1234]);
    expect(m.psw).toEqual({ mode: 0, pc: HANDLER, l: 0, b: 256 });
    expect(seen).toEqual([[PRIVILEGED, 1234, HANDLER]]);
    expect(m.trapCounts[PRIVILEGED]).toBe(1);
    expect(m.regs[3]).toBe(3);
  });
});

describe('bounds edges (§2)', () => {
  /** LD r1, [r2+0] and ST r1, [r2+0] at virtual address a under R, with the program at virtual p. */
  function access(l: number, b: number, p: number, a: number, q = 256) {
    const lm = mk({ q, prog: [I('LD', 1, 2, 0)], at: p + l, psw: { pc: p, l, b }, regs: { 2: a } });
    const sm = mk({ q, prog: [I('ST', 1, 2, 0)], at: p + l, psw: { pc: p, l, b }, regs: { 1: -77, 2: a } });
    return { lm, sm };
  }
  function fine(l: number, b: number, p: number, a: number, q = 256) {
    const { lm, sm } = access(l, b, p, a, q);
    lm.mem[a + l] = 4321;
    ok(lm);
    expect(lm.regs[1]).toBe(4321);
    ok(sm);
    expect(sm.mem[a + l]).toBe(-77);
  }
  function bad(l: number, b: number, p: number, a: number, q = 256) {
    const { lm, sm } = access(l, b, p, a, q);
    traps(lm, MEMORY, a);
    traps(sm, MEMORY, a);
  }

  it('a = b - 1 is inside, a = b outside', () => {
    fine(100, 20, 0, 19);
    bad(100, 20, 0, 20);
  });
  it('a + l = q - 1 is inside, a + l = q outside (b larger than what is left)', () => {
    fine(200, 100, 0, 55);
    bad(200, 100, 0, 56);
    fine(0, 256, 16, 255);
    bad(0, 256, 16, 256);
  });
  it('negative a traps even where a + l is in memory', () => {
    bad(100, 20, 0, -1);
    bad(100, 20, 0, MIN32);
  });
  it('negative l: a + l < 0 traps, a + l = 0 is fine', () => {
    fine(-10, 60, 40, 10);
    bad(-10, 60, 40, 9);
    bad(-10, 60, 40, 0);
  });
  it('b > q: the window ends at q', () => {
    fine(0, 1000, 16, 255);
    bad(0, 1000, 16, 256);
    bad(0, MAX32, 16, 256);
  });
  it('a huge a with a huge negative l reaches low memory', () => {
    const l = -(MAX32 - 99); // a = MAX32 - 99 maps to physical 0
    const p = MAX32 - 99 + 16;
    fine(l, MAX32, p, MAX32 - 99 + 40);
    fine(l, MAX32, p, MAX32 - 99);
    bad(l, MAX32, p, MAX32 - 100);
    bad(l, MAX32, p, MAX32);
    bad(l, MAX32 - 50, p, MAX32 - 50);
  });

  it('instruction fetch is checked: outside the window it traps with detail P', () => {
    const cases: [number, number, number][] = [
      // [l, b, P]
      [100, 20, 20], [100, 20, -1], [300, 10, 0], [0, -1, 0], [0, MIN32, 5], [200, 100, 56], [-10, 60, 9],
      [MAX32, MAX32, 0], [MIN32, MAX32, 0], [MIN32, MAX32, MAX32 - 1], [-(MAX32 - 99), MAX32, MAX32 - 100],
    ];
    for (const [l, b, pc] of cases) {
      for (const mode of [0, 1]) {
        const m = mk({ psw: { mode, pc, l, b } });
        traps(m, MEMORY, pc);
      }
    }
    // The last word of the window runs; falling off its end traps with P = b.
    const m = mk({ prog: [I('LI', 1, 0, 1)], at: 119, psw: { pc: 19, l: 100, b: 20 } });
    ok(m);
    expect(m.regs[1]).toBe(1);
    traps(m, MEMORY, 20);
    const n = mk({ prog: [I('NOP')], at: 255, psw: { pc: 55, l: 200, b: 100 } });
    ok(n);
    traps(n, MEMORY, 56);
  });
});

describe('variants in user mode (§5, §6)', () => {
  it('the presets give the variants of §6', () => {
    for (const p of PRESET_NAMES) {
      const isa = presetIsa(p);
      for (const mn of SENSITIVE) expect(isa.variants[mn] ?? 'privileged', `${p} ${mn}`).toBe(specVariant(p, mn));
    }
    expect([...PRESET_NAMES].sort()).toEqual(['lra', 'pdp10', 'pg1', 'x86']);
  });

  /** Each sensitive instruction in user mode under R = (100, 50) at virtual 20, and what §5/§6 say it does. */
  const U = { mode: 1, pc: 20, l: 100, b: 50 };
  const words: Record<(typeof SENSITIVE)[number], number> = {
    HALT: I('HALT'), LPSW: I('LPSW', 0, 2, 0), SETR: I('SETR', 3, 4), GETMODE: I('GETMODE', 1), GETR: I('GETR', 1, 2),
    LRA: I('LRA', 1, 2, 3), RETU: I('RETU', 0, 0, 33), IN: I('IN', 1, 0, 0), OUT: I('OUT', 3, 0, 1),
  };
  const regs = { 1: 9, 2: 5, 3: 7, 4: 40 };
  const mem = { 105: 0, 106: 1, 107: 2, 108: 3 };
  const open: Record<string, (m: Machine) => void> = {
    SETR: (m) => expect(m.psw).toEqual({ mode: 1, pc: 21, l: 7, b: 40 }),
    GETMODE: (m) => {
      expect(m.regs[1]).toBe(1);
      expect(m.psw).toEqual({ ...U, pc: 21 });
    },
    GETR: (m) => {
      expect([m.regs[1], m.regs[2]]).toEqual([100, 50]);
      expect(m.psw).toEqual({ ...U, pc: 21 });
    },
    LRA: (m) => {
      expect(m.regs[1]).toBe(108);
      expect(m.psw).toEqual({ ...U, pc: 21 });
    },
    RETU: (m) => expect(m.psw).toEqual({ ...U, pc: 33 }),
  };

  for (const p of PRESET_NAMES) {
    for (const mn of SENSITIVE) {
      const v = specVariant(p, mn)!;
      it(`${p}: ${mn} in user mode is ${v}`, () => {
        const m = mk({ isa: p, prog: [words[mn]], at: 120, psw: U, regs, mem, input: '5' });
        if (v === 'privileged') return traps(m, PRIVILEGED, words[mn]);
        const r = Array.from(m.regs);
        ok(m);
        if (v === 'user-nop') {
          expect(m.psw).toEqual({ ...U, pc: 21 });
          expect(Array.from(m.regs)).toEqual(r);
        } else open[mn](m);
        expect(m.console).toBe('');
      });
    }
  }

  it('a privileged instruction in user mode traps PRIVILEGED before touching memory', () => {
    traps(mk({ prog: [I('LPSW', 0, 2, 0)], at: 120, psw: U, regs: { 2: -1 } }), PRIVILEGED, I('LPSW', 0, 2, 0));
    traps(mk({ prog: [I('LRA', 1, 2, 0)], at: 120, psw: U, regs: { 2: 999 } }), PRIVILEGED, I('LRA', 1, 2, 0));
  });

  it('the detail of a PRIVILEGED trap is the whole word, sign included', () => {
    const w = encode(op('OUT'), 15, 15, 0xffff);
    traps(mk({ prog: [w], at: 120, psw: U }), PRIVILEGED, w);
  });

  it('every preset runs the sensitive group as in supervisor mode when M = s', () => {
    for (const p of PRESET_NAMES) {
      const m = mk({ isa: p, prog: [I('GETMODE', 1), I('SETR', 3, 4), I('RETU', 0, 0, 2)], regs: { 1: 9, 3: 0, 4: 256 } });
      ok(m);
      ok(m);
      ok(m);
      expect(m.regs[1]).toBe(0);
      expect(m.psw).toEqual({ mode: 1, pc: 2, l: 0, b: 256 });
    }
  });

  it('custom variants: SETR open sets R from user mode; LRA open relocates; RETU privileged in pdp10-based ISA when set', () => {
    const isa = makeIsa({ base: 'pg1', variants: { SETR: 'open' } });
    const m = mk({ isa, prog: [I('SETR', 3, 4)], at: 120, psw: U, regs: { 3: 7, 4: 40 } });
    ok(m);
    expect(m.psw).toEqual({ mode: 1, pc: 21, l: 7, b: 40 });
    const back = makeIsa({ base: 'pdp10', variants: { RETU: 'privileged' } });
    traps(mk({ isa: back, prog: [I('RETU', 0, 0, 3)], at: 120, psw: U }), PRIVILEGED, I('RETU', 0, 0, 3));
  });
});

describe('run control', () => {
  const loop = () => mk({ prog: [I('ADDI', 1, 0, 1), I('JMP', 0, 0, ORG)] });

  it('run(n) executes exactly n instructions and counts them', () => {
    const m = loop();
    expect(m.run(1001)).toBe(Stop.LIMIT);
    expect(m.lastSteps).toBe(1001);
    expect(m.steps).toBe(1001);
    expect(m.regs[1]).toBe(501);
    expect(m.run(10)).toBe(Stop.LIMIT);
    expect(m.lastSteps).toBe(10);
    expect(m.steps).toBe(1011);
    expect(m.run(0)).toBe(Stop.LIMIT);
    expect(m.lastSteps).toBe(0);
    expect(m.steps).toBe(1011);
    expect(m.status).toBe('ready');
  });

  it('a trapping instruction counts as one step; trapCounts count by cause; onTrap hears each trap', () => {
    // The handler bumps r2 and returns with LPSW of the old PSW + 1 (a typical SVC service).
    const m = mk({
      prog: [I('SVC', 0, 0, 3), I('DIV', 1, 0), I('LD', 1, 0, 999), I('ADDI', 3, 0, 1), I('JMP', 0, 0, ORG)],
      mem: {
        [HANDLER]: I('ADDI', 2, 0, 1), [HANDLER + 1]: I('LD', 5, 0, 1), [HANDLER + 2]: I('ADDI', 5, 0, 1),
        [HANDLER + 3]: I('ST', 5, 0, 1), [HANDLER + 4]: I('LPSW', 0, 0, 0),
      },
    });
    const seen: [number, number, number][] = [];
    m.onTrap = (c, d) => seen.push([c, d, m.mem[1]]);
    expect(m.run(18)).toBe(Stop.LIMIT);
    expect(m.lastSteps).toBe(18);
    // 3 traps x 6 steps (instruction + 5 handler) = 18.
    expect(seen).toEqual([[SVC, 3, ORG], [ARITH, 0, ORG + 1], [MEMORY, 999, ORG + 2]]);
    expect(m.regs[2]).toBe(3);
    expect(m.pc).toBe(ORG + 3);
    expect(Array.from(m.trapCounts)).toEqual([0, 0, 1, 0, 1, 1, 0]);
  });

  it('breakpoints stop before a marked physical address, never at the first instruction of a run', () => {
    const m = mk({ prog: new Array(10).fill(I('ADDI', 1, 0, 1)).concat([I('JMP', 0, 0, ORG)]) });
    m.breakpoints = new Uint8Array(m.q);
    m.breakpoints[ORG + 3] = 1;
    expect(m.run(100)).toBe(Stop.BREAK);
    expect(m.lastSteps).toBe(3);
    expect(m.pc).toBe(ORG + 3);
    expect(m.regs[1]).toBe(3);
    expect(m.run(100)).toBe(Stop.BREAK);
    expect(m.lastSteps).toBe(11);
    expect(m.pc).toBe(ORG + 3);
    expect(m.steps).toBe(14);
    m.breakpoints = null;
    expect(m.run(100)).toBe(Stop.LIMIT);
  });

  it('breakpoints also stop a traced run (onAccess set)', () => {
    const m = mk({ prog: new Array(10).fill(I('ADDI', 1, 0, 1)).concat([I('JMP', 0, 0, ORG)]) });
    const seen: number[] = [];
    m.onAccess = (_k, a) => seen.push(a);
    m.breakpoints = new Uint8Array(m.q);
    m.breakpoints[ORG + 3] = 1;
    expect(m.run(100)).toBe(Stop.BREAK);
    expect(m.pc).toBe(ORG + 3);
    expect(seen).toEqual([ORG, ORG + 1, ORG + 2]);
  });

  it('breakpoints are physical: under relocation they match P + l', () => {
    const m = mk({ prog: [I('NOP'), I('NOP'), I('NOP')], at: 110, psw: { mode: 1, pc: 10, l: 100, b: 20 } });
    m.breakpoints = new Uint8Array(m.q);
    m.breakpoints[12] = 1; // virtual 12 only without relocation: never hit
    m.breakpoints[112] = 1;
    expect(m.run(100)).toBe(Stop.BREAK);
    expect(m.pc).toBe(12);
    expect(m.lastSteps).toBe(2);
  });

  it('EXIT_ON_TRAP returns after the trap is taken', () => {
    const m = mk({ prog: [I('NOP'), I('SVC', 0, 0, 9), I('NOP')] });
    expect(m.run(100, RunFlag.EXIT_ON_TRAP)).toBe(Stop.TRAP);
    expect(m.lastSteps).toBe(2);
    expect(m.psw).toEqual({ mode: 0, pc: HANDLER, l: 0, b: 256 });
    expect(Array.from(m.mem.slice(0, 6))).toEqual([0, ORG + 1, 0, 256, SVC, 9]);
    // Without the flag the handler's HALT runs.
    const n = mk({ prog: [I('NOP'), I('SVC', 0, 0, 9), I('NOP')] });
    expect(n.run(100)).toBe(Stop.HALTED);
    expect(n.lastSteps).toBe(3);
  });

  it('EXIT_ON_MODE returns when M changes: RETU, LPSW, a trap from user mode', () => {
    const m = mk({ prog: [I('NOP'), I('RETU', 0, 0, ORG + 3), I('NOP'), I('NOP'), I('SVC'), I('NOP')] });
    expect(m.run(100, RunFlag.EXIT_ON_MODE)).toBe(Stop.MODE);
    expect(m.lastSteps).toBe(2);
    expect(m.psw).toEqual({ mode: 1, pc: ORG + 3, l: 0, b: 256 });
    expect(m.run(100, RunFlag.EXIT_ON_MODE)).toBe(Stop.MODE);
    expect(m.lastSteps).toBe(2);
    expect(m.psw).toEqual({ mode: 0, pc: HANDLER, l: 0, b: 256 });
    // A trap that keeps the mode (supervisor to supervisor) does not stop it; an LPSW that changes it does.
    const n = mk({
      prog: [I('SVC'), I('NOP'), I('LPSW', 0, 0, 40)], mem: { [HANDLER]: I('JMP', 0, 0, ORG + 1), 40: 1, 41: 7, 42: 0, 43: 256 },
    });
    expect(n.run(100, RunFlag.EXIT_ON_MODE)).toBe(Stop.MODE);
    expect(n.lastSteps).toBe(4);
    expect(n.psw).toEqual({ mode: 1, pc: 7, l: 0, b: 256 });
    // LPSW that keeps the mode does not stop it.
    const k = mk({ prog: [I('LPSW', 0, 0, 40)], mem: { 40: 0, 41: ORG + 1, 42: 0, 43: 256, [ORG + 1]: I('HALT') } });
    expect(k.run(100, RunFlag.EXIT_ON_MODE)).toBe(Stop.HALTED);
    // Both flags: the trap stops first.
    const t = mk({ prog: [I('SVC')], psw: { mode: 1 } });
    expect(t.run(100, RunFlag.EXIT_ON_MODE | RunFlag.EXIT_ON_TRAP)).toBe(Stop.TRAP);
    expect(t.mode).toBe(0);
  });

  it('HALT returns HALTED even with a step left over and under every flag', () => {
    const m = mk({ prog: [I('HALT')] });
    expect(m.run(1, RunFlag.EXIT_ON_MODE | RunFlag.EXIT_ON_TRAP)).toBe(Stop.HALTED);
    expect(m.lastSteps).toBe(1);
  });

  it('onAccess hears fetches, loads, stores and trap-frame writes at physical addresses', () => {
    const m = mk({ prog: [I('LD', 1, 0, 3), I('ST', 1, 0, 4), I('SVC')], at: 110, psw: { pc: 10, l: 100, b: 20 } });
    const seen: [number, number][] = [];
    m.onAccess = (k, a) => seen.push([k, a]);
    m.run(3);
    expect(seen).toEqual([[0, 110], [1, 103], [0, 111], [2, 104], [0, 112], [3, 0], [3, 1], [3, 2], [3, 3], [3, 4], [3, 5]]);
  });

  it('runs on a subarray view of another memory and shares registers', () => {
    const host = new Int32Array(1024);
    const shared = new Int32Array(16);
    const g = new Machine({ mem: host.subarray(256, 512), regs: shared, dev: new ConsoleDevices() });
    expect(g.q).toBe(256);
    g.boot({ words: [[16, I('LI', 1, 0, 5)], [17, I('ST', 1, 0, 100)], [18, I('LD', 2, 0, 300)]], entry: 16 });
    g.mem[8] = 0;
    g.mem[9] = 40;
    g.mem[10] = 0;
    g.mem[11] = 256;
    expect(g.run(3)).toBe(Stop.LIMIT);
    expect(host[256 + 100]).toBe(5);
    expect(Array.from(host.slice(256, 262))).toEqual([0, 18, 0, 256, MEMORY, 300]);
    expect(Array.from(host.slice(0, 256)).every((v) => v === 0)).toBe(true);
    expect(Array.from(host.slice(512)).every((v) => v === 0)).toBe(true);
    expect(shared[1]).toBe(5);
    const other = new Machine({ q: 64, regs: shared });
    expect(other.regs[1]).toBe(5);
    other.regs[3] = 8;
    expect(g.regs[3]).toBe(8);
  });

  it('a machine with a smaller view is bounded by the view, not by the host', () => {
    const host = new Int32Array(1024);
    const g = new Machine({ mem: host.subarray(64, 128) });
    g.boot({ words: [[16, I('ST', 1, 2, 0)]], entry: 16 });
    g.regs[1] = 9;
    g.regs[2] = 64;
    g.mem[9] = 40;
    g.mem[11] = 64;
    g.step();
    expect(host[128]).toBe(0);
    expect(g.mem[4]).toBe(MEMORY);
    expect(g.mem[5]).toBe(64);
  });

  it('setPSW normalises the mode and truncates to 32 bits', () => {
    const m = new Machine({ q: 64 });
    m.setPSW({ mode: 3, pc: 2 ** 32 + 5, l: -1, b: 64 });
    expect(m.psw).toEqual({ mode: 1, pc: 5, l: -1, b: 64 });
  });
});

describe('time: the clock and the interval timer on port 2 (§11)', () => {
  const TIMER = 6;
  const dev = (m: Machine) => m.dev as ConsoleDevices;

  it('IN ra, 2 reads the steps since boot, itself included, mod 2^32; it consumes no input', () => {
    const m = mk({ prog: [I('NOP'), I('IN', 1, 0, 2), I('SVC', 0), I('IN', 2, 0, 2), I('IN', 3, 0, 2)], input: 'x' });
    ok(m);
    ok(m);
    expect(m.regs[1]).toBe(2);
    traps(m, SVC, 0);
    // The handler at HANDLER is a HALT; resume the program after the SVC by hand.
    m.setPSW({ mode: 0, pc: ORG + 3, l: 0, b: m.q });
    ok(m);
    expect(m.regs[2]).toBe(4); // the trapping SVC counted as a step
    m.steps = 2 ** 32 + 6;
    ok(m);
    expect(m.regs[3]).toBe(7);
    expect(dev(m).inPos).toBe(0);
  });

  it('OUT ra, 2 arms the timer: after ra more instructions a TIMER trap is taken before the next user instruction', () => {
    // Kernel: arm 3, enter user mode at 40 (LPSW is the first of the 3); the user runs 2 instructions, then the trap.
    const m = mk({
      prog: [I('LI', 1, 0, 3), I('OUT', 1, 0, 2), I('LPSW', 0, 0, 32)],
      mem: { 32: 1, 33: 40, 34: 0, 35: 256, 40: I('ADDI', 2, 0, 1), 41: I('ADDI', 2, 0, 1), 42: I('ADDI', 2, 0, 1) },
    });
    for (let i = 0; i < 5; i++) ok(m);
    expect(m.regs[2]).toBe(2);
    expect(dev(m).timerAt).toBe(5);
    traps(m, TIMER, 0);
    // Old PSW: the user PSW whose instruction has not run; the timer is disarmed; the trap counted one step.
    expect(Array.from(m.mem.subarray(0, 6))).toEqual([1, 42, 0, 256, TIMER, 0]);
    expect(dev(m).timerAt).toBe(-1);
    expect(m.steps).toBe(6);
    expect(m.trapCounts[TIMER]).toBe(1);
  });

  it('never interrupts supervisor mode: an expired timer stays pending until M = u', () => {
    const m = mk({
      prog: [I('LI', 1, 0, 1), I('OUT', 1, 0, 2), I('NOP'), I('NOP'), I('NOP'), I('RETU', 0, 0, 40)],
      mem: { 40: I('ADDI', 2, 0, 1) },
    });
    expect(m.run(6)).toBe(Stop.LIMIT);
    expect(m.trapCounts[TIMER]).toBe(0);
    expect(m.psw).toEqual({ mode: 1, pc: 40, l: 0, b: 256 });
    expect(m.run(1, RunFlag.EXIT_ON_TRAP)).toBe(Stop.TRAP);
    expect(m.regs[2]).toBe(0);
    expect(Array.from(m.mem.subarray(0, 6))).toEqual([1, 40, 0, 256, TIMER, 0]);
  });

  it('OUT ra, 2 with ra <= 0 disarms, a second OUT replaces the first, boot disarms, restore brings it back', () => {
    const m = mk({ prog: [I('LI', 1, 0, 5), I('OUT', 1, 0, 2), I('LI', 1, 0, -1), I('OUT', 1, 0, 2), I('LI', 1, 0, 9), I('OUT', 1, 0, 2)] });
    m.run(2);
    expect(dev(m).timerAt).toBe(2 + 5);
    m.run(2);
    expect(dev(m).timerAt).toBe(-1);
    m.run(2);
    expect(dev(m).timerAt).toBe(6 + 9);
    const snap = m.snapshot();
    m.boot();
    expect(dev(m).timerAt).toBe(-1);
    m.restore(snap);
    expect(dev(m).timerAt).toBe(15);
  });

  it('a user-mode run with an expired timer takes the trap first, and a step limit of 0 takes nothing', () => {
    const m = mk({ prog: [I('ADDI', 2, 0, 1)], psw: { mode: 1 } });
    dev(m).timerAt = 0;
    expect(m.run(0)).toBe(Stop.LIMIT);
    expect(m.trapCounts[TIMER]).toBe(0);
    traps(m, TIMER, 0);
    expect(m.regs[2]).toBe(0);
  });

  it('EXIT_ON_PSW returns after an instruction that loads M or R, and only then', () => {
    const m = mk({ prog: [I('NOP'), I('SETR', 1, 2), I('NOP')], regs: { 1: 0, 2: 200 } });
    expect(m.run(10, RunFlag.EXIT_ON_PSW)).toBe(Stop.PSW);
    expect(m.lastSteps).toBe(2);
    expect(m.psw).toEqual({ mode: 0, pc: ORG + 2, l: 0, b: 200 });
  });
});
