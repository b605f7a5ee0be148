import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Machine } from './machine';
import { ConsoleDevices } from './devices';
import { presetIsa } from '../isa/isa';
import { assemble } from '../asm/assembler';
import { encode } from '../isa/table';
import { COOL_AFTER } from './blocks';
import { expectSameRuns, I, ORG } from '../../testing/testkit';

/**
 * Self-modifying code and the block compiler: code that is written over while it runs must give exactly the
 * plain interpreter's results (the blocks check their words; invalidated addresses cool down in the
 * interpreter), and rewriting code in a loop must not make the compiler compile on every pass.
 */

const PG1 = presetIsa('pg1');
const mnemonics = PG1.instructions.filter((d) => !d.variants).map((d) => d.mnemonic);

/**
 * A random looping program of n words at ORG that stores into its own words: `ST rX, [r0+ORG+k]` with rX one of
 * r7..r10, which start as instruction words and are changed by ADDI/XOR/ORI (so the stored words differ from
 * pass to pass: other operands, other instructions); the rest are innocuous instructions with jumps inside the
 * program. A trap resumes at a random address of the program.
 */
function smcProgramArb(n: number) {
  const store = fc.record({ kind: fc.constant('st' as const), r: fc.integer({ min: 7, max: 10 }), k: fc.integer({ min: 0, max: n - 1 }) });
  const tweak = fc.record({ kind: fc.constant('tweak' as const), r: fc.integer({ min: 7, max: 10 }), mn: fc.constantFrom('ADDI', 'XOR', 'ORI'), imm: fc.integer({ min: 1, max: 3 }) });
  const plain = fc.record({ kind: fc.constant('plain' as const), mn: fc.constantFrom(...mnemonics), ra: fc.integer({ min: 1, max: 6 }), rb: fc.integer({ min: 0, max: 6 }), imm: fc.integer({ min: -4, max: 30 }) });
  const item = fc.oneof({ weight: 2, arbitrary: store }, { weight: 2, arbitrary: tweak }, { weight: 6, arbitrary: plain });
  return fc.array(item, { minLength: n, maxLength: n }).map((xs) =>
    xs.map((x) => {
      if (x.kind === 'st') return encode(PG1.byMnemonic.get('ST')!.op, x.r, 0, ORG + x.k);
      if (x.kind === 'tweak') return x.mn === 'XOR' ? I('XOR', x.r, 6) : I(x.mn, x.r, 0, x.imm);
      const d = PG1.byMnemonic.get(x.mn)!;
      const imm = d.operands.includes('target') ? ORG + (((x.imm % n) + n) % n) : x.imm;
      return encode(d.op, x.ra, x.rb, imm);
    }),
  );
}

const caseArb = fc.record({
  prog: fc.integer({ min: 6, max: 24 }).chain((n) => smcProgramArb(n)),
  // Instruction words the stores write: innocuous ones (so blocks get compiled from them) and jumps.
  words: fc.array(
    fc.record({ mn: fc.constantFrom('ADDI', 'XOR', 'LI', 'NOP', 'JMP', 'JLT', 'ADD'), ra: fc.integer({ min: 1, max: 6 }), rb: fc.integer({ min: 0, max: 6 }), imm: fc.integer({ min: 0, max: 23 }) }),
    { minLength: 4, maxLength: 4 },
  ),
  regs: fc.array(fc.integer({ min: -4, max: 60 }), { minLength: 6, maxLength: 6 }),
  handler: fc.integer({ min: 0, max: 23 }),
  splits: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 6 }),
});

function build(c: { prog: number[]; words: { mn: string; ra: number; rb: number; imm: number }[]; regs: number[]; handler: number }, jit: boolean): Machine {
  const m = new Machine({ q: 128, isa: PG1, jit, dev: new ConsoleDevices('') });
  m.boot({ words: c.prog.map((w, i) => [ORG + i, w] as const), entry: ORG });
  m.mem[8] = 0;
  m.mem[9] = ORG + (c.handler % c.prog.length);
  m.mem[10] = 0;
  m.mem[11] = 128;
  c.regs.forEach((v, i) => (m.regs[i + 1] = v));
  c.words.forEach((x, i) => {
    const d = PG1.byMnemonic.get(x.mn)!;
    const imm = d.operands.includes('target') ? ORG + (x.imm % c.prog.length) : x.imm;
    m.regs[7 + i] = encode(d.op, x.ra, x.rb, imm);
  });
  return m;
}

