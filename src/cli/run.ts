import { DEFAULT_Q } from '../core/machine/machine';
import { fitsMemory, runBare } from '../core/run';
import { runInMonitor, VMM_HELP } from './equiv';
import { runInPgMonitor } from './pgmonitor';
import { assembleFile, CliError, EXIT, parseRunOptions, type Command } from './options';

/**
 * `pglab run FILE.s`: assembles the program and runs it on a bare machine of q words (§4, §10). The console
 * goes to stdout and a one-line summary to stderr, so that `pglab run x.s > out.txt` keeps only the program's
 * output; `--json` prints the §10 run object instead.
 */
export const command: Command = {
  usage: 'pglab run FILE.s [--isa P|F.json] [--vmm full|hybrid|bt|assist|PATH.s] [--depth N] [--time real|virtual] [--hypercalls] [--properties] [--mem Q] [--input TEXT] [--max-steps N] [--json]',
  summary:
    'run a program on the bare machine, or in a VM under N nested monitors, built in or written in PG/1 (--vmm monitors/full.s) (exit 0 halted, 3 step limit, 2 bad input)',
  run(args, io) {
    const o = parseRunOptions('run', args, io);
    if (o.help) {
      io.stdout(`usage: ${command.usage}\n${VMM_HELP}`);
      return EXIT.OK;
    }
    const { asm } = assembleFile(o.file, o.isa, io);
    if (o.monitorFile) return runInPgMonitor(o, asm, io);
    if (o.vmm) return runInMonitor(o, asm, io);
    const q = o.mem ?? DEFAULT_Q;
    const tooBig = fitsMemory(asm.size, q);
    if (tooBig) throw new CliError(`${o.file}: ${tooBig}${o.mem === null ? '' : ' (--mem)'}`);
    const { json, status } = runBare(asm.image, { isa: o.isa, q, input: o.input, maxSteps: o.maxSteps });
    if (o.json) {
      io.stdout(JSON.stringify(json) + '\n');
    } else {
      io.stdout(json.console);
      if (io.stdoutIsTTY && json.console !== '' && !json.console.endsWith('\n')) io.stdout('\n');
      const s = json.steps === 1 ? 'step' : 'steps';
      io.stderr(status === 'halted' ? `halted after ${json.steps} ${s}\n` : `step limit reached after ${json.steps} ${s} (--max-steps ${o.maxSteps})\n`);
    }
    return status === 'halted' ? EXIT.OK : EXIT.LIMIT;
  },
};
