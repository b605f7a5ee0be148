import { disassemble } from '../core/asm/disassembler';
import { assembleCommand } from './options';

/**
 * `pglab disasm FILE.s`: assembles FILE, then prints the disassembly of its image: source text that assembles
 * back to exactly the same words at the same addresses, with the same entry (the round trip of §10).
 */
export const command = assembleCommand(
  'disasm',
  'pglab disasm FILE.s [--isa P|F.json]',
  'assemble, then print the disassembly (source that re-assembles to the same words)',
  ({ isa, asm }, io) => io.stdout(disassemble(asm.image, isa, asm.symbols)),
);
