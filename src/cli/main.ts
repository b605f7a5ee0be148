import { nearest } from '../core/asm/assembler';
import { CliError, EXIT, nodeIo, type Command, type Io } from './options';

/**
 * `npx pglab COMMAND …` (PG1.md §10). Each command lives in its own module exporting `command: Command`;
 * to add one, write src/cli/NAME.ts and add one line to this table.
 */
export const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  run: () => import('./run'),
  asm: () => import('./asm'),
  disasm: () => import('./disasm'),
  equiv: () => import('./equiv'),
  check: () => import('./check'),
};

async function help(io: Io): Promise<void> {
  const lines = ['PG Lab: the Popek & Goldberg (1974) machine, assembler and monitors', '', 'commands:'];
  for (const name of Object.keys(COMMANDS)) {
    const { command } = await COMMANDS[name]();
    lines.push(`  ${command.usage}`, `      ${command.summary}`);
  }
  lines.push('', "Run 'pglab COMMAND --help' for one command.");
  io.stdout(lines.join('\n') + '\n');
}

/** Runs one command line and returns its exit code; never throws, never prints a stack trace. */
export async function main(argv: string[], io: Io = nodeIo()): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined) {
      await help(io);
      return EXIT.BAD_INPUT;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      if (name === 'help' && rest[0] && Object.hasOwn(COMMANDS, rest[0])) return await main([rest[0], '--help'], io);
      await help(io);
      return EXIT.OK;
    }
    if (!Object.hasOwn(COMMANDS, name)) {
      const close = nearest(name, Object.keys(COMMANDS), false);
      throw new CliError(`unknown command '${name}'${close ? ` (did you mean ${close}?)` : ''}; commands are ${Object.keys(COMMANDS).join(', ')}`);
    }
    const { command } = await COMMANDS[name]();
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      if (e.message) io.stderr(`pglab: ${e.message}\n`);
      return e.code;
    }
    io.stderr(`pglab: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}
