/**
 * Resource control is checked, not assumed (PG1.md §8): a run under a monitor reports the first real access by
 * guest code outside the guest's allocation and the first time guest code puts the real processor in supervisor
 * mode. Under pg1 (Theorem 1 holds) that never happens; with SETR open it does, and the report is checked
 * against an independent trace of every real access.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../asm/assembler';
import { makeIsa, presetIsa, type Isa } from '../isa/isa';
import { parseIsaFile } from '../isa/isafile';
import type { Image } from '../machine/machine';
import { VirtualStack, runVirtual } from './stack';
import { ESCAPE } from '../../testing/kernels';
import { arbProgSpec, progImage, propertyRuns } from '../../testing/testgen';
import type { MonitorKind } from './monitor';

const SETR_OPEN = makeIsa({ name: 'setr-open', variants: { SETR: 'open' } });
const RUNS = propertyRuns(60);

function img(src: string, isa: Isa): Image {
  const r = assemble(src, isa);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.image;
}

describe('resource control (§8)', () => {
  it('SETR open: the guest stores to real address 12, in the monitor area, at step 6 (depth 1)', () => {
    const r = runVirtual(img(ESCAPE, SETR_OPEN), { isa: SETR_OPEN, kind: 'full', depth: 1, w: 1024 });
    expect(r.status).toBe('halted');
    expect(r.resourceControl).toEqual({ kind: 'access', step: 6, access: 'store', address: 12, level: 1 });
  });

  it('SETR open at depth 2: the escaped guest runs 16 words of zeros (NOP) of its own memory, then stores to 12', () => {
    const r = runVirtual(img(ESCAPE, SETR_OPEN), { isa: SETR_OPEN, kind: 'full', depth: 2, w: 1024 });
    expect(r.resourceControl).toEqual({ kind: 'access', step: 22, access: 'store', address: 12, level: 1 });
  });

  it('a fetch outside the allocation is reported, with the level of the monitor whose memory it is', () => {
    // l = 20 below the guest's real base at depth 2 (32): the next fetch is in monitor 2's area (real 16..31).
    const src = `start: LI r1, -12\n LI r2, 1000\n SETR r1, r2\n HALT\n`;
    const r = runVirtual(img(src, SETR_OPEN), { isa: SETR_OPEN, kind: 'full', depth: 2, w: 1024, maxSteps: 100 });
    // SETR is at 18: the next fetch is 19 - 12 = 7 under the real R, i.e. real 7: monitor 1's area.
    expect(r.resourceControl).toEqual({ kind: 'access', step: 4, access: 'fetch', address: 7, level: 1 });
    const s2 = `start: LI r1, 2\n LI r2, 1000\n SETR r1, r2\n HALT\n`;
    const r2 = runVirtual(img(s2, SETR_OPEN), { isa: SETR_OPEN, kind: 'full', depth: 2, w: 1024, maxSteps: 100 });
    // Real 19 + 2 = 21: inside VM 1 (real 16..), outside the guest (real 32..): monitor 2's memory.
    expect(r2.resourceControl).toEqual({ kind: 'access', step: 4, access: 'fetch', address: 21, level: 2 });
  });

  it('an unprivileged instruction that sets M = s puts the real processor in supervisor mode: reported', () => {
    const parsed = parseIsaFile(
      JSON.stringify({ name: 'sup', base: 'pg1', instructions: [{ mnemonic: 'SUPER', opcode: 48, operands: '', privileged: false, effect: 'M = S;' }] }),
    );
    if (!parsed.ok) throw new Error('bad ISA file');
    const isa = parsed.isa;
    const src = `start: LI r1, handler\n ST r1, [9]\n LI r1, 1024\n ST r1, [11]\n LPSW [upsw]\nhandler: HALT\nupsw: .word 1, 0, 200, 16\n.org 200\n NOP\n SUPER\n SVC 1\n`;
    for (const kind of ['full', 'hybrid'] as MonitorKind[]) {
      const r = runVirtual(img(src, isa), { isa, kind, depth: 1, w: 1024 });
      expect(r.resourceControl).toEqual({ kind: 'supervisor', step: 7, access: null, address: 16 + 202, level: 1 });
    }
  });

  it('snapshot and restore carry the report; boot clears it', () => {
    const s = new VirtualStack({ isa: SETR_OPEN, kind: 'full', depth: 1, w: 1024 });
    const image = img(ESCAPE, SETR_OPEN);
    s.boot(image);
    s.run(3);
    const early = s.snapshot();
    s.run(100);
    expect(s.resourceControl?.address).toBe(12);
    const late = s.snapshot();
    s.restore(early);
    expect(s.resourceControl).toBeNull();
    s.restore(late);
    expect(s.resourceControl?.step).toBe(6);
    s.boot(image);
    expect(s.resourceControl).toBeNull();
  });

  it('pg1 runs never report anything (random kernel + user programs, full and hybrid, depths 1-3)', () => {
    fc.assert(
      fc.property(arbProgSpec(), fc.constantFrom<MonitorKind>('full', 'hybrid'), fc.integer({ min: 1, max: 3 }), (spec, kind, depth) => {
        const isa = presetIsa('pg1');
        const r = runVirtual(progImage(spec, isa), { isa, kind, depth, w: spec.w, input: spec.input, maxSteps: 4000 });
        expect(r.resourceControl).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });

  it('SETR open: the report is exactly the first access outside the allocation that a full trace sees', () => {
    let reported = 0;
    fc.assert(
      fc.property(arbProgSpec({ privWeight: 4 }), fc.constantFrom<MonitorKind>('full', 'hybrid'), fc.integer({ min: 1, max: 2 }), (spec, kind, depth) => {
        const s = new VirtualStack({ isa: SETR_OPEN, kind, depth, w: spec.w, input: spec.input });
        s.boot(progImage(spec, SETR_OPEN));
        const ranges = s.levels().map((l) => [l.realBase, l.realBase + l.size]);
        let first: { access: string; address: number; level: number } | null = null;
        s.real.onAccess = (k, pa) => {
          if (k === 3 || first) return;
          const level = ranges.findIndex(([lo, hi]) => pa < lo || pa >= hi) + 1;
          if (level > 0) first = { access: ['fetch', 'load', 'store'][k], address: pa, level };
        };
        s.run(4000);
        const got = s.resourceControl;
        const access = got && got.kind === 'access' ? { access: got.access === 'lpsw' ? 'load' : got.access!, address: got.address, level: got.level } : null;
        expect(access).toEqual(first);
        if (got) reported++;
      }),
      // Escapes are rare (a user SETR must leave its window yet land in real memory): a fixed seed keeps the
      // count of breaches above zero, so the property is never vacuous.
      { numRuns: Math.max(RUNS, 200), seed: 11 },
    );
    // The generator's user-mode SETRs do escape now and then: the property is not vacuous.
    console.info(`SETR open: ${reported} of the programs broke resource control`);
    expect(reported).toBeGreaterThan(0);
  });
});
