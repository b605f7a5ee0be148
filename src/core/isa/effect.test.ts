import { describe, expect, it } from 'vitest';
import { compileEffect, fieldUses, parseEffect } from './effect';
import type { SlowState } from './isa';
import { encode } from './table';

function state(over: Partial<SlowState> = {}): SlowState {
  return { pc: 5, mode: 0, l: 0, b: 32, q: 64, regs: new Int32Array(16), mem: new Int32Array(64), slowDetail: 0, ...over };
}
/** Runs `src` once with ra = r1, rb = r2 and the given imm; returns the hook's result and the state. */
function run(src: string, over: Partial<SlowState> = {}, imm = 0, ra = 1, rb = 2) {
  const s = state(over);
  const r = compileEffect(src)(s, encode(0x30, ra, rb, imm));
  return { r, s };
}

describe('effect language: parser', () => {
  it('parses statements, if/else if/else and precedence like C', () => {
    const p = parseEffect('if (ra < 0 || rb == 1 && !M) { ra = -ra; } else if (P) { halt; } else { trap(4); }\nmem[rb + 1] = 1 + 2 * 3;');
    expect(p.ok).toBe(true);
    const { s } = run('ra = 1 + 2 * 3 << 1;');
    expect(s.regs[1]).toBe(14);
    expect(run('ra = 1 | 6 & 3 ^ 1;').s.regs[1]).toBe(1 | ((6 & 3) ^ 1));
  });
  it('reports syntax errors with line and column and a plain message', () => {
    const p = parseEffect('ra = 1;\n  rb = (2 + ;');
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.error.line).toBe(2);
      expect(p.error.col).toBe(13);
      expect(p.error.message).toMatch(/expected a value/);
    }
    const q = parseEffect('ra = 1');
    expect(!q.ok && q.error.message).toMatch(/expected ';'/);
  });
  it('rejects loops, unknown names and assignments to constants', () => {
    for (const [src, msg] of [
      ['while (1) { ra = 1; }', /no loops/],
      ['for (;;) {}', /no loops/],
      ['x = 1;', /unknown name 'x'/],
      ['imm = 1;', /cannot be assigned/],
      ['S = 1;', /constant/],
      ['ra = L;', /did you mean 'l'/],
      ['ra = r3;', /operand fields/],
      ['trap(9);', /does not exist/],
      ['ra = 0x1FFFFFFFF;', /32 bits/],
      ['ra = 1; }', /no matching/],
      ['if (1) { ra = 1;', /missing '\}'/],
      ['ra = 1 # 2;', /unexpected character/],
      ['else { }', /without an 'if'/],
    ] as const) {
      const p = parseEffect(src);
      expect(p.ok, src).toBe(false);
      if (!p.ok) expect(p.error.message, src).toMatch(msg);
    }
  });
  it('lists the operand fields an effect uses', () => {
    const p = parseEffect('if (imm) { rb = 1; }');
    expect(p.ok && fieldUses(p.program).map((u) => `${u.name}${u.assigned ? '=' : ''}`)).toEqual(['imm', 'rb=']);
  });
});

