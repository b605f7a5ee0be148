import { describe, expect, it } from 'vitest';
import { presetIsa, withAssist } from '../isa/isa';
import { parseIsaFile } from '../isa/isafile';
import { classify } from './classify';
import { guestModeVerdict } from './assist';

describe("Theorem 1's condition relative to guest mode (hardware assist)", () => {
  it('x86 fails Theorem 1, and with assist every sensitive instruction exits in guest mode', () => {
    const isa = withAssist(presetIsa('x86'));
    const cls = classify(isa);
    expect(cls.theorem1.holds).toBe(false);
    const g = guestModeVerdict(isa, cls)!;
    expect(g.holds).toBe(true);
    expect(g.violators).toEqual([]);
    // Shown by running: the sensitive group exits, innocuous instructions do not.
    for (const mn of ['GETMODE', 'GETR', 'SETR', 'LPSW', 'RETU', 'HALT', 'IN', 'OUT', 'LRA']) expect(g.exits).toContain(mn);
    for (const mn of ['ADD', 'LD', 'ST', 'SVC', 'JMP']) expect(g.exits).not.toContain(mn);
  });
  it('an ISA without assist has no guest-mode verdict', () => {
    const isa = presetIsa('pdp10');
    expect(guestModeVerdict(isa, classify(isa))).toBeNull();
  });
  it('an ISA file turns assist on; an ISA-file instruction exits too', () => {
    const r = parseIsaFile(
      JSON.stringify({ base: 'pg1', assist: true, instructions: [{ mnemonic: 'SMSW', opcode: 48, operands: 'ra', privileged: false, effect: 'ra = M;' }] }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.isa.assist).toBe(true);
    const cls = classify(r.isa);
    expect(cls.theorem1.violators).toContain('SMSW');
    const g = guestModeVerdict(r.isa, cls)!;
    expect(g.exits).toContain('SMSW');
    expect(g.holds).toBe(true);
  });
  it('assist must be a boolean', () => {
    const r = parseIsaFile('{"base": "x86", "assist": 1}');
    expect(r.ok).toBe(false);
  });
});
