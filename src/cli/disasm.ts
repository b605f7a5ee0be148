import { disassemble } from '../core/asm/disassembler';
import { assembleArgs, EXIT, type Command } from './options';

/**
 * `pglab disasm FILE.s`: assembles FILE, then prints the disassembly of its image: source text that assembles
 * back to exactly the same words at the same addresses, with the same entry (the round trip of §10).
 */
export const command: Command = {
  usage: 'pglab disasm FILE.s [--isa P|F.json]',
  summary: 'assemble, then print the disassembly (source that re-assembles to the same words)',
  run(args, io) {
    const a = assembleArgs('disasm', command.usage, args, io);
    if (!a) return EXIT.OK;
    io.stdout(disassemble(a.asm.image, a.isa, a.asm.symbols));
    return EXIT.OK;
  },
};