describe('effect language: interpreter', () => {
  it('wraps at 32 bits, truncates division, keeps the sign of the dividend in %', () => {
    expect(run('ra = 0x7FFFFFFF + 1;').s.regs[1]).toBe(-0x80000000);
    expect(run('ra = 0x10000 * 0x10000;').s.regs[1]).toBe(0);
    expect(run('ra = -7 / 2;').s.regs[1]).toBe(-3);
    expect(run('ra = -7 % 2;').s.regs[1]).toBe(-1);
    expect(run('ra = (0 - 0x7FFFFFFF - 1) / -1;').s.regs[1]).toBe(-0x80000000);
  });
  it('>> is arithmetic and >>> logical; shift counts use 5 bits', () => {
    expect(run('ra = -8 >> 1;').s.regs[1]).toBe(-4);
    expect(run('ra = -8 >>> 28;').s.regs[1]).toBe(15);
    expect(run('ra = 1 << 33;').s.regs[1]).toBe(2);
  });
  it('imm is sign-extended', () => {
    expect(run('ra = imm;', {}, 0xffff).s.regs[1]).toBe(-1);
    expect(run('ra = imm & 0xFFFF;', {}, 0xffff).s.regs[1]).toBe(0xffff);
  });
  it('P is the own address and advances unless assigned; M normalizes to 0/1', () => {
    expect(run('ra = P;').s).toMatchObject({ pc: 6 });
    expect(run('ra = P;').s.regs[1]).toBe(5);
    expect(run('P = 20;').s.pc).toBe(20);
    expect(run('if (0) { P = 20; }').s.pc).toBe(6);
    expect(run('M = 7;').s.mode).toBe(1);
    expect(run('M = S;', { mode: 1 }).s.mode).toBe(0);
  });
  it('division or modulo by zero is an ARITH trap and leaves the state as it was', () => {
    const { r, s } = run('ra = 9; M = U; mem[0] = 3; rb = ra / (rb - rb);');
    expect(r).toBe(5);
    expect(s.slowDetail).toBe(0);
    expect(s.regs[1]).toBe(0);
    expect(s.mode).toBe(0);
    expect(s.mem[0]).toBe(0);
    expect(s.pc).toBe(5);
    expect(run('ra = 1 % 0;').r).toBe(5);
  });
  it('mem[] is relocated and bounds-checked with a memory trap whose detail is the virtual address', () => {
    const mem = new Int32Array(64);
    mem[10 + 3] = 77;
    expect(run('ra = mem[3];', { l: 10, mem }).s.regs[1]).toBe(77);
    const t = run('mem[0] = 1; mem[32] = 5;', { l: 10 });
    expect(t.r).toBe(2);
    expect(t.s.slowDetail).toBe(32);
    expect(t.s.mem[10]).toBe(0);
    const neg = run('ra = mem[0 - 1];');
    expect([neg.r, neg.s.slowDetail]).toEqual([2, -1]);
    // physical address beyond q even though inside b
    const q = run('ra = mem[20];', { l: 50, b: 32 });
    expect([q.r, q.s.slowDetail]).toEqual([2, 20]);
  });
  it('reads see earlier buffered writes and the current window', () => {
    const { s } = run('mem[2] = 9; ra = mem[2]; l = 4; rb = mem[0];', { mem: Int32Array.from({ length: 64 }, (_, i) => i) });
    expect(s.regs[1]).toBe(9);
    expect(s.regs[2]).toBe(4);
    expect(s.mem[2]).toBe(9);
    expect(s.l).toBe(4);
  });
  it('&& and || short-circuit', () => {
    expect(run('ra = rb != 0 && mem[100] == 1;').r).toBe(0);
    expect(run('ra = 1 || mem[100];').s.regs[1]).toBe(1);
  });
  it('trap(c) raises c with the documented detail', () => {
    const w = encode(0x30, 1, 2, 0xfffe);
    for (const [c, d] of [[1, w], [2, 0], [3, w], [4, 0xfffe], [5, 0]]) {
      const s = state();
      expect(compileEffect(`trap(${c});`)(s, w)).toBe(c);
      expect(s.slowDetail).toBe(d);
    }
    const s = state();
    expect(compileEffect('trap(ra);')(s, w)).toBe(3);
  });
  it('halt commits the copy and stops', () => {
    const { r, s } = run('ra = 4; halt; ra = 5;');
    expect(r).toBe(-1);
    expect(s.regs[1]).toBe(4);
    expect(s.pc).toBe(6);
  });
  it('r0 ignores writes and aliasing ra = rb shows writes through both names', () => {
    expect(run('ra = 5; rb = ra;', {}, 0, 0, 2).s.regs[2]).toBe(0);
    expect(run('ra = 5; rb = rb + 1;', {}, 0, 3, 3).s.regs[3]).toBe(6);
  });
});

describe('hostile effects', () => {
  it('refuses deep nesting and huge effects with a message, not a stack overflow', () => {
    const deep = parseEffect(`ra = ${'('.repeat(700)}1${')'.repeat(700)};`);
    expect(deep.ok).toBe(false);
    if (!deep.ok) expect(deep.error.message).toMatch(/nested too deeply/);
    const ifs = parseEffect('if (1) { '.repeat(100) + 'ra = 1;' + ' }'.repeat(100));
    expect(!ifs.ok && ifs.error.message).toMatch(/nested too deeply/);
    const minus = parseEffect(`ra = ${'- '.repeat(20000)}1;`);
    expect(!minus.ok && minus.error.message).toMatch(/too long|nested too deeply/);
    const long = parseEffect(`ra = ${'1 + '.repeat(100000)}1;`);
    expect(!long.ok && long.error.message).toMatch(/too long/);
    const fine = parseEffect(`ra = ${'('.repeat(30)}1${')'.repeat(30)} + ${'1 + '.repeat(1000)}1;`);
    expect(fine.ok).toBe(true);
  });
});
