import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs module of the bench, without types
import { readmeSection } from './readme.mjs';
import { formatBeyond, runBeyond } from './beyond-bench';

describe('the Beyond 1974 section of npm run bench', () => {
  // Tiny timings: this checks the wiring and the equivalence checks, not the speed.
  const r = runBeyond({ reps: 3, minSeconds: 0.01 });

  it('times bare and every technique in one run, each checked against bare', () => {
    expect(r.rows.map((w) => w.id)).toEqual(['full', 'hybrid', 'bt', 'para', 'assist']);
    expect(r.rows.find((w) => w.id === 'full')!.equivalent).toBe(false);
    for (const w of r.rows.filter((x) => x.id !== 'full')) expect(w.equivalent, w.id).toBe(true);
    for (const w of [r.bare, ...r.rows.map((x) => x.timing)]) {
      expect(w.seconds).toHaveLength(3);
      for (const s of w.seconds) expect(s).toBeGreaterThanOrEqual(0.01);
    }
    for (const w of r.rows) expect(w.ratioToBare).toBeCloseTo(w.timing.mips / r.bare.mips, 6);
    expect(r.btOverHybrid).toBeCloseTo(r.rows[2].timing.mips / r.rows[1].timing.mips, 6);
  });

  it('prints the table and the ratio, and says which technique is not equivalent', () => {
    const text = formatBeyond(r);
    expect(text).toMatch(/full monitor, unmodified kernel +NO/);
    expect(text).toMatch(/bt M\/s \/ hybrid M\/s\): \d+\.\d\d×/);
    expect(text).toMatch(/not equivalent \(console/);
  });

  it('goes into the README section written by --write-readme', () => {
    const env = { date: '2026-12-02T00:00:00Z', node: 'v20', cpus: 2, cpu: 'x', loadStart: 1, loadEnd: 1 };
    const md: string = readmeSection({ env, reps: 3, minSeconds: 0.01, bare: [], geomean: NaN, monitors: [], levelCosts: [], beyond: r });
    expect(md).toMatch(/\| binary translation \| yes \|/);
    expect(md).toMatch(/\| full monitor, unmodified kernel \| \*\*no\*\* \|/);
    expect(md).toMatch(/Translated kernel code against interpreted \(bt \/ hybrid\): \*\*\d+\.\d\d×\*\*/);
  });

  it("the README's browser sentence reports every trap-heavy run and the time to interactive", () => {
    const env = { date: '2026-12-02T00:00:00Z', node: 'v20', cpus: 2, cpu: 'x', loadStart: 1, loadEnd: 1 };
    const run = (fps: number, pauseMs: number, longestTaskMs: number) => ({ fps, pauseMs, longestTaskMs, load1: 2.5 });
    const browser = {
      workerStraight: { ips: 4e9 },
      workerRun: { ips: 3e9 },
      ui: { fps: 60, pauseMs: 12 },
      trapHeavy: { program: 'bench/workloads/kernel.s', monitor: 'full', depth: 4, runs: [run(57.6, 42, 0), run(31, 80, 120)], goals: { fps: 50, pauseMs: 50, longTaskMs: 50 } },
      startup: { runs: [{ interactiveMs: 1811 }, { interactiveMs: 1336 }], interactiveMs: 1633, editorMs: 2053, goalMs: 1500 },
    };
    const md: string = readmeSection({ env, reps: 3, minSeconds: 1, bare: [], geomean: NaN, monitors: [], levelCosts: [], browser });
    expect(md).toContain('under the full monitor at depth 4 with every view open, runs of 4 s: 58 frames/s, Pause 42 ms, longest task 0 ms (load 2.5); 31 frames/s, Pause 80 ms, longest task 120 ms');
    expect(md).toContain('interactive in 1811 / 1336 ms (median 1633 ms, goal ≤ 1500 ms)');
    expect(md).not.toContain('not measured yet');
  });
});
