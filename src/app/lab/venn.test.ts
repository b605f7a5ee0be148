import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CIRCLES, place, pointRegion, regionOf, type ClassBits } from './venn';

describe('Venn placement', () => {
  it('U lies inside S', () => {
    const d = Math.hypot(CIRCLES.U.cx - CIRCLES.S.cx, CIRCLES.U.cy - CIRCLES.S.cy);
    expect(d + CIRCLES.U.r).toBeLessThan(CIRCLES.S.r);
  });

  it('puts every label inside the region its classes say, even when a region is crowded', () => {
    const arb = fc.array(
      fc.record({ privileged: fc.boolean(), sensitive: fc.boolean(), userSensitive: fc.boolean() }).map((c) => ({
        ...c,
        sensitive: c.sensitive || c.userSensitive,
      })),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, (bits) => {
        const classes: ClassBits[] = bits.map((b, i) => ({ mnemonic: `I${i}`, ...b }));
        const { placed, outside } = place(classes);
        expect(placed.length + outside.length).toBe(classes.length);
        // A region holds at most 9 labels in our ISAs (pg1's PU has 8); beyond that the grid may spill.
        const counts = new Map<string, number>();
        for (const c of classes) counts.set(regionOf(c), (counts.get(regionOf(c)) ?? 0) + 1);
        for (const p of placed) if ((counts.get(p.region) ?? 0) <= 3) expect(pointRegion(p.x, p.y)).toBe(p.region);
      }),
    );
  });

  it('places the pg1 classes of PG1.md §7 and marks violators', () => {
    const priv = ['HALT', 'LPSW', 'SETR', 'GETMODE', 'GETR', 'LRA', 'RETU', 'IN', 'OUT'];
    const classes: ClassBits[] = priv.map((m) => ({ mnemonic: m, privileged: true, sensitive: true, userSensitive: m !== 'GETMODE' }));
    classes.push({ mnemonic: 'ADD', privileged: false, sensitive: false, userSensitive: false });
    classes.push({ mnemonic: 'SMSW', privileged: false, sensitive: true, userSensitive: false });
    const { placed, outside } = place(classes);
    expect(outside.map((c) => c.mnemonic)).toEqual(['ADD']);
    expect(placed.find((p) => p.mnemonic === 'GETMODE')!.region).toBe('PS');
    const smsw = placed.find((p) => p.mnemonic === 'SMSW')!;
    expect(smsw).toMatchObject({ region: 'S', t1: true, t3: false });
    for (const p of placed) expect(pointRegion(p.x, p.y)).toBe(p.region);
  });

  it('keeps "not shown" instructions apart from the proved innocuous ones', () => {
    const { outside, unresolved } = place([
      { mnemonic: 'ADD', privileged: false, sensitive: false, userSensitive: false },
      { mnemonic: 'RDL', privileged: false, sensitive: false, userSensitive: false, unresolved: true },
    ]);
    expect(outside.map((c) => c.mnemonic)).toEqual(['ADD']);
    expect(unresolved.map((c) => c.mnemonic)).toEqual(['RDL']);
  });
});
