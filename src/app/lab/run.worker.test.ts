import { describe, expect, it } from 'vitest';
import { presetText } from './isadoc';
import { LOOPING, SOLUTIONS } from '../../lessons/solutions';
import { amplificationSeries, checkLesson, recOpen, recStep } from './run.worker';

// The worker's entry points, called directly (importing the module outside a worker does not install onmessage).
describe('run.worker', () => {
  it('checkLesson runs the lesson check: right passes, looping is stopped, an unknown lesson fails', () => {
    expect(checkLesson('machine', SOLUTIONS.machine.right).passed).toBe(true);
    const loop = checkLesson('machine', LOOPING);
    expect(loop.passed).toBe(false);
    expect(loop.stopped).toBe('loop');
    expect(checkLesson('nope', '').passed).toBe(false);
  });

  it('amplificationSeries parses the ISA text, assembles, and gives depth 0..maxDepth', () => {
    const pts = amplificationSeries({ op: 'series', source: SOLUTIONS.recursion.right, isaText: presetText('pg1'), kind: 'full', w: 16384, maxSteps: 10_000, maxDepth: 3, input: '' });
    expect(pts.map((p) => p.depth)).toEqual([0, 1, 2, 3]);
    expect(pts[0].perGuest).toBe(1);
    expect(pts[3].perGuest).toBeGreaterThan(pts[1].perGuest);
  });

  it('amplificationSeries reports a program that does not assemble', () => {
    expect(() => amplificationSeries({ op: 'series', source: 'FROB r1', isaText: presetText('pg1'), kind: 'full', w: 16384, maxSteps: 10, maxDepth: 1, input: '' })).toThrow(/does not assemble/);
  });

  const open = (depth: number, source = SOLUTIONS.recursion.right, w = 16384) =>
    recOpen({ op: 'rec-open', source, isaText: presetText('pg1'), kind: 'full', depth, w, input: '' });

  it('rec-open boots the tower: one row for the real machine plus one per VM, nothing run yet', () => {
    const bare = open(0);
    expect(bare.rows).toHaveLength(1);
    expect(bare.steps).toBe(0);
    expect(bare.status).toBe('ready');
    const s = open(3);
    expect(s.rows).toHaveLength(4);
    expect(s.rows[3].label).toMatch(/the program/);
    // Each VM's memory lies inside the real machine's.
    for (const r of s.rows.slice(1)) expect(r.base + r.size).toBeLessThanOrEqual(s.rows[0].size);
  });

  it('rec-step keeps the tower between requests: one step, then a run to the halt', () => {
    const first = open(2);
    const one = recStep(1);
    expect(one.steps).toBe(1);
    // The snapshot is a copy: stepping on must not change what the view was already given.
    const pcBefore = one.rows[2].psw.pc;
    const done = recStep(200_000);
    expect(one.rows[2].psw.pc).toBe(pcBefore);
    expect(first.steps).toBe(0);
    expect(done.status).toBe('halted');
    expect(done.steps).toBeGreaterThan(1);
    // The bare program takes as many guest steps as the program under two monitors.
    open(0);
    expect(recStep(200_000).steps).toBe(done.steps);
  });

  it('rec-open reports a program that does not assemble and an impossible depth, and drops the old tower', () => {
    open(1);
    expect(() => open(1, 'FROB r1')).toThrow(/does not assemble/);
    expect(() => recStep(1)).toThrow(/No program is loaded/);
    expect(() => open(8, SOLUTIONS.recursion.right, 1)).toThrow(/VM memory size/);
  });
});
