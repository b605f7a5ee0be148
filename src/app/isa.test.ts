import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../core/asm/assembler';
import { PRESET_NAMES } from '../core/isa/isa';
import { isaDisplayName, isaTextOf, parseIsaText, pendingMessage, presetOf, resolveIsa, setIsaText, useIsa } from './isa';
import { presetText, setVariant, upsertInstruction } from './lab/isadoc';
import { currentConfig, isaOf } from './session';
import { migrateIsa, useSettings } from './store';

const SMSW = { mnemonic: 'SMSW', opcode: 0x30, operands: 'ra', privileged: false, effect: 'ra = M;' };

beforeEach(() => setIsaText(presetText('pg1')));

describe('the ISA in force', () => {
  it('a toggle and a defined instruction made in the lab are in force for the workbench: its session config and its assembler', () => {
    const t1 = setVariant(presetText('pg1'), 'GETMODE', 'open');
    if (typeof t1 !== 'string') throw new Error(t1.error);
    const t2 = upsertInstruction(t1, SMSW);
    if (typeof t2 !== 'string') throw new Error(t2.error);
    expect(assemble('SMSW r1\n', isaOf(useSettings.getState().isa)).ok).toBe(false);
    setIsaText(t2);
    const st = useIsa.getState();
    expect(st.text).toBe(t2);
    expect(st.pending).toBeNull();
    expect(st.isa.variants.GETMODE).toBe('open');
    expect(st.name).toBe('pg1 (modified)');
    // The worker is sent the text, not a preset name.
    expect(currentConfig().isa).toBe(t2);
    expect(assemble('SMSW r1\nGETMODE r2\n', isaOf(useSettings.getState().isa)).ok).toBe(true);
  });

  it('a text with errors keeps the last good ISA in force and says so; fixing it puts the fix in force', () => {
    const good = setVariant(presetText('x86'), 'GETR', 'privileged');
    if (typeof good !== 'string') throw new Error(good.error);
    setIsaText(good);
    const bad = good.replace('"privileged"', '"privilegd"');
    setIsaText(bad);
    const st = useIsa.getState();
    expect(useSettings.getState().isa).toBe(bad);
    expect(st.text).toBe(good);
    expect(st.pending?.text).toBe(bad);
    expect(st.pending?.errors.length).toBeGreaterThan(0);
    expect(currentConfig().isa).toBe(good);
    expect(pendingMessage(st)).toMatch(/last good ISA, x86 \(modified\), stays in force/);
    // An unparsable text means the ISA in force, never pg1 behind the user's back.
    expect(isaOf(bad)).toBe(st.isa);
    setIsaText(good.replace('"privileged"', '"open"'));
    expect(useIsa.getState().pending).toBeNull();
    expect(useIsa.getState().isa.variants.GETR).toBe('open');
  });

  it('every preset is its own name, in force from its name or its text; any change to a preset names it modified', () => {
    for (const p of PRESET_NAMES) {
      expect(isaTextOf(p)).toBe(presetText(p));
      expect(presetOf(presetText(p))).toBe(p);
      const r = parseIsaText(p);
      expect(r.ok && r.name).toBe(p);
    }
    fc.assert(
      fc.property(fc.constantFrom(...PRESET_NAMES), fc.constantFrom('GETMODE', 'GETR', 'SETR', 'LPSW'), fc.constantFrom('privileged', 'open', 'user-nop'), (p, mn, v) => {
        const t = setVariant(presetText(p), mn, v);
        if (typeof t !== 'string') return; // a variant this instruction does not offer
        const r = parseIsaText(t);
        if (!r.ok) throw new Error('the lab wrote a bad text');
        expect(r.name).toBe(t === presetText(p) ? p : `${p} (modified)`);
        expect(r.isa.variants[mn]).toBe(v);
      }),
    );
  });

  it('a file with a name of its own is called by it', () => {
    const text = JSON.stringify({ name: 'course-isa', base: 'pdp10' });
    const r = parseIsaText(text);
    expect(r.ok && isaDisplayName(text, r.isa)).toBe('course-isa');
  });

  it('resolveIsa never lets a bad text in, from any previous state', () => {
    const prev = resolveIsa(presetText('lra'), useIsa.getState());
    fc.assert(
      fc.property(fc.string(), (junk) => {
        const r = resolveIsa(junk, prev);
        if (r.pending) expect(r.text).toBe(prev.text);
        else expect(parseIsaText(r.text).ok).toBe(true);
      }),
    );
  });

  it('saved settings of the old format (a preset name) become text; the lab file wins when based on that preset', () => {
    const lab = setVariant(presetText('pdp10'), 'GETMODE', 'open') as string;
    expect(migrateIsa('pdp10', lab)).toBe(lab);
    expect(migrateIsa('x86', lab)).toBe(presetText('x86'));
    expect(migrateIsa('pg1', null)).toBe(presetText('pg1'));
    expect(migrateIsa(undefined, null)).toBe(presetText('pg1'));
  });
});
