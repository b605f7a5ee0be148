/**
 * Fuzzing the four readers of untrusted text (issue 11): the assembler, the ISA-file parser, the effect language
 * and the share-link decoder. Random and mutated inputs must never throw and never take longer than a bound;
 * they answer with errors, as data. Runs are bounded (PGLAB_FUZZ_RUNS raises them).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../core/asm/assembler';
import { parseIsaFile } from '../core/isa/isafile';
import { parseEffect, effectExec } from '../core/isa/effect';
import { decodeFragment, encodeWorkspace, type Workspace } from '../app/lab/share';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const RUNS = Number(process.env.PGLAB_FUZZ_RUNS ?? 150);
/** No single input may take longer than this (generous: CI machines are shared). */
const BOUND_MS = 2000;

const timed = <T>(f: () => T): T => {
  const t = performance.now();
  const r = f();
  expect(performance.now() - t).toBeLessThan(BOUND_MS);
  return r;
};

/** Mutations of a seed text: characters replaced, inserted, deleted, slices duplicated or cut. */
function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.record({
    kind: fc.constantFrom('replace', 'insert', 'delete', 'duplicate', 'truncate'),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 40 }),
    text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('[', ']', '{', '}', '"', '\\', ',', ':', ';', '(', ')', '.equ', 'mem[', '0x', '-', '\n', '\u0000', '\uFEFF', '🙂', 'constructor', '__proto__')),
  });
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([seed, edits]) => {
    let s = seed;
    for (const e of edits) {
      const at = s.length ? e.at % (s.length + 1) : 0;
      if (e.kind === 'replace') s = s.slice(0, at) + e.text + s.slice(at + e.text.length);
      else if (e.kind === 'insert') s = s.slice(0, at) + e.text + s.slice(at);
      else if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + e.len);
      else if (e.kind === 'duplicate') s = s.slice(0, at + e.len) + s.slice(at, at + e.len) + s.slice(at);
      else s = s.slice(0, at);
    }
    return s;
  });
}

const root = path.resolve(__dirname, '../..');
const examples = readdirSync(path.join(root, 'examples'))
  .filter((f) => f.endsWith('.s'))
  .map((f) => readFileSync(path.join(root, 'examples', f), 'utf8'));
const isaSeeds = [
  JSON.stringify({ name: 'mine', base: 'pg1', variants: { GETMODE: 'open' }, instructions: [{ mnemonic: 'SMSW', opcode: 48, operands: 'ra', privileged: false, effect: 'ra = M;' }] }),
  JSON.stringify({ base: 'x86', instructions: [{ mnemonic: 'LDX', opcode: '0x31', operands: 'ra,[rb+imm]', effect: 'if (rb > 0) { ra = mem[rb + imm]; } else { trap(4); }' }] }),
];
const effectSeeds = [
  'ra = M;',
  'if (M == U) { trap(1); } else { ra = l + b; }',
  'mem[rb + imm] = ra * 2; ra = (ra >> 3) & 0xff; rb = -ra ^ !rb;',
  'if (ra / rb > imm || ra % 7 <= 3 && rb >>> 2 != 0) { l = l + 1; b = b - 1; } else { halt; }',
];
const workspace: Workspace = { v: 1, program: 'start: LI r1, 1\nHALT\n', isaFile: isaSeeds[0], monitor: 'full', depth: 1, w: 16384, input: '', view: 'isa' };

describe('fuzz: readers of untrusted text never throw and never hang', () => {
  it('assembler', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), mutated(examples)), (src) => {
        const r = timed(() => assemble(src));
        if (!r.ok) for (const e of r.errors) expect(e.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: RUNS, seed: 11 },
    );
  });

  it('ISA-file parser (and the classifier-free parts it builds)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ depthSize: 'medium' }), mutated(isaSeeds)), (text) => {
        const r = timed(() => parseIsaFile(text, 'fuzz.json'));
        if (!r.ok) for (const e of r.errors) expect(typeof e.message).toBe('string');
      }),
      { numRuns: RUNS, seed: 12 },
    );
  });

  it('effect language: parse, and run what parses on random states', () => {
    const mem = new Int32Array(64);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), mutated(effectSeeds)), fc.integer(), fc.integer({ min: 0, max: 1 }), (src, word, mode) => {
        const r = timed(() => parseEffect(src));
        if (!r.ok) {
          expect(r.error.message).not.toMatch(/native code/);
          return;
        }
        const exec = effectExec(r.program);
        const m = { pc: 3, mode, l: 8, b: 16, q: 64, regs: new Int32Array(16).fill(5), mem, slowDetail: 0 };
        const code = timed(() => exec(m, word));
        expect(code === 0 || code === -1 || (code >= 1 && code <= 5)).toBe(true);
      }),
      { numRuns: RUNS, seed: 13 },
    );
  });

  it('share-link decoder', () => {
    const good = encodeWorkspace(workspace);
    expect(decodeFragment(good)).toMatchObject({ kind: 'ok' });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), mutated([good, `#${good}`]), fc.string({ maxLength: 300 }).map((s) => `pglab/1/${s}`)), (frag) => {
        const r = timed(() => decodeFragment(frag));
        expect(['none', 'ok', 'refused']).toContain(r.kind);
      }),
      { numRuns: RUNS, seed: 14 },
    );
  });
});
