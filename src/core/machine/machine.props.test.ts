/**
 * Properties of the machine that the monitors rely on: location independence of innocuous code under
 * relocation (§2), run in pieces = run at once, and snapshot/restore.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeIsa, presetIsa, PRESET_NAMES } from '../isa/isa';
import { encode } from '../isa/table';
import { ConsoleDevices } from './devices';
import { Machine, RunFlag, Stop } from './machine';
import { PG1, SENSITIVE, stateOf } from '../../testing/testkit';

const MIN32 = -0x80000000;
const MAX32 = 0x7fffffff;
const opOf = (mn: string) => PG1.byMnemonic.get(mn)!.op;

/** PG1.md §7: everything but the sensitive group is innocuous (SVC traps the same way wherever it runs). */
const INNOCUOUS = ['NOP', 'LI', 'LUI', 'ORI', 'MOV', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'ADDI',
  'LD', 'ST', 'JMP', 'JZ', 'JNZ', 'JEQ', 'JLT', 'JAL', 'JR', 'SVC'];
const SENSITIVE_OPS = new Set(SENSITIVE.map(opOf));
const JUMPS = new Set(['JMP', 'JZ', 'JNZ', 'JEQ', 'JLT', 'JAL']);

/**
 * A program of innocuous instructions for a window of b words at virtual `base`: jumps mostly land inside it
 * (loops), loads and stores mostly inside the window (with some just outside, to see memory traps).
 */
function innocuousProgram(b: number, base: number, len: number) {
  const reg = fc.integer({ min: 0, max: 5 });
  const instr = fc
    .tuple(
      fc.oneof({ weight: 1, arbitrary: fc.constantFrom('LD', 'ST', 'JZ', 'JNZ', 'JLT', 'JMP', 'ADDI') }, { weight: 2, arbitrary: fc.constantFrom(...INNOCUOUS) }),
      reg,
      reg,
      fc.integer({ min: -2, max: (b >> 1) + 1 }),
      fc.integer({ min: base, max: base + len }),
      fc.integer({ min: -0x8000, max: 0xffff }),
      fc.nat(9),
    )
    .map(([mn, ra, rb, near, target, any, dice]) => {
      const imm = JUMPS.has(mn) ? (dice === 0 ? near : target) : mn === 'SVC' || dice === 0 ? any : near;
      return encode(opOf(mn), ra, rb, imm);
    });
  return fc.array(instr, { minLength: len, maxLength: len });
}

const locationCase = fc
  .record({ b: fc.integer({ min: 24, max: 96 }), len: fc.integer({ min: 2, max: 20 }) })
  .chain(({ b, len }) =>
    fc.record({
      b: fc.constant(b),
      base: fc.integer({ min: 0, max: b - len }),
      prog: innocuousProgram(b, 0, len),
      // Past the program: more innocuous code (so runs go on) and data.
      data: innocuousProgram(b, 0, b).chain((code) =>
        fc.array(
          fc.oneof(
            { weight: 1, arbitrary: fc.integer({ min: -3, max: b + 3 }) },
            // Any word but a sensitive instruction (data gets executed too).
            { weight: 1, arbitrary: fc.integer({ min: MIN32, max: MAX32 }).filter((w) => !SENSITIVE_OPS.has(w >>> 24)) },
            { weight: 4, arbitrary: fc.constantFrom(...code) },
          ),
          { minLength: b, maxLength: b },
        ),
      ),
      outside: fc.array(fc.integer({ min: MIN32, max: MAX32 }), { minLength: 256, maxLength: 256 }),
      regs: fc.array(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -2, max: (b >> 1) + 1 }) }, { weight: 1, arbitrary: fc.integer({ min: MIN32, max: MAX32 }) }), {
        minLength: 16,
        maxLength: 16,
      }),
      l: fc.integer({ min: 0, max: 256 - b }),
      mode: fc.integer({ min: 0, max: 1 }),
      preset: fc.constantFrom(...PRESET_NAMES),
      cap: fc.integer({ min: 1, max: 300 }),
    }),
  )
  .map((c) => {
    // The program's jumps were generated for base 0: move them with it.
    const prog = c.prog.map((w) => {
      const d = PG1.byOp[w >>> 24]!;
      return JUMPS.has(d.mnemonic) && (w & 0xffff) < c.prog.length ? (w & ~0xffff) | ((w & 0xffff) + c.base) : w;
    });
    return { ...c, prog };
  });

