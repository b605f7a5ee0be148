import { describe, expect, it } from 'vitest';
import { presetText } from './isadoc';
import { LOOPING, SOLUTIONS } from './lessons/solutions';
import { amplificationSeries, checkLesson } from './run.worker';

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
});
