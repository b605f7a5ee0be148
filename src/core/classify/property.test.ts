/**
 * Theory against practice, on random user-defined instructions written in the effect language: when the
 * classifier says a theorem's condition holds, random kernel + user programs that use the new instructions run
 * equivalently under that theorem's monitor; when it names a violator, the counterexample search produces
 * programs that really diverge. PGLAB_PROPERTY_RUNS raises the number of ISAs tried.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classify } from './classify';
import { checkWitnesses } from './witnesscheck';
import { counterexampleFor, COUNTER_W } from './counterexample';
import { parseIsaFile } from '../isa/isafile';
import type { Isa } from '../isa/isa';
import { assemble } from '../asm/assembler';
import { equiv } from '../vmm';
import { arbProgSpec, progSource, propertyRuns, type ProgSpec } from '../../testing/testgen';

const RUNS = propertyRuns(8);
const PROGRAMS = 6;
const MAX_STEPS = 4000;

// ------------------------------------------------------------------------------------------------------------
// Random effects. Weighted so that many are innocuous or harmless and some read or write M, l, b.

// Constants come from the whole 32-bit range (as decimal, hex or negated), besides small ones.
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const constant = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: -2, max: 70 }).map(String) },
  { weight: 1, arbitrary: int32.map((v) => (v < 0 ? `(-${-v === 0x80000000 ? '0x80000000' : -v})` : String(v))) },
  { weight: 1, arbitrary: int32.map((v) => `0x${(v >>> 0).toString(16)}`) },
);
const leafOf = (tame: boolean) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('ra', 'rb', 'imm') },
    { weight: 2, arbitrary: constant },
    { weight: 1, arbitrary: tame ? fc.constantFrom('b', 'P', 'S', 'U') : fc.constantFrom('M', 'l', 'b', 'P', 'S', 'U') },
  );
const OPS = ['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '>>>', '==', '!=', '<', '<=', '>', '>=', '&&', '||'];

/** A tame effect names neither M nor l and assigns no PSW field: the analysis can prove it innocuous. */
function expr(depth: number, tame = false): fc.Arbitrary<string> {
  const leaf = leafOf(tame);
  if (depth === 0) return leaf;
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 3, arbitrary: fc.tuple(expr(depth - 1, tame), fc.constantFrom(...OPS), expr(depth - 1, tame)).map(([a, o, b]) => `(${a} ${o} ${b})`) },
    { weight: 1, arbitrary: expr(depth - 1, tame).map((a) => `mem[${a}]`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('!', '-'), expr(depth - 1, tame)).map(([o, a]) => `${o}${a}`) },
  );
}

function stmt(depth: number, tame = false): fc.Arbitrary<string> {
  const assign = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom('ra', 'rb'), expr(2, tame)).map(([t, e]) => `${t} = ${e};`) },
    { weight: 2, arbitrary: fc.tuple(expr(1, tame), expr(2, tame)).map(([a, e]) => `mem[${a}] = ${e};`) },
    { weight: tame ? 0 : 1, arbitrary: fc.tuple(fc.constantFrom('M', 'l', 'b'), expr(1)).map(([t, e]) => `${t} = ${e};`) },
    { weight: 1, arbitrary: fc.integer({ min: tame ? 2 : 1, max: 5 }).map((c) => `trap(${c});`) },
  );
  if (depth === 0) return assign;
  return fc.oneof(
    { weight: 3, arbitrary: assign },
    {
      weight: 1,
      arbitrary: fc
        .tuple(expr(2, tame), fc.array(stmt(depth - 1, tame), { minLength: 1, maxLength: 2 }), fc.array(stmt(depth - 1, tame), { maxLength: 2 }))
        .map(([c, t, e]) => `if (${c}) { ${t.join(' ')} }${e.length ? ` else { ${e.join(' ')} }` : ''}`),
    },
  );
}

interface RandomInstr {
  privileged: boolean;
  effect: string;
}
const arbInstr: fc.Arbitrary<RandomInstr> = fc.oneof(
  fc.record({ privileged: fc.boolean(), effect: fc.array(stmt(1), { minLength: 1, maxLength: 3 }).map((ss) => ss.join(' ')) }),
  fc.record({ privileged: fc.boolean(), effect: fc.array(stmt(1, true), { minLength: 1, maxLength: 3 }).map((ss) => ss.join(' ')) }),
);

