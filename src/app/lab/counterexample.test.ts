import { describe, expect, it } from 'vitest';
import { assemble } from '../../core/asm/assembler';
import { classify } from '../../core/classify/classify';
import { presetIsa, type Isa } from '../../core/isa/isa';
import { parseIsaFile } from '../../core/isa/isafile';
import { equiv } from '../../core/vmm/equiv';
import { counterexampleFor } from './counterexample';

function diverges(isa: Isa): { src: string; equivalent: boolean } {
  const c = classify(isa);
  const src = counterexampleFor(isa, c);
  if (!src) throw new Error(`no counterexample for ${isa.name}`);
  const asm = assemble(src, isa);
  expect(asm.errors).toEqual([]);
  return { src, equivalent: equiv(asm.image, { isa, kind: 'full', depth: 1, w: 4096, maxSteps: 100_000 }).equivalent };
}

describe('counterexample programs', () => {
  for (const p of ['pdp10', 'x86', 'lra'] as const) {
    it(`diverges under the full monitor on ${p}`, () => {
      expect(diverges(presetIsa(p)).equivalent).toBe(false);
    });
  }
  it('diverges for a user-defined unprivileged mode-sensitive instruction', () => {
    const r = parseIsaFile('{"name":"smsw","base":"pg1","instructions":[{"mnemonic":"SMSW","opcode":48,"operands":"ra","privileged":false,"effect":"ra = M;"}]}');
    if (!r.ok) throw new Error('bad file');
    expect(diverges(r.isa).equivalent).toBe(false);
  });
  it('gives none when Theorem 1 holds', () => {
    const isa = presetIsa('pg1');
    expect(counterexampleFor(isa, classify(isa))).toBeNull();
  });
});