function sameWords(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('location independence of innocuous code (§2; what the monitors rely on)', () => {
  it('runs under R = (l, b) exactly as under R = (0, b)', () => {
    fc.assert(
      fc.property(locationCase, (c) => {
        const q = 256;
        const window = Int32Array.from(c.data);
        window.set(c.prog, c.base);
        const mk = (l: number) => {
          const m = new Machine({ q, isa: presetIsa(c.preset), dev: new ConsoleDevices() });
          m.boot();
          m.mem.set(c.outside);
          m.mem.set(window, l);
          m.regs.set(c.regs);
          m.regs[0] = 0;
          m.setPSW({ mode: c.mode, pc: c.base, l, b: c.b });
          return m;
        };
        const A = mk(0);
        const B = mk(c.l);
        const outsideB = B.mem.slice();
        const win = (m: Machine) => Array.from(m.mem.subarray(m.l, m.l + c.b));
        for (let i = 0; i < c.cap; i++) {
          const before = win(A);
          const now = win(B);
          if (!sameWords(now, before)) expect(now, `window before step ${i}`).toEqual(before);
          const ra = A.run(1, RunFlag.EXIT_ON_TRAP);
          const rb = B.run(1, RunFlag.EXIT_ON_TRAP);
          expect(rb).toBe(ra);
          if (ra === Stop.TRAP) {
            // Same trap: old PSW equal but for l, same cause and detail; state before it the same.
            expect(Array.from(B.mem.subarray(0, 6))).toEqual([A.mem[0], A.mem[1], c.l, A.mem[3], A.mem[4], A.mem[5]]);
            expect(A.mem[2]).toBe(0);
            expect(Array.from(B.regs)).toEqual(Array.from(A.regs));
            expect(Array.from(B.mem.subarray(c.l, c.l + c.b)).map((v, j) => (c.l + j < 6 ? before[j] : v))).toEqual(before);
            // Nothing outside B's window was touched but the trap frame.
            for (let a = 6; a < q; a++) if ((a < c.l || a >= c.l + c.b) && B.mem[a] !== outsideB[a]) expect(B.mem[a], `E[${a}]`).toBe(outsideB[a]);
            return;
          }
          expect(ra).toBe(Stop.LIMIT);
          if (A.pc !== B.pc || A.mode !== B.mode || A.l !== 0 || B.l !== c.l || A.b !== B.b) {
            expect({ ...B.psw, l: B.l - c.l }, `PSW after step ${i}`).toEqual(A.psw);
          }
          if (!sameWords(Array.from(B.regs), Array.from(A.regs))) expect(Array.from(B.regs)).toEqual(Array.from(A.regs));
        }
        expect(win(B)).toEqual(win(A));
        for (let a = 0; a < q; a++) if ((a < c.l || a >= c.l + c.b) && B.mem[a] !== outsideB[a]) expect(B.mem[a], `E[${a}]`).toBe(outsideB[a]);
      }),
      { numRuns: 400 },
    );
  }, 60_000);
});

describe('isolation in user mode (§2: every reference is relocated)', () => {
  const anyWord = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...PG1.instructions.map((d) => d.op)), fc.nat(4), fc.nat(4), fc.integer({ min: -8, max: 140 })).map(([o, a, b, i]) => encode(o, a, b, i)) },
    { weight: 1, arbitrary: fc.integer({ min: MIN32, max: MAX32 }) },
  );
  const isolationCase = fc.record({
    preset: fc.constantFrom(...PRESET_NAMES),
    l: fc.integer({ min: 0, max: 200 }),
    b: fc.integer({ min: 1, max: 56 }),
    words: fc.array(anyWord, { minLength: 256, maxLength: 256 }),
    regs: fc.array(fc.integer({ min: -8, max: 300 }), { minLength: 16, maxLength: 16 }),
    pc: fc.nat(60),
  });

  it('a user program on any preset reads and writes only its window until it traps', () => {
    fc.assert(
      fc.property(isolationCase, (c) => {
        const m = new Machine({ q: 256, isa: presetIsa(c.preset), dev: new ConsoleDevices('12 ab') });
        m.boot();
        m.mem.set(c.words);
        m.regs.set(c.regs);
        m.setPSW({ mode: 1, pc: c.pc, l: c.l, b: c.b });
        const outside: [number, number][] = [];
        m.onAccess = (k, pa) => {
          if (k === 3 ? pa > 5 : pa < c.l || pa >= c.l + c.b) outside.push([k, pa]);
        };
        m.run(500, RunFlag.EXIT_ON_TRAP);
        expect(outside).toEqual([]);
        expect(m.console).toBe('');
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('an ISA with SETR open lets a user program out of its window (the check above can fail)', () => {
    const I = (mn: string, ra = 0, rb = 0, imm = 0) => encode(opOf(mn), ra, rb, imm);
    const m = new Machine({ q: 256, isa: makeIsa({ base: 'pg1', variants: { SETR: 'open' } }) });
    m.boot({ words: [[100, I('SETR', 0, 1)], [1, I('ST', 2, 0, 50)]], entry: 100 });
    m.regs[1] = 256;
    m.regs[2] = 99;
    m.setPSW({ mode: 1, pc: 0, l: 100, b: 10 });
    m.run(2, RunFlag.EXIT_ON_TRAP);
    expect(m.mem[50]).toBe(99);
  });
});

/** A random machine: memory of random instructions and data, a handler PSW, random registers and input. */
const machineCase = fc.constantFrom(64, 128).chain((q) => {
  const ops = PG1.instructions.map((d) => d.op);
  const word = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...ops), fc.nat(5), fc.nat(5), fc.integer({ min: -4, max: q + 4 })).map(([o, a, b, i]) => encode(o, a, b, i)) },
    { weight: 1, arbitrary: fc.integer({ min: MIN32, max: MAX32 }) },
    { weight: 2, arbitrary: fc.integer({ min: -4, max: q + 4 }) },
  );
  return fc.record({
    q: fc.constant(q),
    preset: fc.constantFrom(...PRESET_NAMES),
    mem: fc.array(word, { minLength: q, maxLength: q }),
    newPsw: fc.tuple(fc.nat(1), fc.nat(q - 1), fc.integer({ min: 0, max: q >> 2 }), fc.integer({ min: q >> 1, max: q })),
    regs: fc.array(fc.integer({ min: -4, max: q + 4 }), { minLength: 16, maxLength: 16 }),
    psw: fc.tuple(fc.nat(1), fc.nat(q - 1), fc.integer({ min: -2, max: q >> 2 }), fc.integer({ min: q >> 1, max: q + 2 })),
    input: fc.string({ unit: fc.constantFrom('x', '4', '2', ' ', '-'), maxLength: 10 }),
    breaks: fc.array(fc.nat(q - 1), { maxLength: 3 }),
    flags: fc.nat(3),
  });
});

