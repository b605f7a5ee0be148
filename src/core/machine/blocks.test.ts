import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Machine } from './machine';
import { ConsoleDevices } from './devices';
import { presetIsa, PRESET_NAMES, type PresetName } from '../isa/isa';
import { encode } from '../isa/table';
import { compileBlock } from './blocks';
import { expectSameRuns } from '../../testing/testkit';

/**
 * Block compilation must be invisible: every program runs to the same state, trap by trap and step by step,
 * with blocks as without them. These tests run random programs (loops included, so blocks get hot) on two
 * machines that differ only in `jit`, splitting the run at random points.
 */

const isaArb = fc.constantFrom<PresetName>(...PRESET_NAMES);

function op(mn: string): number {
  return presetIsa('pg1').byMnemonic.get(mn)!.op;
}

const ORG = 16;

/** A random program of n words at ORG: any instruction of the table, jump targets inside the program. */
function programArb(n: number) {
  const mnemonics = presetIsa('pg1').instructions.map((d) => d.mnemonic);
  const word = fc.oneof(
    { weight: 12, arbitrary: fc.record({ mn: fc.constantFrom(...mnemonics), ra: fc.integer({ min: 0, max: 6 }), rb: fc.integer({ min: 0, max: 6 }), imm: fc.integer({ min: -8, max: 40 }) }) },
    { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((w) => ({ raw: w })) },
  );
  return fc.array(word, { minLength: n, maxLength: n }).map((ws) =>
    ws.map((x) => {
      if ('raw' in x) return x.raw;
      const d = presetIsa('pg1').byMnemonic.get(x.mn)!;
      const isJump = d.operands.includes('target');
      const imm = isJump ? ORG + (((x.imm % n) + n) % n) : x.imm;
      return encode(d.op, x.ra, x.rb, imm);
    }),
  );
}

const stateArb = fc.record({
  preset: isaArb,
  prog: fc.integer({ min: 4, max: 20 }).chain((n) => programArb(n)),
  regs: fc.array(fc.integer({ min: -4, max: 60 }), { minLength: 16, maxLength: 16 }),
  user: fc.boolean(),
  l: fc.integer({ min: -2, max: 8 }),
  b: fc.integer({ min: 20, max: 80 }),
  handler: fc.integer({ min: 0, max: 19 }),
  splits: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
  // An interval timer armed at boot (§11): a compiled block must stop where it expires.
  timer: fc.option(fc.integer({ min: 1, max: 400 }), { freq: 2 }),
});

function build(s: { preset: PresetName; prog: number[]; regs: number[]; user: boolean; l: number; b: number; handler: number; timer: number | null }, jit: boolean): Machine {
  const m = new Machine({ q: 128, isa: presetIsa(s.preset), jit, dev: new ConsoleDevices('ab 12') });
  m.boot({ words: s.prog.map((w, i) => [ORG + i, w] as const), entry: ORG });
  // The trap vector resumes in supervisor mode inside the program, so runs go on through traps.
  m.mem[8] = 0;
  m.mem[9] = ORG + (s.handler % s.prog.length);
  m.mem[10] = 0;
  m.mem[11] = 128;
  m.regs.set(s.regs);
  m.regs[0] = 0;
  m.setPSW({ mode: s.user ? 1 : 0, pc: ORG - Math.max(0, s.l), l: Math.max(0, s.l), b: s.b });
  (m.dev as ConsoleDevices).timerAt = s.timer ?? -1;
  return m;
}

function state(m: Machine) {
  return {
    psw: m.psw, regs: [...m.regs], mem: [...m.mem], steps: m.steps, traps: [...m.trapCounts], status: m.status, out: m.console,
    timer: (m.dev as ConsoleDevices).timerAt,
  };
}

