/**
 * Beyond 1974 (docs/DECISIONS.md): the ways the industry virtualized machines that fail Theorem 1's condition,
 * checked on random kernel + user programs (testgen.ts) against the bare machine, where the full monitor fails.
 * PGLAB_PROPERTY_RUNS raises the number of programs per property.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { presetIsa, withAssist, type Isa, type PresetName } from '../isa/isa';
import { arbProgSpec, progImage, progSource, propertyRuns, type ProgSpec } from './testgen';
import { equiv } from './equiv';
import type { MonitorKind } from './monitor';

const RUNS = propertyRuns(40);
const MAX_STEPS = 4000;
const FAILING: PresetName[] = ['x86', 'pdp10', 'lra'];

function check(isa: Isa, kind: MonitorKind, depth: number, s: ProgSpec, maxSteps = MAX_STEPS) {
  return equiv(progImage(s, isa), { isa, kind, depth, w: s.w, input: s.input, maxSteps });
}

function assertEquivalent(isa: Isa, kind: MonitorKind, depth: number, extra?: (r: ReturnType<typeof check>) => void) {
  fc.assert(
    fc.property(arbProgSpec(), fc.integer({ min: 1, max: MAX_STEPS }), (s, limit) => {
      for (const max of [MAX_STEPS, limit]) {
        const r = check(isa, kind, depth, s, max);
        if (!r.equivalent) throw new Error(`${isa.name} ${kind} depth ${depth}: diverged on ${JSON.stringify(r.divergence)} at limit ${max}\n${progSource(s)}`);
        expect(r.virtual.steps).toBe(r.native.steps);
        extra?.(r);
      }
    }),
    { numRuns: RUNS },
  );
}

/** The full monitor is not a VMM on these ISAs: the generator finds a program it gets wrong. */
function fullDiverges(isa: Isa): boolean {
  return fc.sample(arbProgSpec(), { numRuns: 150, seed: 11 }).some((s) => !check(isa, 'full', 1, s).equivalent);
}

describe('hardware assist: --vmm assist in guest mode', () => {
  for (const preset of ['pg1', ...FAILING] as PresetName[]) {
    const isa = withAssist(presetIsa(preset));
    for (const depth of [1, 2]) {
      it(`${preset} with assist, depth ${depth}: equivalent to bare`, () =>
        assertEquivalent(isa, 'assist', depth, (r) => {
          const st = r.virtual.stats;
          expect(st.direct + st.trapped + st.interpreted).toBe(r.virtual.steps);
          expect(st.exits).toBeLessThanOrEqual(st.trapped);
        }));
    }
  }
  for (const preset of FAILING) {
    it(`${preset} with assist: the full monitor (no guest mode) is not equivalent`, () => {
      expect(fullDiverges(withAssist(presetIsa(preset)))).toBe(true);
    });
  }
  it('assist ISAs behave as their base outside guest mode: a bare run is the same', () => {
    fc.assert(
      fc.property(arbProgSpec(), fc.constantFrom<PresetName>('pg1', 'x86', 'pdp10', 'lra'), (s, preset) => {
        const plain = presetIsa(preset);
        const a = check(plain, 'full', 1, s).native;
        const b = check(withAssist(plain), 'full', 1, s).native;
        expect(b.console).toBe(a.console);
        expect(b.regs).toEqual(a.regs);
        expect(b.steps).toBe(a.steps);
      }),
      { numRuns: 20 },
    );
  });
  it('the assist monitor refuses an ISA without guest mode', () => {
    const s = fc.sample(arbProgSpec(), { numRuns: 1, seed: 1 })[0];
    expect(() => check(presetIsa('x86'), 'assist', 1, s)).toThrow(/hardware assist/);
  });
});
