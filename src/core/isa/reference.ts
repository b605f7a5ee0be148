import { operandSyntax } from '../asm/assembler';
import { isUser, variantOf, type Isa } from './isa';
import { CAUSE_NAMES, VARIANTS, type InstrDef } from './table';

/**
 * The instruction reference, written from the ISA table alone: docs/ISA.md, the editor's hovers and the
 * app's reference panel all come from here, so they cannot drift from what the machine does.
 */
export function syntaxOf(d: InstrDef): string {
  const ops = operandSyntax(d);
  return ops ? `${d.mnemonic} ${ops}` : d.mnemonic;
}

const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;

/** One line on what an instruction does in user mode under the ISA in force. */
export function userModeNote(isa: Isa, d: InstrDef): string {
  const v = variantOf(isa, d);
  if (v === null) return 'same in both modes';
  if (v === 'privileged') return 'user mode: PRIVILEGED trap';
  if (v === 'user-nop') return 'user mode: does nothing (user-mode NOP)';
  return `user mode: runs (${d.openDoc ?? 'open'})`;
}

export function isaReference(isa: Isa): string {
  const rows = isa.instructions.map((d) => {
    const offered = isUser(d) ? (d.privileged ? 'privileged' : 'unprivileged') : d.variants ? d.variants.join(', ') : '—';
    const doc = (isUser(d) ? `${d.doc} \`${d.effectSource}\`` : d.doc).replace(/\|/g, '\\|');
    return `| ${hex(d.op)} | \`${syntaxOf(d)}\` | ${doc} | ${offered} | ${variantOf(isa, d) ?? '—'} |`;
  });
  const causes = Object.entries(CAUSE_NAMES).map(([c, n]) => `| ${c} | ${n} |`);
  return [
    `# PG/1 instruction reference (ISA \`${isa.name}\`)`,
    '',
    'Generated from `src/core/isa/table.ts` by `isaReference()`; do not edit by hand (a test keeps it in sync).',
    '',
    'One word per instruction: `op << 24 | ra << 20 | rb << 16 | (imm & 0xFFFF)`. `simm` is the 16-bit field',
    'sign-extended, `uimm` zero-extended, `t` a jump target (uimm), `EA = rb + simm`.',
    '',
    `| op | syntax | effect | variants offered | in force |`,
    `| --- | --- | --- | --- | --- |`,
    ...rows,
    '',
    `Variants (what a sensitive instruction does in user mode): ${VARIANTS.map((v) => `\`${v}\``).join(', ')}.`,
    '',
    '| cause | trap |',
    '| --- | --- |',
    ...causes,
    '',
  ].join('\n');
}