function state(m: Machine) {
  return { psw: m.psw, regs: [...m.regs], mem: [...m.mem], steps: m.steps, traps: [...m.trapCounts], status: m.status };
}

describe('self-modifying code and the block compiler', () => {
  it('random programs that rewrite their own code end exactly as with compilation off, at any split', () => {
    let compiled = 0;
    let cooled = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const a = build(c, true);
        const b = build(c, false);
        expectSameRuns(a, b, c.splits, state);
        if (a.compiles > 0) compiled++;
        if (a.compiles > 0 && a.compiles < a.steps / 200) cooled++;
      }),
      { numRuns: 300 },
    );
    // The generator does what it is for: blocks get compiled, and code gets rewritten under them.
    expect(compiled).toBeGreaterThan(100);
    expect(cooled).toBeGreaterThan(10);
  });

  it('a loop that rewrites its own body on every pass compiles a bounded number of blocks', () => {
    const src = readFileSync(new URL('../../../bench/workloads/smc.s', import.meta.url), 'utf8');
    const r = assemble(src, PG1);
    expect(r.ok).toBe(true);
    const m = new Machine({ q: 16384, isa: PG1 });
    m.boot(r.image);
    m.run(1_000_000);
    const early = m.compiles;
    m.run(4_000_000);
    // Without cooling, each pass (9 instructions) would compile again after HOT passes: ~60,000 compiles.
    expect(m.compiles).toBeLessThan(40);
    // The rewritten word is left to the interpreter and the code around it stays compiled: the region entered
    // after it covers the whole loop, with the rewritten word as an exit point.
    const patch = r.symbols.get('patch')!;
    const loop = r.symbols.get('loop')!;
    const rg = m.blocks[m.blockIds[patch + 1]]!;
    expect(rg.pa).toBeLessThanOrEqual(loop);
    expect(rg.compiled[patch - rg.pa]).toBe(0);
    expect(rg.compiled[loop - rg.pa]).toBe(1);
    expect(rg.compiled[patch + 1 - rg.pa]).toBe(1);
    // The cooling period grows: the later 4 million steps compile hardly anything more.
    expect(m.compiles - early).toBeLessThanOrEqual(3 * COOL_AFTER);
    // And the result is the plain interpreter's.
    const n = new Machine({ q: 16384, isa: PG1, jit: false });
    n.boot(r.image);
    n.run(5_000_000);
    expect(state(m)).toEqual(state(n));
  });

  it('code rewritten a few times and then left alone is compiled again', () => {
    // loop: ADDI r2, 1 ; ST r4, [patch] ; patch: ADDI r3, 1 ; JLT r2, r1, loop ; HALT — r4 changes for the
    // first passes only (the bench's smc workload never stops changing).
    const prog = [I('ADDI', 2, 0, 1), I('ST', 4, 0, ORG + 2), I('ADDI', 3, 0, 1), I('JLT', 2, 1, ORG), I('HALT')];
    const m = new Machine({ q: 256, isa: PG1 });
    m.boot({ words: prog.map((w, i) => [ORG + i, w] as const), entry: ORG });
    m.regs[1] = 500_000;
    for (let k = 2; k < 6; k++) {
      m.regs[4] = I('ADDI', 3, 0, k);
      m.run(200);
    }
    m.run(3_000_000);
    expect(m.status).toBe('halted');
    // Cooling is a wait, not a blacklist: the rewritten word is inside a compiled block again, of the final words.
    const covering = m.blocks.filter((b, i) => {
      if (!b || i === 0) return false;
      if (m.blockIds.indexOf(i) < 0) return false;
      return b.pa <= ORG + 2 && ORG + 2 < b.pa + b.len && b.compiled[ORG + 2 - b.pa] === 1 && b.words.every((w, k) => m.mem[b.pa + k] === w);
    });
    expect(covering.length).toBeGreaterThan(0);
  });
});
