import { describe, expect, it } from 'vitest';
import { parseIsaFile } from '../../core/isa/isafile';
import { PRESET_NAMES, variantOf } from '../../core/isa/isa';
import { freeOpcode, presetText, readDoc, removeInstruction, setAssist, setVariant, upsertInstruction, variantIn } from './isadoc';

const parse = (t: string) => {
  const r = parseIsaFile(t);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.isa;
};

describe('ISA file edits', () => {
  it('writes each preset as a file that parses to the preset', () => {
    for (const p of PRESET_NAMES) {
      const isa = parse(presetText(p));
      expect(isa.base).toBe(p);
      const doc = readDoc(presetText(p));
      if (typeof doc === 'string') throw new Error(doc);
      for (const d of isa.instructions) if (d.variants) expect(variantOf(isa, d)).toBe(variantIn(doc, d.mnemonic));
    }
  });

  it('toggles a variant, and back', () => {
    const t1 = setVariant(presetText('pg1'), 'GETMODE', 'open');
    if (typeof t1 !== 'string') throw new Error(t1.error);
    const isa = parse(t1);
    expect(variantOf(isa, isa.byMnemonic.get('GETMODE')!)).toBe('open');
    const t2 = setVariant(t1, 'GETMODE', 'privileged');
    if (typeof t2 !== 'string') throw new Error(t2.error);
    expect(variantOf(parse(t2), isa.byMnemonic.get('GETMODE')!)).toBe('privileged');
  });

  it('overrides a preset variant back to privileged', () => {
    const t = setVariant(presetText('x86'), 'SETR', 'privileged');
    if (typeof t !== 'string') throw new Error(t.error);
    const isa = parse(t);
    expect(variantOf(isa, isa.byMnemonic.get('SETR')!)).toBe('privileged');
    expect(variantOf(isa, isa.byMnemonic.get('GETR')!)).toBe('open');
  });

  it('refuses a variant the instruction does not offer, and edits of broken text', () => {
    expect(setVariant(presetText('pg1'), 'LPSW', 'open')).toMatchObject({ error: expect.stringMatching(/does not offer/) });
    expect(setVariant('{ broken', 'SETR', 'open')).toMatchObject({ error: expect.stringMatching(/JSON/) });
  });

  it('adds, replaces and removes a user instruction', () => {
    const doc0 = readDoc(presetText('pg1'));
    if (typeof doc0 === 'string') throw new Error(doc0);
    const op = freeOpcode(doc0);
    const t1 = upsertInstruction(presetText('pg1'), { mnemonic: 'smsw', opcode: op, operands: 'ra', privileged: false, effect: 'ra = M;' });
    if (typeof t1 !== 'string') throw new Error(t1.error);
    expect(parse(t1).byMnemonic.get('SMSW')?.op).toBe(op);
    const t2 = upsertInstruction(t1, { mnemonic: 'SMSW', opcode: op, operands: 'ra', privileged: true, effect: 'ra = M;' });
    if (typeof t2 !== 'string') throw new Error(t2.error);
    const d2 = readDoc(t2);
    if (typeof d2 === 'string') throw new Error(d2);
    expect(d2.instructions).toHaveLength(1);
    expect(freeOpcode(d2)).not.toBe(op);
    const t3 = removeInstruction(t2, 'smsw');
    if (typeof t3 !== 'string') throw new Error(t3.error);
    expect(parse(t3).byMnemonic.has('SMSW')).toBe(false);
  });

  it('turns hardware assist on and off; other edits keep it (and the file\'s doc)', () => {
    const on = setAssist(presetText('x86'), true);
    if (typeof on !== 'string') throw new Error(on.error);
    expect(parse(on).assist).toBe(true);
    expect(parse(on).name).toBe('x86-assist');
    const toggled = setVariant(on, 'GETMODE', 'privileged');
    if (typeof toggled !== 'string') throw new Error(toggled.error);
    expect(parse(toggled).assist).toBe(true);
    expect(setAssist(on, false)).toBe(presetText('x86'));
    expect(parse(presetText('x86')).assist).toBe(false);
    const file = '{"name": "x86-assist", "base": "x86", "assist": true, "doc": "VT-x"}';
    const added = upsertInstruction(file, { mnemonic: 'NOPX', opcode: 0x40, operands: '', privileged: false, effect: '' });
    if (typeof added !== 'string') throw new Error(added.error);
    expect(readDoc(added)).toMatchObject({ assist: true, doc: 'VT-x' });
    expect(setAssist('{', true)).toMatchObject({ error: expect.stringMatching(/not valid JSON/) });
  });
});
