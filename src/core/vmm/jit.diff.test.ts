/**
 * Region compilation (machine/blocks.ts) must be invisible, under the monitors as on the bare machine: every
 * run ends in the same state with the real machine's compiler on and off. Generated kernel + user programs
 * (testing/testgen.ts: SVCs, memory traps, privileged and illegal instructions, the timer, hot loops and code
 * that stores into itself) and the bench's workloads (bench/workloads/*.s, shortened) run bare, under the
 * built-in monitors (full with virtual and real time, hybrid, bt; depths 1–2) and under the PG/1 tower of
 * monitors/full.s, each time twice, split into the same random slices; after every slice the whole state is
 * compared: real memory (monitor areas and trap frames included), registers, PSWs, step counts, the real clock,
 * trap counts, each level's statistics and virtual processor, the guest's console and the resource report.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../asm/assembler';
import { presetIsa } from '../isa/isa';
import { Machine, type Image } from '../machine/machine';
import { ConsoleDevices } from '../machine/devices';
import { arbProgSpec, progImage, progSource, propertyRuns } from '../../testing/testgen';
import { VirtualStack } from './stack';
import { loadMonitor, Tower, towerSize } from './tower';
import type { MonitorKind, TimeMode } from './monitor';

const PG1 = presetIsa('pg1');
const RUNS = propertyRuns(25);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Config {
  kind: MonitorKind | 'bare';
  depth: number;
  time: TimeMode;
}
const CONFIGS: Config[] = [
  { kind: 'bare', depth: 0, time: 'virtual' },
  { kind: 'full', depth: 1, time: 'virtual' },
  { kind: 'full', depth: 2, time: 'virtual' },
  { kind: 'full', depth: 1, time: 'real' },
  { kind: 'hybrid', depth: 1, time: 'virtual' },
  { kind: 'hybrid', depth: 2, time: 'virtual' },
  { kind: 'bt', depth: 1, time: 'virtual' },
  { kind: 'bt', depth: 2, time: 'virtual' },
];

/** Something that runs in slices and shows its whole state. */
interface Runner {
  run(n: number): void;
  done(): boolean;
  state(): unknown;
}

/** A memory's words as a short digest (FNV-1a): comparing 16K words with toEqual after every slice is slow. */
function digest(E: Int32Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < E.length; i++) if (E[i] !== 0) h = Math.imul(Math.imul(h ^ i, 0x01000193) ^ E[i], 0x01000193);
  return `${E.length}:${(h >>> 0).toString(16)}`;
}

function machineState(m: Machine) {
  return { mem: digest(m.mem), regs: m.regs.slice(), psw: m.psw, steps: m.steps, monitorTime: m.monitorTime, traps: m.trapCounts.slice(), status: m.status, console: m.console };
}

function runner(c: Config, img: Image, w: number, input: string, jit: boolean): Runner {
  if (c.kind === 'bare') {
    const m = new Machine({ q: w, isa: PG1, jit, dev: new ConsoleDevices(input) });
    m.boot(img);
    return { run: (n) => void m.run(n), done: () => m.status === 'halted', state: () => machineState(m) };
  }
  const s = new VirtualStack({ isa: PG1, kind: c.kind, depth: c.depth, w, input, jit, time: c.time });
  s.boot(img);
  return {
    run: (n) => void s.run(n),
    done: () => s.status === 'halted',
    state: () => ({
      real: machineState(s.real),
      result: { ...s.result(), mem: digest(s.guest.mem) },
      levels: s.levels(),
      monitors: s.monitors.map((m) => m.snapshot()),
      clock: s.clock.steps,
    }),
  };
}

/** Runs both machines in the same slices, comparing after each; returns whether the program halted. */
function agree(make: (jit: boolean) => Runner, slices: readonly number[], total: number, what: () => string): boolean {
  const on = make(true);
  const off = make(false);
  let ran = 0;
  for (let k = 0; ran < total && !off.done(); k++) {
    const n = slices[k % slices.length];
    on.run(n);
    off.run(n);
    ran += n;
    const a = on.state();
    const b = off.state();
    try {
      expect(a).toEqual(b);
    } catch (e) {
      throw new Error(`compilation on and off differ after ${ran} steps: ${what()}\n${(e as Error).message.slice(0, 1500)}`, { cause: e });
    }
  }
  return off.done();
}

const slicesArb = fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 5 });
/** A counterexample is reported as found: shrinking one re-runs whole towers thousands of times. */
const PARAMS = { numRuns: RUNS, endOnFailure: true };

describe('compilation on and off under the monitors', () => {
  for (const c of CONFIGS) {
    const name = c.kind === 'bare' ? 'bare' : `${c.kind}, depth ${c.depth}${c.time === 'real' ? ', real time' : ''}`;
    it(`${name}: generated trap-heavy and self-modifying programs end alike, slice by slice`, () => {
      let halted = 0;
      fc.assert(
        fc.property(arbProgSpec({ w: 512, privWeight: 3, rounds: 40 }), slicesArb, (s, slices) => {
          const img = progImage(s, PG1);
          if (agree((jit) => runner(c, img, s.w, s.input, jit), slices, 20_000, () => `${name}\n${progSource(s)}`)) halted++;
        }),
        PARAMS,
      );
      expect(halted).toBeGreaterThan(0);
    });
  }
});

/** A bench workload with `size` iterations (the word labelled size). */
function workload(name: string, size: number): Image {
  const r = assemble(readFileSync(path.join(root, 'bench/workloads', `${name}.s`), 'utf8'), PG1);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  const at = r.symbols.get('size')!;
  return { entry: r.image.entry, words: r.image.words.map(([a, w]) => [a, a === at ? size : w] as const) };
}

describe('compilation on and off on the bench workloads', () => {
  for (const name of ['tight', 'memory', 'sort', 'branches', 'svc', 'smc', 'kernel']) {
    it(`${name}: bare and under every monitor`, () => {
      const img = workload(name, 200);
      for (const c of CONFIGS) agree((jit) => runner(c, img, 16384, '', jit), [997, 4096], 30_000, () => `${name} ${c.kind} ${c.depth}`);
    });
  }
});

describe('compilation on and off under monitors/full.s', () => {
  const mon = loadMonitor(readFileSync(path.join(root, 'monitors/full.s'), 'utf8'), PG1, 'full.s');
  if (!mon.ok) throw new Error('monitors/full.s does not assemble');
  for (const depth of [1, 2]) {
    it(`depth ${depth}: generated programs end alike, slice by slice`, () => {
      fc.assert(
        fc.property(arbProgSpec({ w: 512, rounds: 12 }), slicesArb, (s, slices) => {
          const img = progImage(s, PG1);
          const size = towerSize(mon.monitor.guest, depth, s.w);
          if (!size.ok) throw new Error(size.message);
          const make = (jit: boolean): Runner => {
            const t = new Tower(mon.monitor, depth, s.w, img, { isa: PG1, input: s.input, jit, q: size.q });
            // Tower.run's limit is the real machine's total step count.
            return { run: (n) => void t.run(t.real.steps + n), done: () => t.real.status === 'halted', state: () => ({ real: machineState(t.real), result: { ...t.result(), mem: null } }) };
          };
          agree(make, slices.map((n) => n * 20), 400_000, () => `full.s depth ${depth}\n${progSource(s)}`);
        }),
        { ...PARAMS, numRuns: Math.max(4, RUNS >> 2) },
      );
    });
  }
});