function isaOf(instrs: RandomInstr[]): Isa {
  const r = parseIsaFile(
    JSON.stringify({
      name: 'random',
      base: 'pg1',
      instructions: instrs.map((x, k) => ({ mnemonic: `X${k}`, opcode: 0x40 + k, operands: 'ra,rb,imm', privileged: x.privileged, effect: x.effect })),
    }),
  );
  if (!r.ok) throw new Error(`generated ISA file rejected: ${JSON.stringify(r.errors)}`);
  return r.isa;
}

/** A testgen kernel + user program with the new instructions placed in the user part and in the kernel. */
function withNewInstructions(spec: ProgSpec, n: number, uses: { at: number; k: number; ra: number; rb: number; imm: number }[]): string {
  const lines = progSource(spec).split('\n');
  const out: string[] = [];
  let userLabel = 0;
  for (const line of lines) {
    out.push(line);
    const use = (u: { k: number; ra: number; rb: number; imm: number }) => out.push(`  X${u.k % n} r${u.ra}, r${u.rb}, ${u.imm}`);
    if (line === 'resume:') for (const u of uses.filter((x) => x.at < 0)) use(u);
    if (/^u\d+:$/.test(line)) {
      for (const u of uses.filter((x) => x.at === userLabel)) use(u);
      userLabel++;
    }
  }
  return out.join('\n');
}

const arbUses = fc.array(
  fc.record({
    at: fc.integer({ min: -1, max: 6 }),
    k: fc.nat(),
    ra: fc.integer({ min: 1, max: 9 }),
    rb: fc.integer({ min: 1, max: 9 }),
    imm: fc.integer({ min: -4, max: 20 }),
  }),
  { minLength: 1, maxLength: 5 },
);

describe('random effect-language instructions: the theorems against the monitors', () => {
  it('where a condition holds the monitor is equivalent; where it fails, found counterexamples diverge', () => {
    let t1Holds = 0;
    let t3Holds = 0;
    let violators = 0;
    let found = 0;
    fc.assert(
      fc.property(fc.array(arbInstr, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(arbProgSpec({ w: 512 }), arbUses), { minLength: PROGRAMS, maxLength: PROGRAMS }), (instrs, progs) => {
        const isa = isaOf(instrs);
        const cls = classify(isa);
        // Every reported witness replays on a fresh machine and shows what it claims.
        expect(checkWitnesses(isa, cls)).toEqual([]);
        for (const [kind, verdict] of [
          ['full', cls.theorem1],
          ['hybrid', cls.theorem3],
        ] as const) {
          if (verdict.holds) {
            if (kind === 'full') t1Holds++;
            else t3Holds++;
            for (const [spec, uses] of progs) {
              const src = withNewInstructions(spec, instrs.length, uses);
              const asm = assemble(src, isa);
              if (!asm.ok) throw new Error(`generated program does not assemble: ${asm.errors[0].message}\n${src}`);
              const r = equiv(asm.image, { isa, kind, depth: 1, w: spec.w, input: spec.input, maxSteps: MAX_STEPS });
              if (!r.equivalent) {
                throw new Error(`${kind} monitor diverged although the classifier says its theorem's condition holds: ${JSON.stringify(r.divergence)}\n${instrs.map((x) => JSON.stringify(x)).join('\n')}\n${src}`);
              }
            }
          } else {
            for (const mn of verdict.violators.filter((m) => m.startsWith('X'))) {
              violators++;
              const cx = counterexampleFor(isa, mn, kind === 'full' ? 1 : 3);
              if (!cx.source) {
                if (process.env.PGLAB_SHOW_MISSES) console.log(`no program: ${mn} ${kind}`, instrs.map((x) => JSON.stringify(x)).join(" | "), cls.instructions.find((i) => i.mnemonic === mn)?.witness);
                continue;
              }
              found++;
              const asm = assemble(cx.source, isa);
              expect(asm.ok).toBe(true);
              const r = equiv(asm.image, { isa, kind, depth: 1, w: COUNTER_W, maxSteps: 2000 });
              expect(r.equivalent, `${mn} ${kind}\n${cx.source}`).toBe(false);
            }
          }
        }
      }),
      { numRuns: RUNS, seed: 20261125 },
    );
    // The generator must exercise both sides of each theorem, and the search must find most counterexamples.
    expect(t1Holds + t3Holds).toBeGreaterThan(0);
    expect(violators).toBeGreaterThan(0);
    expect(found / violators).toBeGreaterThanOrEqual(0.5);
    console.log(`random ISAs: Theorem 1 held ${t1Holds}x, Theorem 3 held ${t3Holds}x; ${found} of ${violators} violators got a diverging program`);
  });
});
