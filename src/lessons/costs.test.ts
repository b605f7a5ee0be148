import { describe, expect, it } from 'vitest';
import { techniqueCost, techniqueCosts } from './costs';
import { kernelHeavySource, TECHNIQUES } from './guest';

describe('the three ways beyond 1974 on one kernel-heavy x86 guest (the lessons chart, the bench)', () => {
  const rounds = 12;
  const rows = techniqueCosts(rounds);
  const by = (id: string) => rows.find((r) => r.id === id)!;

  it('runs every technique on the same guest, each checked against the bare machine', () => {
    expect(rows.map((r) => r.id)).toEqual(TECHNIQUES.map((t) => t.id));
    // The unmodified kernel reads its R with GETR: under the full monitor it gets the real one.
    expect(by('full').equivalent).toBe(false);
    expect(by('full').divergence).toMatch(/console/);
    for (const id of ['hybrid', 'bt', 'para', 'assist']) expect(by(id).equivalent, id).toBe(true);
  });

  it('counts how the instructions ran: each technique in its own column', () => {
    const steps = by('hybrid').counts.steps;
    // The hybrid monitor interprets all of virtual supervisor mode; only the user process's 2 instructions trap.
    expect(by('hybrid').counts.interpreted).toBeGreaterThan(steps * 0.99);
    // bt: the kernel as translated code; one call into the monitor per GETR (one a round) and a few for LPSW/OUT/HALT.
    expect(by('bt').counts.translated).toBeGreaterThan(steps * 0.99);
    expect(by('bt').counts.interpreted).toBeGreaterThanOrEqual(rounds);
    expect(by('bt').counts.interpreted).toBeLessThan(rounds + 10);
    // Paravirtualization: one hypercall a round, everything else direct.
    expect(by('para').counts.hypercalls).toBe(rounds);
    expect(by('para').counts.translated + by('para').counts.interpreted).toBe(0);
    // Hardware assist: GETR exits every round, everything else direct.
    expect(by('assist').counts.exits).toBeGreaterThanOrEqual(rounds);
    expect(by('assist').counts.direct).toBeGreaterThan(steps * 0.99);
  });

  it('the counts scale with the guest: they are measured, not fixed', () => {
    const more = techniqueCost(TECHNIQUES.find((t) => t.id === 'para')!, rounds * 2);
    expect(more.counts.hypercalls).toBe(rounds * 2);
  });

  it('the guest refuses a round count it cannot load', () => {
    expect(() => kernelHeavySource(40000, false)).toThrow(/rounds must be an integer from 0 to 32767/);
  });
});
