/**
 * Property tests of the monitors on random kernel + user programs (testgen.ts): equivalence with the bare
 * machine (§8) where the theorems hold, a divergence where they do not, and resource control.
 * PGLAB_PROPERTY_RUNS raises the number of programs per property.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { presetIsa, type PresetName } from '../isa/isa';
import { arbProgSpec, progImage, progSource, propertyRuns, type ProgSpec } from '../../testing/testgen';
import { Lockstep, equiv, equivLockstep } from './equiv';
import { assemble } from '../asm/assembler';
import { parseIsaFile } from '../isa/isafile';
import { VirtualStack, runBare } from './stack';
import { Monitor } from './monitor';
import { Machine, RunFlag } from '../machine/machine';

const RUNS = propertyRuns(150);
const MAX_STEPS = 4000;

function check(preset: PresetName, kind: 'full' | 'hybrid', depth: number, s: ProgSpec, maxSteps = MAX_STEPS) {
  const isa = presetIsa(preset);
  return equiv(progImage(s, isa), { isa, kind, depth, w: s.w, input: s.input, maxSteps });
}

function assertEquivalent(preset: PresetName, kind: 'full' | 'hybrid', depth: number) {
  fc.assert(
    fc.property(arbProgSpec(), fc.integer({ min: 1, max: MAX_STEPS }), (s, limit) => {
      // A random step limit too: a VM stopped at a limit is in the state the bare machine stops in.
      for (const max of [MAX_STEPS, limit]) {
        const r = check(preset, kind, depth, s, max);
        if (!r.equivalent) throw new Error(`diverged on ${JSON.stringify(r.divergence)} at limit ${max}\n${progSource(s)}`);
        const st = r.virtual.stats;
        expect(st.direct + st.trapped + st.interpreted).toBe(r.virtual.steps);
        expect(r.virtual.steps).toBe(r.native.steps);
      }
    }),
    { numRuns: RUNS },
  );
}

describe('equivalence where the theorems hold', () => {
  for (const depth of [1, 2, 3]) {
    it(`pg1, full monitor, depth ${depth}`, () => assertEquivalent('pg1', 'full', depth));
    it(`pg1, hybrid monitor, depth ${depth}`, () => assertEquivalent('pg1', 'hybrid', depth));
  }
  it('pdp10, hybrid monitor (Theorem 3)', () => assertEquivalent('pdp10', 'hybrid', 1));
});

describe('divergence where the theorems fail', () => {
  it('lra, hybrid monitor: LRA open in user mode gives the real address; the generator finds it', () => {
    const found = fc.sample(arbProgSpec(), { numRuns: RUNS, seed: 7 }).some((s) => !check('lra', 'hybrid', 1, s).equivalent);
    expect(found).toBe(true);
  });
  it('x86, hybrid monitor: GETR in user mode reads the real R; the generator finds it', () => {
    const specs = fc.sample(arbProgSpec(), { numRuns: RUNS, seed: 42 });
    let diverged = 0;
    let withGetr = 0;
    for (const s of specs) {
      const r = check('x86', 'hybrid', 1, s);
      const getr = s.user.some((o) => o.k === 'priv' && o.mn === 'GETR');
      if (getr) withGetr++;
      if (!r.equivalent) {
        diverged++;
        // Only a user-mode GETR can tell on x86 under the hybrid monitor.
        expect(getr).toBe(true);
      }
    }
    console.info(`x86 hybrid: ${diverged} of ${specs.length} programs diverge (${withGetr} use GETR in user mode)`);
    expect(diverged).toBeGreaterThan(0);
  });
  it('pdp10, full monitor: RETU from virtual supervisor mode does not leave it', () => {
    const found = fc.sample(arbProgSpec(), { numRuns: 40, seed: 3 }).filter((s) => !check('pdp10', 'full', 1, s).equivalent).length;
    expect(found).toBeGreaterThan(0);
  });
  it('lockstep names the instruction after which x86 diverges', () => {
    const specs = fc.sample(arbProgSpec(), { numRuns: RUNS, seed: 42 });
    const s = specs.find((x) => !check('x86', 'hybrid', 1, x).equivalent)!;
    const isa = presetIsa('x86');
    const img = progImage(s, isa);
    const r = equivLockstep(img, { isa, kind: 'hybrid', w: s.w, input: s.input, maxSteps: MAX_STEPS });
    expect(r.equivalent).toBe(false);
    // The instruction at that address is a GETR run in user mode, inside the user's window.
    const word = img.words.find(([a]) => a === r.address)![1];
    expect(isa.byOp[word >>> 24]!.mnemonic).toBe('GETR');
  });
});

describe('lockstep', () => {
  it('agrees with the end-state comparison: pg1 never differs; where the ends differ, some step does', () => {
    fc.assert(
      fc.property(arbProgSpec(), fc.constantFrom<PresetName>('pg1', 'x86', 'pdp10'), fc.constantFrom<'full' | 'hybrid'>('full', 'hybrid'), (s, preset, kind) => {
        const isa = presetIsa(preset);
        const opts = { isa, kind, w: s.w, input: s.input, maxSteps: MAX_STEPS };
        const img = progImage(s, isa);
        const end = equiv(img, opts);
        const ls = equivLockstep(img, opts);
        if (preset === 'pg1') expect(ls.equivalent).toBe(true);
        if (!end.equivalent) expect(ls.equivalent).toBe(false);
        if (!ls.equivalent) expect(ls.step).toBeLessThanOrEqual(end.native.steps);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe('resource control', () => {
  it('the real machine runs guest code only in user mode and only inside the allocation', () => {
    fc.assert(
      fc.property(arbProgSpec(), fc.constantFrom<'full' | 'hybrid'>('full', 'hybrid'), fc.integer({ min: 1, max: 3 }), (s, kind, depth) => {
        const isa = presetIsa('pg1');
        const st = new VirtualStack({ isa, kind, depth, w: s.w, input: s.input });
        st.boot(progImage(s, isa));
        const lo = st.guestRealBase;
        const hi = lo + s.w;
        const bad: string[] = [];
        st.real.onAccess = (k, pa) => {
          if (k === 3 ? pa < 0 || pa > 5 : pa < lo || pa >= hi) bad.push(`${k}@${pa}`);
        };
        const run = st.real.run.bind(st.real);
        st.real.run = (n, flags = 0) => {
          if (st.real.mode !== 1) bad.push(`run in mode ${st.real.mode}`);
          // Both exits are on, so the real machine stops the moment it leaves user mode.
          if ((flags & (RunFlag.EXIT_ON_TRAP | RunFlag.EXIT_ON_MODE)) !== 3) bad.push(`flags ${flags}`);
          return run(n, flags);
        };
        st.run(MAX_STEPS);
        expect(bad).toEqual([]);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('several VMs on one monitor each end with the memory they have alone', () => {
    fc.assert(
      fc.property(fc.array(arbProgSpec(), { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 50 }), fc.constantFrom<'full' | 'hybrid'>('full', 'hybrid'), (specs, quantum, kind) => {
        const isa = presetIsa('pg1');
        const w = specs[0].w;
        const real = new Machine({ q: 16 + w * specs.length, isa });
        real.boot();
        const mon = new Monitor(real, kind);
        const vms = specs.map((s) => mon.allocate(w, s.input));
        vms.forEach((vm, i) => vm.boot(progImage(specs[i], isa)));
        const bad: string[] = [];
        // Every fetch, load and store while a VM runs stays inside that VM's own allocation.
        real.onAccess = (k, pa) => {
          const vm = mon.current!;
          if (k !== 3 && (pa < vm.base || pa >= vm.base + vm.q)) bad.push(`${k}@${pa} while VM ${vms.indexOf(vm)} runs`);
        };
        mon.runRoundRobin(quantum, MAX_STEPS);
        specs.forEach((s, i) => {
          const alone = runBare(progImage(s, isa), { isa, q: w, input: s.input, maxSteps: MAX_STEPS });
          expect(Array.from(vms[i].mem)).toEqual(Array.from(alone.mem));
          expect(vms[i].console).toBe(alone.console);
          expect(vms[i].status === 'halted').toBe(alone.status === 'halted');
        });
        expect(bad).toEqual([]);
        expect(real.console).toBe('');
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  });
});

describe('lockstep and instructions an ISA file defines', () => {
  it('pins a memory write made by an effect (not seen by onAccess) to its own step, for the CLI and the UI alike', () => {
    // MSTM stores the mode into memory without trapping: bare it stores 0; in the VM, where the guest's
    // supervisor code runs in real user mode, 1. Registers and PSW stay equal, so only memory tells.
    const file = parseIsaFile('{"name":"mstm","base":"pg1","instructions":[{"mnemonic":"MSTM","opcode":48,"operands":"[rb+imm]","privileged":false,"effect":"mem[rb + imm] = M;"}]}');
    if (!file.ok) throw new Error(JSON.stringify(file.errors));
    const asm = assemble('start:\n  .zero 100\n  MSTM [500]\n  .zero 100\n  HALT\n', file.isa);
    expect(asm.errors).toEqual([]);
    const at = asm.addrOfLine.get(3); // MSTM
    const r = equivLockstep(asm.image, { isa: file.isa, w: 16384 });
    expect(r).toMatchObject({ equivalent: false, step: 101, pc: at, address: at, divergence: { field: 'mem[500]', native: 0, virtual: 1 } });
    // Stepped in small slices as the Equivalence view does, the same step.
    const ls = new Lockstep(asm.image, { isa: file.isa, w: 16384 });
    while (!ls.divergence && !ls.done) ls.step(7);
    expect(ls.divergence).toMatchObject({ step: 101, field: 'mem[500]', nativeAddr: at, virtualAddr: at });
  });
});
