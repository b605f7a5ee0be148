import { describe, expect, it } from 'vitest';
import { assemble } from '../core/asm/assembler';
import { presetIsa } from '../core/isa/isa';
import { LOOPING, SOLUTIONS } from '../lessons/solutions';
import { EquivSession, TowerSession, amplificationSeries, checkLesson, classifyText, depthSeries, timeDepths } from './lab';
import { readFileSync } from 'node:fs';

const PG1 = JSON.stringify({ name: 'pg1', base: 'pg1' });
const preset = (name: string) => JSON.stringify({ name, base: name });
const W = 16384;

// The worker's lab entry points, called directly (worker.ts only forwards them through Comlink).
describe('lab runs', () => {
  it('checkLesson runs the lesson check: right passes, looping is stopped, an unknown lesson fails', () => {
    expect(checkLesson('machine', SOLUTIONS.machine.right).passed).toBe(true);
    const loop = checkLesson('machine', LOOPING);
    expect(loop.passed).toBe(false);
    expect(loop.stopped).toBe('loop');
    expect(checkLesson('nope', '').passed).toBe(false);
  });

  it('amplificationSeries parses the ISA text, assembles, and gives depth 0..maxDepth', () => {
    const pts = amplificationSeries({ source: SOLUTIONS.recursion.right, isaText: PG1, kind: 'full', depth: 1, w: W, maxSteps: 10_000, maxDepth: 3, input: '' });
    expect(pts.map((p) => p.depth)).toEqual([0, 1, 2, 3]);
    expect(pts[0].perGuest).toBe(1);
    expect(pts[3].perGuest).toBeGreaterThan(pts[1].perGuest);
    // Trap amplification is the stack's own measure, per guest trap, and grows with depth too.
    expect(pts[3].amplification).toBeGreaterThan(pts[1].amplification);
    expect(() => amplificationSeries({ source: 'FROB r1', isaText: PG1, kind: 'full', depth: 1, w: W, maxSteps: 10, maxDepth: 1, input: '' })).toThrow(/does not assemble/);
  });

  it('the depth series grows the real work per guest instruction with depth, and is 1 bare', () => {
    const isa = presetIsa('pg1');
    const pts = depthSeries(assemble(SOLUTIONS.recursion.right, isa), isa, 'full', 4096, 100_000, 4);
    expect(pts.map((p) => p.depth)).toEqual([0, 1, 2, 3, 4]);
    for (const p of pts) expect(p.status).toBe('halted');
    for (let d = 1; d < pts.length; d++) expect(pts[d].perGuest).toBeGreaterThan(pts[d - 1].perGuest);
    expect(pts[3].traps).toHaveLength(3);
  });
});

describe('tower session (an Engine session)', () => {
  const t = new TowerSession();
  const open = (depth: number, source = SOLUTIONS.recursion.right, w = W) => t.open({ source, isaText: PG1, kind: 'full', depth, w, input: '' });

  it('opens the tower: one row for the real machine plus one per VM, nothing run yet', () => {
    const bare = open(0);
    expect(bare.rows).toHaveLength(1);
    expect(bare.steps).toBe(0);
    expect(bare.status).toBe('ready');
    const s = open(3);
    expect(s.rows).toHaveLength(4);
    expect(s.rows[3].label).toMatch(/the program/);
    // Each VM's memory lies inside the real machine's, and inside its parent's.
    for (const r of s.rows.slice(1)) expect(r.realBase + r.size).toBeLessThanOrEqual(s.rows[0].size);
    for (let i = 2; i < s.rows.length; i++) expect(s.rows[i].realBase).toBe(s.rows[i - 1].realBase + s.rows[i].base);
  });

  it('keeps the tower between calls: one step, then a run to the halt, as many guest steps as bare', () => {
    const first = open(2);
    const one = t.step(1);
    expect(one.steps).toBe(1);
    // The snapshot is a copy: stepping on must not change what the view was already given.
    const pcBefore = one.rows[2].psw.pc;
    const done = t.step(200_000);
    expect(one.rows[2].psw.pc).toBe(pcBefore);
    expect(first.steps).toBe(0);
    expect(done.status).toBe('halted');
    expect(done.steps).toBeGreaterThan(1);
    open(0);
    expect(t.step(200_000).steps).toBe(done.steps);
  });

  it('reports a program that does not assemble and an impossible depth, and drops the old tower', () => {
    open(1);
    expect(() => open(1, 'FROB r1')).toThrow(/does not assemble/);
    expect(() => t.step(1)).toThrow(/No program is loaded/);
    expect(() => open(8, SOLUTIONS.recursion.right, 1)).toThrow(/VM memory size/);
  });
});

