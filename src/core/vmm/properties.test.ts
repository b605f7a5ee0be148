/**
 * The three properties of a VMM as properties.ts reports them, and the lockstep's per-step account of how the
 * monitor made Theorem 1's diagram commute (StepCase), checked against the stack's own statistics.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../asm/assembler';
import { makeIsa, presetIsa, type Isa, type PresetName } from '../isa/isa';
import type { Image } from '../machine/machine';
import { arbProgSpec, progImage, propertyRuns } from '../../testing/testgen';
import { Lockstep, equiv, type StepCase } from './equiv';
import { VirtualStack, runBare, runVirtual } from './stack';
import { endEquivalence, equivalenceAt, lockstepEquivalence, runProperties, stackProperties } from './properties';
import type { MonitorKind } from './monitor';

const RUNS = propertyRuns(40);

function img(src: string, isa: Isa): Image {
  const r = assemble(src, isa);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.image;
}

/** A kernel: four innocuous instructions, LPSW to a user process that runs a NOP and an SVC, whose handler HALTs. */
const KERNEL = `start: LI r1, handler
 ST r1, [9]
 LI r1, 1024
 ST r1, [11]
 LPSW [upsw]
handler: HALT
upsw: .word 1, 0, 200, 16
.org 200
 NOP
 SVC 1
`;

function stack(src: string, isa: Isa, kind: MonitorKind, depth = 1) {
  const s = new VirtualStack({ isa, kind, depth, w: 1024 });
  const image = img(src, isa);
  s.boot(image);
  return { s, image };
}

