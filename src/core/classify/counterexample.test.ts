import { describe, expect, it } from 'vitest';
import { classify } from './classify';
import { counterexampleFor, counterexamples, COUNTER_W } from './counterexample';
import { presetIsa, type Isa } from '../isa/isa';
import { parseIsaFile } from '../isa/isafile';
import { assemble } from '../asm/assembler';
import { equiv } from '../vmm';

/** Re-proves a generated program from its text alone: it assembles, and equiv finds the divergence again. */
function reprove(isa: Isa, source: string, kind: 'full' | 'hybrid') {
  const asm = assemble(source, isa);
  expect(asm.errors).toEqual([]);
  return equiv(asm.image, { isa, kind, depth: 1, w: COUNTER_W, maxSteps: 2000 });
}

describe('counterexample programs', () => {
  it('pg1 needs none', () => {
    const isa = presetIsa('pg1');
    expect(counterexamples(isa, classify(isa))).toEqual([]);
  });

  it('pdp10: RETU diverges under the full monitor; the program says what it shows', () => {
    const isa = presetIsa('pdp10');
    const cx = counterexamples(isa, classify(isa), { isaSpec: 'pdp10' });
    expect(cx.map((c) => `${c.theorem}:${c.mnemonic}`)).toEqual(['1:RETU']);
    const c = cx[0];
    expect(c.source).toMatch(/^; isa: pdp10\n; Counterexample for Theorem 1 \(full monitor\)/);
    expect(c.source).toMatch(/RETU \d+ +; window word \d+: the instruction under test/);
    expect(c.source).toMatch(/sufficient conditions/);
    const r = reprove(isa, c.source!, 'full');
    expect(r.equivalent).toBe(false);
    expect(r.native.status).toBe('halted');
    expect(r.divergence).toEqual(c.divergence);
    // The same program is fine under the hybrid monitor (Theorem 3 holds for pdp10).
    expect(reprove(isa, c.source!, 'hybrid').equivalent).toBe(true);
  });

  it('x86: every Theorem 1 violator diverges under the full monitor; GETR also under the hybrid one', () => {
    const isa = presetIsa('x86');
    const cx = counterexamples(isa, classify(isa), { isaSpec: 'x86' });
    expect(cx.map((c) => `${c.theorem}:${c.mnemonic}:${c.source ? 'program' : 'none'}`)).toEqual([
      '1:SETR:program',
      '1:GETMODE:program',
      '1:GETR:program',
      // SETR is user-nop on x86: in user mode it really does nothing, so it is not user sensitive (§7) and
      // Theorem 3's only violator is GETR.
      '3:GETR:program',
    ]);
    for (const c of cx) {
      if (!c.source) {
        expect(c.explanation).toMatch(/sufficient condition only/);
        continue;
      }
      const r = reprove(isa, c.source, c.monitor);
      expect(r.equivalent, c.file).toBe(false);
    }
    const getmode = cx.find((c) => c.mnemonic === 'GETMODE')!;
    expect(getmode.divergence).toMatchObject({ field: 'regs[1]', native: 0, virtual: 1 });
  });

  it('lra: LRA diverges under both monitors', () => {
    const isa = presetIsa('lra');
    const cx = counterexamples(isa, classify(isa));
    expect(cx.map((c) => `${c.theorem}:${c.mnemonic}`)).toEqual(['1:LRA', '3:LRA']);
    for (const c of cx) expect(reprove(isa, c.source!, c.monitor).equivalent).toBe(false);
  });

  it('user-defined violators: an unprivileged SMSW and an absolute load', () => {
    const r = parseIsaFile(
      JSON.stringify({
        name: 'mine',
        instructions: [
          { mnemonic: 'SMSW', opcode: 48, operands: 'ra', privileged: false, effect: 'ra = M;' },
          { mnemonic: 'ABSLD', opcode: 49, operands: 'ra,imm', privileged: false, effect: 'ra = mem[imm - l];' },
        ],
      }),
    );
    if (!r.ok) throw new Error('bad file');
    const cls = classify(r.isa);
    expect(cls.theorem1.violators).toEqual(['SMSW', 'ABSLD']);
    expect(cls.theorem3.violators).toEqual(['ABSLD']);
    const cx = counterexamples(r.isa, cls, { isaSpec: 'mine.json' });
    expect(cx.map((c) => `${c.theorem}:${c.mnemonic}:${c.source ? 'program' : 'none'}`)).toEqual(['1:SMSW:program', '1:ABSLD:program', '3:ABSLD:program']);
    for (const c of cx) expect(reprove(r.isa, c.source!, c.monitor).equivalent).toBe(false);
  });

  it('reports an unknown mnemonic plainly', () => {
    expect(counterexampleFor(presetIsa('pg1'), 'NOPE', 1).source).toBeNull();
  });
});
