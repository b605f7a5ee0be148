/**
 * The monitors written in PG/1 (monitors/full.s, monitors/hybrid.s; PG1.md §8.1) on random kernel + user
 * programs (testgen.ts, with hot loops): equivalent to the bare machine where the theorems hold, at depths 1–3,
 * and agreeing with the built-in TypeScript monitors of the same kind, program by program: the same guest
 * result on pg1, the same verdict on the presets where the theorems fail. PGLAB_PROPERTY_RUNS raises the number
 * of programs per property.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { presetIsa, type PresetName } from '../isa/isa';
import { reportingKernel } from '../../testing/kernels';
import { arbProgSpec, progImage, progSource, propertyRuns, type ProgSpec } from '../../testing/testgen';
import { compareStates, type Divergence } from './equiv';
import { runBare, runVirtual, type RunResult } from './stack';
import { assemble } from '../asm/assembler';
import { equivTower, loadMonitor, Tower, towerSize, type MonitorImage, type TowerResult } from './tower';
import type { PaperKind as MonitorKind } from './kinds';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const source = (name: string): string | null => {
  const p = path.join(root, 'monitors', name);
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
};
const SOURCES: Record<MonitorKind, string | null> = { full: source('full.s'), hybrid: source('hybrid.s') };

const RUNS = propertyRuns(20);
/** Guest steps for the bare run (as in equiv.test.ts); programs that do not halt in them are skipped. */
const MAX_STEPS = 4000;
/** Real steps for the tower: every level's instructions count, so far more (hybrid.s at depth 3 interprets
 * an interpreter interpreting an interpreter: about 12,000 real steps per guest step in supervisor mode). */
const REAL_STEPS = 4_000_000;
const realSteps = (depth: number) => (depth >= 3 ? 40_000_000 : REAL_STEPS);

const monitors = new Map<string, MonitorImage>();
function monitorFor(kind: MonitorKind, preset: PresetName): MonitorImage {
  const key = `${kind}/${preset}`;
  let m = monitors.get(key);
  if (!m) {
    const r = loadMonitor(SOURCES[kind]!, presetIsa(preset), `${kind}.s`);
    if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
    m = r.monitor;
    monitors.set(key, m);
  }
  return m;
}

interface Outcome {
  bare: RunResult;
  tower: TowerResult;
  divergence: Divergence | null;
}

/** Bare (q = w) and the PG/1 tower; null when the program does not halt on the bare machine. */
function run(kind: MonitorKind, preset: PresetName, depth: number, s: ProgSpec): Outcome | null {
  const isa = presetIsa(preset);
  const img = progImage(s, isa);
  const bare = runBare(img, { isa, q: s.w, input: s.input, maxSteps: MAX_STEPS });
  if (bare.status !== 'halted') return null;
  const mon = monitorFor(kind, preset);
  const size = towerSize(mon.guest, depth, s.w);
  if (!size.ok) throw new Error(size.message);
  const t = new Tower(mon, depth, s.w, img, { isa, input: s.input, jit: true, q: size.q });
  t.run(realSteps(depth));
  const tower = t.result();
  return { bare, tower, divergence: compareStates(bare, tower) };
}

function assertEquivalent(kind: MonitorKind, preset: PresetName, depth: number) {
  let halted = 0;
  fc.assert(
    fc.property(arbProgSpec(), (s) => {
      const o = run(kind, preset, depth, s);
      if (!o) return;
      halted++;
      if (o.divergence) throw new Error(`${kind}.s diverged on ${JSON.stringify(o.divergence)}\n${progSource(s)}`);
      const st = o.tower.stats;
      expect(st.levels.length).toBe(depth);
      expect(st.levels.reduce((a, l) => a + l.instructions, st.guest.instructions)).toBe(st.real.steps);
    }),
    { numRuns: RUNS },
  );
  expect(halted).toBeGreaterThan(0);
}

/** Program by program: the built-in monitor of the same kind and the PG/1 one give the same verdict. */
function assertSameVerdicts(kind: MonitorKind, preset: PresetName, depth: number, seed: number): { diverged: number; compared: number } {
  const isa = presetIsa(preset);
  let diverged = 0;
  let compared = 0;
  for (const s of fc.sample(arbProgSpec(), { numRuns: RUNS * 2, seed })) {
    const o = run(kind, preset, depth, s);
    if (!o) continue;
    const builtIn = runVirtual(progImage(s, isa), { isa, kind, depth, w: s.w, input: s.input, maxSteps: MAX_STEPS });
    const builtInEquivalent = compareStates(o.bare, builtIn) === null;
    if (builtInEquivalent !== (o.divergence === null)) {
      throw new Error(
        `${preset}: built-in ${kind} says ${builtInEquivalent ? 'equivalent' : 'not'}, ${kind}.s says ${o.divergence ? `not (${JSON.stringify(o.divergence)})` : 'equivalent'}\n${progSource(s)}`,
      );
    }
    compared++;
    if (o.divergence) diverged++;
  }
  expect(compared).toBeGreaterThan(0);
  return { diverged, compared };
}