describe('equivalence session (the core Lockstep)', () => {
  const src = SOLUTIONS.theorem1.right; // GETMODE r1, then RETU, HALT in user mode
  const open = (isaText: string) => {
    const e = new EquivSession();
    e.open({ source: src, isaText, kind: 'full', depth: 1, w: W, input: '' });
    return e;
  };

  it('finds no divergence on pg1 and runs both sides to the halt', () => {
    const s = open(PG1).step(1000);
    expect(s.divergence).toBeNull();
    expect(s.done).toBe(true);
    expect(s.native.regs).toEqual(s.virtual.regs);
  });

  it('stops at the first diverging instruction on x86, with field, values and source line', () => {
    const e = open(preset('x86'));
    const s = e.step(1000);
    expect(s.divergence).toMatchObject({ step: 1, field: 'regs[1]', native: 0, virtual: 1 });
    const line = src.split('\n').findIndex((l) => l.includes('GETMODE')) + 1;
    expect(s.divergence!.nativeLine).toBe(line);
    expect(s.divergence!.virtualLine).toBe(line);
    expect(e.step(10).steps).toBe(s.steps);
  });

  it('on pdp10 diverges at RETU, which in the VM runs in real user mode and leaves the virtual mode alone', () => {
    const s = open(preset('pdp10')).step(1000);
    expect(s.divergence).toMatchObject({ step: 2, field: 'psw.mode', native: 'u', virtual: 's' });
    expect(src.split('\n')[s.divergence!.nativeLine! - 1]).toMatch(/RETU/);
  });

  it('pins a difference that is only in memory to its own step', () => {
    // MSTM stores the mode into memory without trapping: bare it stores 0; in the VM, 1.
    const isaText = '{"name":"mstm","base":"pg1","instructions":[{"mnemonic":"MSTM","opcode":48,"operands":"[rb+imm]","privileged":false,"effect":"mem[rb + imm] = M;"}]}';
    const e = new EquivSession();
    e.open({ source: `start:\n  .zero 100\n  MSTM [500]\n  .zero 100\n  HALT\n`, isaText, kind: 'full', depth: 1, w: W, input: '' });
    expect(e.step(1000).divergence).toMatchObject({ step: 101, field: 'mem[500]', native: 0, virtual: 1, nativeLine: 3 });
  });
});

describe('classification', () => {
  it('classifies the ISA text and caches it; a text with errors is an error', () => {
    const a = classifyText(preset('x86'));
    expect(a.classification.theorem1.holds).toBe(false);
    expect(classifyText(preset('x86'))).toBe(a);
    expect(() => classifyText('{')).toThrow();
  });
});

describe('guest mode in the classification', () => {
  it('an ISA with hardware assist gets the guest-mode verdict: Theorem 1 restored on x86; none without assist', () => {
    expect(classifyText(preset('x86')).guestMode).toBeNull();
    const g = classifyText(JSON.stringify({ name: 'x86-assist', base: 'x86', assist: true })).guestMode;
    expect(g?.holds).toBe(true);
    expect(g?.exits).toEqual(expect.arrayContaining(['GETMODE', 'GETR', 'SETR']));
  });
});

describe('time and nesting (the Recursion view)', () => {
  const timer = readFileSync(new URL('../../examples/timer.s', import.meta.url), 'utf8');
  it('timer.s: equivalent at every depth under virtual time with the bare clock; diverging under real time, the clock growing with depth', () => {
    const { bare, rows } = timeDepths({ source: timer, isaText: PG1, kind: 'full', depth: 1, w: W, input: '', maxSteps: 1_000_000, maxDepth: 3 });
    expect(bare).toMatchObject({ depth: 0, status: 'halted', equivalent: true });
    expect(bare.clock).toBe(bare.guestSteps);
    const virt = rows.filter((r) => r.time === 'virtual');
    const real = rows.filter((r) => r.time === 'real');
    expect(virt.map((r) => r.depth)).toEqual([1, 2, 3]);
    expect(real.map((r) => r.depth)).toEqual([1, 2, 3]);
    for (const r of virt) expect(r).toMatchObject({ equivalent: true, diverges: null, clock: bare.clock, console: bare.console });
    for (const r of real) expect(r).toMatchObject({ equivalent: false, diverges: 'console' });
    // The real clock also counts the monitors' work beneath the guest: more of it at each depth.
    expect(real[0].clock).toBeGreaterThan(bare.clock);
    expect(real[1].clock).toBeGreaterThan(real[0].clock);
    expect(real[2].clock).toBeGreaterThan(real[1].clock);
  });

  it('a program that never reads the clock is equivalent under both', () => {
    const { rows } = timeDepths({ source: SOLUTIONS.recursion.right, isaText: PG1, kind: 'full', depth: 1, w: W, input: '', maxSteps: 100_000, maxDepth: 2 });
    for (const r of rows) expect(r.equivalent).toBe(true);
  });
});
