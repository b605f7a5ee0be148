import { describe, expect, it } from 'vitest';
import { assemble } from '../../core/asm/assembler';
import { presetIsa } from '../../core/isa/isa';
import { parseIsaFile } from '../../core/isa/isafile';
import { depthSeries, Lockstep } from './lockstep';
import { SOLUTIONS } from '../../lessons/solutions';

const src = SOLUTIONS.theorem1.right; // GETMODE r1 on line 4, then RETU, HALT in user mode
const W = 16384;

describe('lockstep equivalence', () => {
  it('finds no divergence on pg1 and runs both sides to the halt', () => {
    const isa = presetIsa('pg1');
    const ls = new Lockstep(assemble(src, isa), { isa, kind: 'full', depth: 1, w: W });
    ls.step(1000);
    expect(ls.divergence).toBeNull();
    expect(ls.done).toBe(true);
    expect(ls.side('native').regs).toEqual(ls.side('virtual').regs);
  });

  it('stops at the first diverging instruction on x86, with field, values and source line', () => {
    const isa = presetIsa('x86');
    const asm = assemble(src, isa);
    const ls = new Lockstep(asm, { isa, kind: 'full', depth: 1, w: W });
    ls.step(1000);
    const d = ls.divergence!;
    expect(d).not.toBeNull();
    expect(d).toMatchObject({ step: 1, field: 'regs[1]', native: 0, virtual: 1 });
    const line = src.split('\n').findIndex((l) => l.includes('GETMODE')) + 1;
    expect(d.nativeLine).toBe(line);
    expect(d.virtualLine).toBe(line);
    // Stepping further does nothing once diverged.
    expect(ls.step(10)).toBe(0);
  });

  it('on pdp10 diverges at RETU, which in the VM runs in real user mode and leaves the virtual mode alone', () => {
    const isa = presetIsa('pdp10');
    const ls = new Lockstep(assemble(src, isa), { isa, kind: 'full', depth: 1, w: W });
    ls.step(1000);
    expect(ls.divergence).toMatchObject({ step: 2, field: 'psw.mode', native: 'u', virtual: 's' });
    expect(src.split('\n')[ls.divergence!.nativeLine! - 1]).toMatch(/RETU/);
  });
});

describe('depth series', () => {
  it('grows the real work per guest instruction with depth, and is 1 bare', () => {
    const isa = presetIsa('pg1');
    const pts = depthSeries(assemble(SOLUTIONS.recursion.right, isa), isa, 'full', 4096, 100_000, 4);
    expect(pts.map((p) => p.depth)).toEqual([0, 1, 2, 3, 4]);
    expect(pts[0].perGuest).toBe(1);
    for (const p of pts) expect(p.status).toBe('halted');
    for (let d = 1; d < pts.length; d++) expect(pts[d].perGuest).toBeGreaterThan(pts[d - 1].perGuest);
    expect(pts[3].traps).toHaveLength(3);
  });
});

describe('lockstep memory divergence', () => {
  it('pins a difference that is only in memory to its own step, far past a memory checkpoint', () => {
    // MSTM stores the mode into memory without trapping: bare it stores 0; in the VM, where the guest's
    // supervisor code runs in real user mode, 1. Registers and PSW stay equal, so only memory tells.
    const file = parseIsaFile(
      '{"name":"mstm","base":"pg1","instructions":[{"mnemonic":"MSTM","opcode":48,"operands":"[rb+imm]","privileged":false,"effect":"mem[rb + imm] = M;"}]}',
    );
    if (!file.ok) throw new Error(JSON.stringify(file.errors));
    const isa = file.isa;
    const src = `start:\n  .zero 100\n  MSTM [500]\n  .zero 100\n  HALT\n`;
    const asm = assemble(src, isa);
    expect(asm.errors).toEqual([]);
    const ls = new Lockstep(asm, { isa, kind: 'full', depth: 1, w: W });
    ls.step(1000);
    expect(ls.divergence).toMatchObject({ step: 101, field: 'mem[500]', native: 0, virtual: 1, nativeLine: 3 });
  });
});