describe('monitors/full.s (Theorem 1 in PG/1)', () => {
  for (const depth of [1, 2, 3]) it(`pg1, depth ${depth}: equivalent to the bare machine`, () => assertEquivalent('full', 'pg1', depth));

  it('pg1: the built-in full monitor and full.s give the guest the same result on every program', () => {
    const isa = presetIsa('pg1');
    for (const s of fc.sample(arbProgSpec(), { numRuns: RUNS, seed: 11 })) {
      const o = run('full', 'pg1', 1, s);
      if (!o) continue;
      const builtIn = runVirtual(progImage(s, isa), { isa, kind: 'full', depth: 1, w: s.w, input: s.input, maxSteps: MAX_STEPS });
      expect(compareStates(builtIn, o.tower)).toBe(null);
    }
  });

  for (const preset of ['x86', 'pdp10'] as const) {
    it(`${preset}, depth 1: the same divergences as the built-in full monitor`, () => {
      const { diverged, compared } = assertSameVerdicts('full', preset, 1, 5);
      console.info(`${preset} full.s: ${diverged} of ${compared} halting programs diverge, as under the built-in full monitor`);
    });
  }
});

/** A user process whose window has a negative base: no real window expresses it, full.s emulates it. */
const NEGATIVE_BASE = reportingKernel(
  `  LI r5, 3
  LI r6, 0
loop:
  ADD r6, r5
  ADDI r5, -1
  JNZ r5, 102+4
  JAL r7, 110
  .word 0
  .word 0
  .word 0
  LD r8, [r0+10]
  ST r6, [r0+200]
  LD r9, [r0+200]
  ST r6, [r0+2]
  LD r9, [r0+400]
  LD r9, [r0-1]
  DIV r6, r0
  GETMODE r10
  GETR r11, r12
  SVC 5
  .word 0xFF000000
  LI r13, fin+4
  JR r13
  SVC 3
fin:`,
  { pc: 104, window: '-4, 300', org: 100 },
);

/**
 * Runs the tower at depth 1 one real step at a time and returns the real accesses made in real user mode outside
 * [guest, guest + W), from the moment the guest first runs (before that, at boot, full.s runs its probes in
 * user mode in one-word windows of its own), and how many steps ran in a one-word window (the emulator's). At
 * depth 1 the monitor itself runs in supervisor mode, so every user-mode step after boot is the guest's.
 */
function userAccesses(t: Tower): { outside: number[]; oneWord: number } {
  const m = t.real;
  const lo = t.guestBase;
  const hi = lo + t.w;
  const outside: number[] = [];
  let user = false;
  let started = false;
  let oneWord = 0;
  m.onAccess = (kind, pa) => {
    if (user && kind !== 3 && (pa < lo || pa >= hi)) outside.push(pa);
  };
  while (m.status !== 'halted' && m.steps < REAL_STEPS) {
    started ||= m.mode === 1 && m.l >= lo;
    user = started && m.mode === 1;
    if (user && m.b === 1) oneWord++;
    m.run(1);
  }
  m.onAccess = null;
  return { outside, oneWord };
}

describe('monitors/full.s: a virtual R with a negative base (the emulator)', () => {
  const cases: Array<[PresetName, number]> = [['pg1', 1], ['pg1', 2], ['pg1', 3], ['x86', 1], ['pdp10', 1]];
  for (const [preset, depth] of cases) {
    it(`${preset}, depth ${depth}: equivalent to the bare machine (open GETMODE/GETR on x86 see the virtual R)`, () => {
      const isa = presetIsa(preset);
      const img = assemble(NEGATIVE_BASE, isa).image;
      const bare = runBare(img, { isa, q: 1024, maxSteps: MAX_STEPS });
      expect(bare.status).toBe('halted');
      const mon = monitorFor('full', preset);
      const t = new Tower(mon, depth, 1024, img, { isa, input: '', jit: true, q: 1024 + depth * mon.guest });
      t.run(REAL_STEPS);
      expect(compareStates(bare, t.result())).toBe(null);
    });
  }

  it('the guest never touches a word outside its allocation (every real user-mode access, step by step)', () => {
    const isa = presetIsa('pg1');
    const mon = monitorFor('full', 'pg1');
    const img = assemble(NEGATIVE_BASE, isa).image;
    const t = new Tower(mon, 1, 1024, img, { isa, input: '', jit: false, q: 1024 + mon.guest });
    const r = userAccesses(t);
    expect(t.real.status).toBe('halted');
    expect(r.outside).toEqual([]);
    expect(r.oneWord).toBeGreaterThan(0);
    // The same on generated programs, whose kernels also set negative bases and bounds past memory.
    for (const s of fc.sample(arbProgSpec(), { numRuns: RUNS, seed: 23 })) {
      const g = new Tower(mon, 1, s.w, progImage(s, isa), { isa, input: s.input, jit: false, q: s.w + mon.guest });
      expect(userAccesses(g).outside).toEqual([]);
    }
  });
});

