/**
 * The bench's yardstick must compute what PG Lab's machine computes, or the ratios compare different work:
 * every workload gives the same registers, PSW, memory and step count on both (run to HALT with a small
 * `size`, and stopped mid-way at the bench's kind of step budget), and random programs over the whole ISA
 * (every opcode, undefined ones, traps, both modes, random R) agree with the machine step for step.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { presetIsa } from '../src/core/isa/isa';
import { encode } from '../src/core/isa/table';
import { ConsoleDevices, Machine } from '../src/core/machine/machine';
import { switchBoot, switchRun, type SwitchMachine } from './switch';
import { WORKLOAD_Q, WORKLOADS, workloadImage } from './workloads';

const PG1 = presetIsa('pg1');

function same(m: Machine, s: SwitchMachine) {
  expect({ psw: m.psw, regs: [...m.regs], steps: m.steps, halted: m.status === 'halted', out: m.console }).toEqual({
    psw: { mode: s.mode, pc: s.pc, l: s.l, b: s.b },
    regs: [...s.regs],
    steps: s.steps,
    halted: s.halted,
    out: s.output,
  });
  // Memory compared word by word without building 16k-element diffs on success.
  const diff = m.mem.findIndex((v, i) => v !== s.mem[i]);
  expect(diff).toBe(-1);
}

describe('the bench switch interpreter agrees with the machine', () => {
  for (const name of WORKLOADS) {
    it(`${name}: run to HALT with a small size, and stopped by step budgets`, () => {
      for (const jit of [true, false]) {
        const small = workloadImage(name, 7);
        const m = new Machine({ q: WORKLOAD_Q, isa: PG1, jit });
        m.boot(small);
        m.run(50_000_000);
        expect(m.status).toBe('halted');
        const s = switchBoot(WORKLOAD_Q, small);
        expect(switchRun(s, 50_000_000)).toBe('halted');
        same(m, s);

        const big = workloadImage(name);
        const m2 = new Machine({ q: WORKLOAD_Q, isa: PG1, jit });
        m2.boot(big);
        const s2 = switchBoot(WORKLOAD_Q, big);
        for (const n of [1, 999, 123_457, 400_000]) {
          m2.run(n);
          expect(switchRun(s2, n)).toBe('limit');
          same(m2, s2);
        }
      }
    });
  }

  it('random programs over every opcode, both modes, random R and traps', () => {
    const ops = [...PG1.instructions.map((d) => d.op), 0x1b, 0x28, 0xff];
    const word = fc.oneof(
      { weight: 10, arbitrary: fc.tuple(fc.constantFrom(...ops), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: -6, max: 70 })).map(([o, a, b, i]) => encode(o, a, b, i)) },
      { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
    );
    const caseArb = fc.record({
      mem: fc.array(word, { minLength: 64, maxLength: 64 }),
      regs: fc.array(fc.integer({ min: -8, max: 80 }), { minLength: 16, maxLength: 16 }),
      psw: fc.record({ mode: fc.integer({ min: 0, max: 1 }), pc: fc.integer({ min: 0, max: 70 }), l: fc.integer({ min: -4, max: 20 }), b: fc.integer({ min: 0, max: 90 }) }),
      vector: fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 12, max: 63 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 30, max: 80 })),
      splits: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 5 }),
    });
    fc.assert(
      fc.property(caseArb, (c) => {
        const image = { words: c.mem.map((w, i) => [i + 12, w] as const), entry: 0 };
        const m = new Machine({ q: 96, isa: PG1, dev: new ConsoleDevices('x 42 y') });
        m.boot(image);
        const s = switchBoot(96, image, 'x 42 y');
        for (const [a, v] of c.vector.entries()) m.mem[8 + a] = s.mem[8 + a] = v;
        c.regs.forEach((v, i) => (m.regs[i] = s.regs[i] = i === 0 ? 0 : v));
        m.setPSW(c.psw);
        Object.assign(s, c.psw);
        for (const n of c.splits) {
          m.run(n);
          switchRun(s, n);
          same(m, s);
        }
      }),
      { numRuns: 400 },
    );
  });
});
