import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presetIsa } from './isa';
import { isaReference, userModeNote } from './reference';
import { BASE_INSTRUCTIONS } from './table';

describe('ISA reference', () => {
  it('docs/ISA.md is the reference generated from the table (run `npm run docs` after changing the table)', () => {
    const doc = readFileSync(new URL('../../../docs/ISA.md', import.meta.url), 'utf8');
    expect(doc).toBe(isaReference(presetIsa('pg1')));
  });

  it('lists every instruction of the table once, with its opcode', () => {
    const doc = isaReference(presetIsa('pg1'));
    for (const d of BASE_INSTRUCTIONS) expect(doc.match(new RegExp(`\\| \`${d.mnemonic}[ \`]`, 'g'))?.length).toBe(1);
  });

  it('says what a sensitive instruction does in user mode under each preset', () => {
    const retu = presetIsa('pg1').byMnemonic.get('RETU')!;
    expect(userModeNote(presetIsa('pg1'), retu)).toMatch(/PRIVILEGED trap/);
    expect(userModeNote(presetIsa('pdp10'), retu)).toMatch(/runs/);
    const setr = presetIsa('x86').byMnemonic.get('SETR')!;
    expect(userModeNote(presetIsa('x86'), setr)).toMatch(/does nothing/);
  });
});