/** Directed corner cases of the interpreters and the emulator (each program says what it exercises). */
const CORNERS = [
  `; supervisor corner cases: LPSW across the end, LRA out of bounds, GETR ra=rb, GETMODE r0, IN r0, OUT port 2
start:
  LI r1, h
  ST r1, [9]
  LI r1, 1024
  ST r1, [11]
  GETR r2, r2
  OUT r2, 1
  GETMODE r0
  IN r0, 0
  IN r3, 0
  OUT r3, 0
  OUT r3, 2
  LI r4, 7
  LRA r5, [r4+1000]
  OUT r5, 1
  LRA r5, [r4+1017]
  OUT r5, 1
  LPSW [r0+1022]
h:
  LD r6, [4]
  OUT r6, 1
  LD r6, [5]
  OUT r6, 1
  LD r7, [count]
  ADDI r7, 1
  ST r7, [count]
  LI r8, 3
  JLT r7, r8, again
  HALT
again:
  LD r9, [1]
  ADDI r9, 1
  ST r9, [1]
  LPSW [r0+0]
count: .word 0
`,
  `; supervisor with a negative base (the emulator in virtual supervisor mode), then a base past memory
start:
  LI r1, h
  ST r1, [9]
  LI r1, 1024
  ST r1, [11]
  LI r1, -3
  LI r2, 500
  SETR r1, r2        ; now virtual a -> physical a - 3; next fetch at P = (here+1), physical here-2
  .word 0
  .word 0
  .word 0
  ; the following run at virtual P + 3 of their physical address
  GETR r3, r4
  OUT r3, 1
  LI r5, ' '
  OUT r5, 0
  GETMODE r6
  OUT r6, 1
  LD r7, [r0+2]      ; virtual 2 -> physical -1: memory trap
  LD r7, [r0+20]
  OUT r7, 1
  LI r8, 2000
  LI r9, 10
  SETR r8, r9        ; base past memory: empty window, the next fetch traps
  HALT
h:
  LD r10, [4]
  OUT r10, 1
  LD r10, [5]
  OUT r10, 1
  LD r11, [count]
  ADDI r11, 1
  ST r11, [count]
  LI r12, 4
  JLT r11, r12, again
  HALT
again:
  LD r13, [1]
  ADDI r13, 1
  ST r13, [1]
  LPSW [r0+0]
count: .word 0
`,
  `; HALT under a negative base, in supervisor mode, after emulated jumps and a JAL
start:
  LI r1, -1
  LI r2, 300
  SETR r1, r2
  NOP
  LI r3, 5
  JAL r4, 25
  HALT
  .word 0
  ADDI r3, -1
  JNZ r3, 25
  MOV r5, r4
  JR r4
`,
];

describe('monitors/full.s on examples/*.s, pg1', () => {
  const dir = path.join(root, 'examples');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.s'))) {
    it(`${name}: equivalent at depths 1, 2 and 3`, () => {
      const isa = presetIsa('pg1');
      const img = assemble(readFileSync(path.join(dir, name), 'utf8'), isa).image;
      for (const depth of [1, 2, 3]) {
        const e = equivTower(SOURCES.full!, img, { isa, depth });
        expect(e.ok && e.equiv.divergence, `depth ${depth}`).toBe(null);
      }
    });
  }
});

describe('monitors/full.s: directed corner cases', () => {
  CORNERS.forEach((src, i) => {
    for (const depth of [1, 2]) {
      it(`${src.split('\n')[0].slice(2)} (depth ${depth})`, () => {
        const isa = presetIsa('pg1');
        const img = assemble(src, isa).image;
        const bare = runBare(img, { isa, q: 1024, input: 'xy', maxSteps: MAX_STEPS });
        expect(bare.status).toBe('halted');
        const mon = monitorFor('full', 'pg1');
        const t = new Tower(mon, depth, 1024, img, { isa, input: 'xy', jit: true, q: 1024 + depth * mon.guest });
        t.run(REAL_STEPS);
        expect(compareStates(bare, t.result()), `program ${i}`).toBe(null);
      });
    }
  });
});

describe.skipIf(SOURCES.hybrid === null)('monitors/hybrid.s (Theorem 3 in PG/1)', () => {
  for (const depth of [1, 2, 3]) it(`pg1, depth ${depth}: equivalent to the bare machine`, () => assertEquivalent('hybrid', 'pg1', depth));
  for (const depth of [1, 2]) it(`pdp10, depth ${depth}: equivalent to the bare machine`, () => assertEquivalent('hybrid', 'pdp10', depth));
  for (const preset of ['pg1', 'pdp10'] as const) {
    it(`${preset}: the same verdicts as the built-in hybrid monitor`, () => {
      assertSameVerdicts('hybrid', preset, 1, 9);
    });
  }
});