describe('efficiency', () => {
  it('names the instructions that were not run directly: under the full monitor LPSW, SVC and HALT trapped', () => {
    const pg1 = presetIsa('pg1');
    const { s } = stack(KERNEL, pg1, 'full');
    s.run(100);
    const e = stackProperties(s).efficiency;
    expect(e).toMatchObject({ steps: 8, direct: 5, trapped: 3, interpreted: 0, ratio: 5 / 8 });
    expect(e.trappedBy).toEqual([
      { instruction: 'HALT', count: 1 },
      { instruction: 'LPSW', count: 1 },
      { instruction: 'SVC', count: 1 },
    ]);
  });

  it('under the hybrid monitor the kernel is interpreted, the user part runs directly', () => {
    const pg1 = presetIsa('pg1');
    const { s } = stack(KERNEL, pg1, 'hybrid');
    s.run(100);
    const e = stackProperties(s).efficiency;
    // Steps 1-5 interpreted (virtual supervisor mode), NOP direct, SVC trapped, HALT interpreted.
    expect(e).toMatchObject({ steps: 8, direct: 1, trapped: 1, interpreted: 6 });
    expect(e.trappedBy).toEqual([{ instruction: 'SVC', count: 1 }]);
  });

  it('the counts add up on random programs, at depths 1-2, after time travel too', () => {
    fc.assert(
      fc.property(arbProgSpec(), fc.constantFrom<MonitorKind>('full', 'hybrid'), fc.integer({ min: 1, max: 2 }), (spec, kind, depth) => {
        const isa = presetIsa('pg1');
        const s = new VirtualStack({ isa, kind, depth, w: spec.w, input: spec.input });
        s.boot(progImage(spec, isa));
        s.run(500);
        const mid = s.snapshot();
        const e1 = stackProperties(s).efficiency;
        s.run(3000);
        const e = stackProperties(s).efficiency;
        expect(e.direct + e.trapped + e.interpreted).toBe(e.steps);
        expect(e.trappedBy.reduce((a, x) => a + x.count, 0)).toBe(e.trapped);
        s.restore(mid);
        expect(stackProperties(s).efficiency).toEqual(e1);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('resource control', () => {
  it('is kept on pg1 and broken with SETR open: the guest stores to real address 12 at step 6', () => {
    const { s } = stack(KERNEL, presetIsa('pg1'), 'full');
    s.run(100);
    expect(stackProperties(s).resourceControl).toEqual({ kept: true, breach: null });
    const setr = makeIsa({ name: 'setr-open', variants: { SETR: 'open' } });
    const escape = `start: LI r1, 0\n LI r2, 1000\n LI r3, 77\n JMP go\n.org 100\n ST r3, [r0+12]\n HALT\n.org 115\ngo: SETR r1, r2\n ST r3, [r0+12]\n HALT\n`;
    const r = runVirtual(img(escape, setr), { isa: setr, kind: 'full', w: 1024 });
    const p = runProperties(r, setr, endEquivalence(runBare(img(escape, setr), { isa: setr, q: 1024 }), r));
    expect(p.resourceControl).toEqual({ kept: false, breach: { kind: 'access', step: 6, access: 'store', address: 12, level: 1 } });
  });
});

describe('equivalence', () => {
  it('is "not checked" until asked; at a step and at the end it compares with the bare machine under f', () => {
    const pg1 = presetIsa('pg1');
    const { s, image } = stack(KERNEL, pg1, 'full');
    expect(stackProperties(s).equivalence).toMatchObject({ checked: false, equivalent: null });
    s.run(6);
    expect(equivalenceAt(s, image)).toMatchObject({ checked: true, equivalent: true, divergence: null });
    s.run(100);
    expect(equivalenceAt(s, image)).toMatchObject({ checked: true, equivalent: true });
  });

  it('finds the divergence of x86 GETR in virtual supervisor mode, the same as equiv', () => {
    const x86 = presetIsa('x86');
    const src = 'start: GETR r1, r2\n HALT\n';
    const { s, image } = stack(src, x86, 'full');
    s.run(1);
    // Bare, l = 0; in the VM the real R is read: l = the guest's real base (16).
    expect(equivalenceAt(s, image)).toMatchObject({ equivalent: false, divergence: { field: 'regs[1]', native: 0, virtual: 16 } });
    const r = equiv(image, { isa: x86, w: 1024 });
    expect(endEquivalence(r.native, r.virtual)).toMatchObject({ equivalent: false, divergence: { field: 'regs[1]' } });
    const ls = new Lockstep(image, { isa: x86, w: 1024 });
    expect(lockstepEquivalence(ls)).toMatchObject({ checked: false });
    ls.step(10);
    expect(lockstepEquivalence(ls)).toMatchObject({ equivalent: false, divergence: { field: 'regs[1]', step: 1 } });
  });

  it('agrees with equiv at the end on random programs (pg1, x86, pdp10)', () => {
    fc.assert(
      fc.property(arbProgSpec(), fc.constantFrom<PresetName>('pg1', 'x86', 'pdp10'), fc.constantFrom<MonitorKind>('full', 'hybrid'), (spec, preset, kind) => {
        const isa = presetIsa(preset);
        const image = progImage(spec, isa);
        const s = new VirtualStack({ isa, kind, depth: 1, w: spec.w, input: spec.input });
        s.boot(image);
        s.run(3000);
        const r = equiv(image, { isa, kind, w: spec.w, input: spec.input, maxSteps: 3000 });
        expect(equivalenceAt(s, image, spec.input).equivalent).toBe(r.equivalent);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('lockstep: how each step made the diagram commute', () => {
  it('the kernel under the full monitor: direct steps commute by themselves; LPSW and HALT interpreted, SVC reflected', () => {
    const pg1 = presetIsa('pg1');
    const ls = new Lockstep(img(KERNEL, pg1), { isa: pg1, w: 1024, trace: 100 });
    ls.step(100);
    expect(ls.divergence).toBeNull();
    expect(ls.trace.map((r) => `${r.instruction}:${r.how}`)).toEqual([
      'LI:direct',
      'ST:direct',
      'LI:direct',
      'ST:direct',
      'LPSW:trap-interpreted',
      'NOP:direct',
      'SVC:trap-reflected',
      'HALT:trap-interpreted',
    ]);
    // f(real state) is the VM's virtual PSW; the real processor ran the user NOP in user mode with R composed.
    const nop = ls.trace[5];
    expect(nop.virtual).toEqual(nop.bare);
    expect(nop.real).toMatchObject({ mode: 1, l: 16 + 200 });
    expect(ls.trace.every((r) => r.agrees)).toBe(true);
  });

  it('under the hybrid monitor at depth 2 the kernel is interpreted; the records keep only the latest `trace`', () => {
    const pg1 = presetIsa('pg1');
    const ls = new Lockstep(img(KERNEL, pg1), { isa: pg1, kind: 'hybrid', depth: 2, w: 1024, trace: 3 });
    ls.step(100);
    expect(ls.trace.map((r) => `${r.step}:${r.instruction}:${r.how}`)).toEqual(['6:NOP:direct', '7:SVC:trap-reflected', '8:HALT:interpreted']);
  });

  it('the cases count exactly what the statistics count, step by step (random programs, depths 1-3)', () => {
    fc.assert(
      fc.property(arbProgSpec(), fc.constantFrom<PresetName>('pg1', 'x86'), fc.constantFrom<MonitorKind>('full', 'hybrid'), fc.integer({ min: 1, max: 3 }), (spec, preset, kind, depth) => {
        const isa = presetIsa(preset);
        const ls = new Lockstep(progImage(spec, isa), { isa, kind, depth, w: spec.w, input: spec.input, trace: 1 });
        const tally: Record<StepCase, number> = { direct: 0, 'trap-interpreted': 0, 'trap-reflected': 0, interpreted: 0, none: 0 };
        for (let k = 0; k < 600 && !ls.done && !ls.divergence; k++) {
          ls.step(1);
          tally[ls.last!.how]++;
        }
        const st = ls.stack.stats();
        expect(tally.direct).toBe(st.direct);
        expect(tally['trap-interpreted'] + tally['trap-reflected']).toBe(st.trapped);
        expect(tally.interpreted).toBe(st.interpreted);
        expect(tally.none).toBe(0);
        // The innermost monitor's own counts: every trapped step is interpreted there or reflected into the VM.
        if (depth === 1) expect(tally['trap-interpreted']).toBe(st.levels[0].interpreted - tally.interpreted);
      }),
      { numRuns: RUNS },
    );
  });
});
