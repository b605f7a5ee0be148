import { describe, expect, it } from 'vitest';
import { assemble } from '../../core/asm/assembler';
import { classify } from '../../core/classify/classify';
import { presetIsa, type Isa } from '../../core/isa/isa';
import { parseIsaFile } from '../../core/isa/isafile';
import { equiv } from '../../core/vmm/equiv';
import { counterexamples } from '../../core/classify/counterexample';
import { counterexampleFor, pickCounterexample } from './counterexample';

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

  it('picks the classifier\'s program for the monitor in use, one whose divergence is in a register first', () => {
    const isa = presetIsa('x86');
    const c = classify(isa);
    const found = counterexamples(isa, c);
    for (const kind of ['full', 'hybrid'] as const) {
      const src = pickCounterexample(isa, c, found, kind)!;
      expect(src).toMatch(new RegExp(`Theorem ${kind === 'full' ? 1 : 3}`));
      const r = equiv(assemble(src, isa).image, { isa, kind, depth: 1, w: 16384, maxSteps: 100_000 });
      expect(r.equivalent).toBe(false);
      expect(r.divergence!.field).toMatch(/^(regs|psw)/);
    }
    const pg1 = presetIsa('pg1');
    const c1 = classify(pg1);
    expect(pickCounterexample(pg1, c1, counterexamples(pg1, c1), 'full')).toBeNull();
  });
});