describe('block compilation', () => {
  it('runs random programs exactly like the plain interpreter, at any split of the run', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const a = build(s, true);
        const b = build(s, false);
        expectSameRuns(a, b, s.splits, state);
      }),
      { numRuns: 400 },
    );
  });

  it('counts steps and stops exactly at the limit inside a hot loop', () => {
    const m = new Machine({ q: 256 });
    const prog = [encode(op('LUI'), 1, 0, 1), encode(op('ADDI'), 2, 0, 1), encode(op('XOR'), 3, 2, 0), encode(op('JLT'), 2, 1, ORG + 1), encode(op('HALT'), 0, 0, 0)];
    m.boot({ words: prog.map((w, i) => [ORG + i, w] as const), entry: ORG });
    expect(m.run(1000)).toBe(0);
    expect(m.steps).toBe(1000);
    // 1 + 3k steps put P at the ADDI of iteration k + 1: 1000 = 1 + 3 * 333 ends with r2 = 333.
    expect(m.regs[2]).toBe(333);
    expect(m.pc).toBe(ORG + 1);
    m.run(1e9);
    expect(m.status).toBe('halted');
    expect(m.steps).toBe(1 + 3 * 65536 + 1);
  });

  it('notices code written over a compiled block, by the program itself or from outside', () => {
    const m = new Machine({ q: 256 });
    // loop: ADDI r2, 1 ; ST r4, [r0+patch] ; JMP loop  — after a while r4 holds a HALT word and lands on the JMP.
    const loop = ORG;
    const prog = [encode(op('ADDI'), 2, 0, 1), encode(op('ST'), 4, 0, ORG + 2), encode(op('JMP'), 0, 0, loop)];
    m.boot({ words: prog.map((w, i) => [ORG + i, w] as const), entry: ORG });
    m.regs[4] = prog[2];
    m.run(300);
    expect(m.blocks.length).toBeGreaterThan(1);
    m.regs[4] = encode(op('HALT'), 0, 0, 0);
    m.run(1e6);
    expect(m.status).toBe('halted');
    expect(m.pc).toBe(ORG + 3);
    // Writes from outside (a monitor, a restore) are caught by the block's check of its own words.
    const n = new Machine({ q: 256 });
    const prog2 = [encode(op('ADDI'), 2, 0, 1), encode(op('JMP'), 0, 0, ORG)];
    n.boot({ words: prog2.map((w, i) => [ORG + i, w] as const), entry: ORG });
    n.run(500);
    n.mem[ORG + 1] = encode(op('HALT'), 0, 0, 0);
    n.run(10);
    expect(n.status).toBe('halted');
  });

  it('stops a hot user loop exactly where the interval timer expires (§11)', () => {
    const m = new Machine({ q: 256 });
    // Kernel: arm the timer for 1000 instructions, enter the user loop; the handler (supervisor) halts.
    const prog = [
      encode(op('LI'), 1, 0, 1000), encode(op('OUT'), 1, 0, 2), encode(op('LPSW'), 0, 0, 100),
      encode(op('ADDI'), 2, 0, 1), encode(op('JMP'), 0, 0, ORG + 3),
    ];
    m.boot({ words: prog.map((w, i) => [ORG + i, w] as const), entry: ORG });
    m.mem.set([1, ORG + 3, 0, 256], 100);
    m.mem.set([0, 60, 0, 256], 8);
    m.mem[60] = encode(op('HALT'), 0, 0, 0);
    m.run(1e6);
    expect(m.status).toBe('halted');
    expect(m.blocks.length).toBeGreaterThan(1);
    // OUT is step 2, the timer expires at step 1002: the LPSW and 999 user instructions ran, then the trap.
    expect(m.regs[2]).toBe(500);
    expect(Array.from(m.mem.subarray(0, 6))).toEqual([1, ORG + 4, 0, 256, 6, 0]);
    expect(m.steps).toBe(1002 + 1 + 1);
  });

  it('leaves HALT, devices and undefined words to the interpreter, and runs sensitive ones as the mode says', () => {
    const mem = new Int32Array(64);
    mem[20] = encode(op('JZ'), 1, 0, 23);
    mem[21] = encode(op('GETMODE'), 1, 0, 0);
    mem[22] = encode(op('IN'), 1, 0, 0);
    mem[23] = encode(op('ADDI'), 1, 0, 1);
    mem[24] = encode(op('HALT'), 0, 0, 0);
    // Supervisor mode: GETMODE runs compiled, IN and HALT are exit points (the interpreter runs them); the
    // region reaches past IN because the jump lands after it.
    const sup = compileBlock(presetIsa('pg1'), mem, 20, 20, 0);
    expect(Array.from(sup!.compiled)).toEqual([1, 1, 0, 1, 0]);
    expect(sup!.entries).toEqual([20, 21, 23]);
    // User mode: GETMODE, IN and HALT are PRIVILEGED traps, compiled as such.
    const user = compileBlock(presetIsa('pg1'), mem, 20, 20, 1);
    expect(Array.from(user!.compiled)).toEqual([1, 1, 1, 1, 1]);
    mem[20] = encode(op('IN'), 1, 0, 0);
    expect(compileBlock(presetIsa('pg1'), mem, 20, 20, 0)).toBeNull();
  });
});