function boot(c: MachineCase): Machine {
  const m = new Machine({ q: c.q, isa: presetIsa(c.preset), dev: new ConsoleDevices(c.input) });
  m.boot();
  m.mem.set(c.mem);
  m.mem.set(c.newPsw, 8);
  m.regs.set(c.regs);
  m.regs[0] = 0;
  m.setPSW({ mode: c.psw[0], pc: c.psw[1], l: c.psw[2], b: c.psw[3] });
  if (c.breaks.length) {
    m.breakpoints = new Uint8Array(c.q);
    for (const a of c.breaks) m.breakpoints[a] = 1;
  }
  return m;
}
type MachineCase = typeof machineCase extends fc.Arbitrary<infer T> ? T : never;

/** Runs n steps in calls of at most the given sizes (cycled), going on after early stops, until n or HALT. */
function runFor(m: Machine, n: number, pieces: number[], flags: number): number {
  let left = n;
  let calls = 0;
  while (left > 0 && m.status !== 'halted') {
    const piece = Math.min(pieces[calls % pieces.length], left);
    const r = m.run(piece, flags);
    expect(m.lastSteps).toBeLessThanOrEqual(piece);
    if (r === Stop.LIMIT) expect(m.lastSteps).toBe(piece);
    left -= m.lastSteps;
    calls++;
  }
  return n - left;
}

describe('running in pieces and snapshots', () => {
  it('n steps in random pieces end where n steps at once end', () => {
    fc.assert(
      fc.property(machineCase, fc.nat(400), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), (c, n, pieces) => {
        const once = boot(c);
        const split = boot(c);
        const a = runFor(once, n, [n], c.flags);
        const b = runFor(split, n, pieces, c.flags);
        expect(b).toBe(a);
        expect(stateOf(split)).toEqual(stateOf(once));
        expect(split.steps).toBe(a);
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('snapshot, run k, restore, run k again gives the same state; the snapshot is a copy', () => {
    fc.assert(
      fc.property(machineCase, fc.nat(100), fc.nat(200), (c, k0, k) => {
        const m = boot(c);
        runFor(m, k0, [k0], 0);
        const atSnap = stateOf(m);
        const snap = m.snapshot();
        runFor(m, k, [k], c.flags);
        const first = stateOf(m);
        expect(Array.from(snap.mem)).toEqual(atSnap.mem);
        expect(Array.from(snap.regs)).toEqual(atSnap.regs);
        m.restore(snap);
        expect(stateOf(m)).toEqual(atSnap);
        runFor(m, k, [k], c.flags);
        expect(stateOf(m)).toEqual(first);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('restore brings back a halted status and the console', () => {
    const I = (mn: string, ra = 0, rb = 0, imm = 0) => encode(opOf(mn), ra, rb, imm);
    const m = new Machine({ q: 64, dev: new ConsoleDevices('ab') });
    m.boot({ words: [[16, I('IN', 1, 0, 0)], [17, I('OUT', 1, 0, 0)], [18, I('HALT')]], entry: 16 });
    const s0 = m.snapshot();
    expect(m.run(10)).toBe(Stop.HALTED);
    expect(m.console).toBe('a');
    const s1 = m.snapshot();
    m.restore(s0);
    expect(m.status).toBe('ready');
    expect(m.console).toBe('');
    expect(m.run(10)).toBe(Stop.HALTED);
    expect(m.console).toBe('a');
    expect(m.regs[1]).toBe(97);
    m.restore(s1);
    expect(m.status).toBe('halted');
    expect(m.run(10)).toBe(Stop.HALTED);
  });
});
