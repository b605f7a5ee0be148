import { disassemble } from '../core/asm/disassembler';
import { assembleFile, EXIT, loadIsa, oneFile, parseArgs, type Command } from './options';

/**
 * `pglab disasm FILE.s`: assembles FILE, then prints the disassembly of its image: source text that assembles
 * back to exactly the same words at the same addresses, with the same entry (the round trip of §10).
 */
export const command: Command = {
  usage: 'pglab disasm FILE.s [--isa P|F.json]',
  summary: 'assemble, then print the disassembly (source that re-assembles to the same words)',
  run(args, io) {
    const p = parseArgs('disasm', args, { isa: 'value' });
    if (p.flags.has('help')) {
      io.stdout(`usage: ${command.usage}\n`);
      return EXIT.OK;
    }
    const file = oneFile('disasm', p);
    const isa = loadIsa(p.values.get('isa'), io);
    const { asm } = assembleFile(file, isa, io);
    io.stdout(disassemble(asm.image, isa, asm.symbols));
    return EXIT.OK;
  },
};
