import { describe, expect, it } from 'vitest';
import { presetIsa } from '../core/isa/isa';
import { pgSeries } from './pgseries';

describe('recursion made real: cost per guest trap against depth', () => {
  const pts = pgSeries(presetIsa('pg1'), { maxDepth: 3, svcs: 20, turns: 300, budget: 1_000_000 });
  const at = (g: string, m: string, d: number) => pts.find((p) => p.guest === g && p.monitor === m && p.depth === d)!;

  it('a trap through full.s costs more real instructions at every level (exit multiplication)', () => {
    const c = [1, 2, 3].map((d) => at('trap-heavy', 'full.s', d));
    for (const p of c) expect(p.limited).toBe(false);
    expect(c[1].perTrap).toBeGreaterThan(c[0].perTrap * 1.5);
    expect(c[2].perTrap).toBeGreaterThan(c[1].perTrap * 1.5);
  });

  it('hybrid.s multiplies far faster, and a point that hits its budget says so and counts only the SVCs it got through', () => {
    const h = at('trap-heavy', 'hybrid.s', 3);
    expect(h.limited).toBe(true);
    expect(h.guestTraps).toBeLessThan(21);
    expect(h.perTrap).toBeGreaterThan(at('trap-heavy', 'full.s', 3).perTrap);
  });

  it('innocuous code runs directly under full.s: close to one real instruction per guest instruction at depth 1', () => {
    const p = at('innocuous', 'full.s', 1);
    expect(p.limited).toBe(false);
    expect(p.perInstr).toBeGreaterThanOrEqual(1);
    expect(p.perInstr).toBeLessThan(2);
  });
});
