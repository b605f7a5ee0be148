import type { AsmResult } from '../core/asm/assembler';
import { fitsMemory } from '../core/run';
import { checkStack, DEFAULT_VM_SIZE, runBare, runVirtual, type RunResult } from '../core/vmm/stack';
import { endEquivalence, runProperties } from '../core/vmm/properties';
import type { ResourceEvent } from '../core/vmm/monitor';
import { equiv, equivLockstep } from '../core/vmm/equiv';
import { equivPgMonitor } from './pgmonitor';
import { assembleFile, CliError, EXIT, parseRunOptions, RUN_OPTIONS, type Command, type Io, type RunOptions } from './options';

/**
 * `pglab equiv FILE.s`: runs the program bare (q = Q) and in a VM of size Q under N nested monitors, and compares
 * the end states under f (PG1.md §8, §10). Exit 0 equivalent, 1 not, 2 bad input. `--lockstep` runs both side
 * by side and names the first instruction after which they differ. Also `runInMonitor`, the `--vmm` half of
 * `pglab run`.
 */

/**
 * The §10 run object (without memory). A run under a monitor whose guest broke resource control (§8) also has
 * `resourceControl`, the first breach; the key is absent otherwise, so that every run that keeps the contract
 * prints exactly the §10 keys.
 */
export function runJsonOf(r: RunResult) {
  const j = { status: r.status, steps: r.steps, console: r.console, psw: r.psw, regs: r.regs, stats: r.stats };
  return r.resourceControl ? { ...j, resourceControl: r.resourceControl } : j;
}

/** One line on a breach of resource control (§8), for stderr. */
export function resourceLine(e: ResourceEvent): string {
  const what =
    e.kind === 'supervisor'
      ? `put the real processor in supervisor mode (it would go on at real address ${e.address})`
      : `${e.access === 'lpsw' ? 'read (LPSW)' : e.access === 'fetch' ? 'fetched from' : e.access === 'store' ? 'stored to' : 'loaded from'} real address ${e.address}, outside its allocation (monitor level ${e.level}'s memory)`;
  return `resource control broken: at guest step ${e.step} the guest ${what}`;
}

/** The per-technique counters beyond §10 (translated, hypercalls, exits), for the stderr summaries. */
export function beyondCounts(st: RunResult['stats']): string {
  const parts: string[] = [];
  if (st.translated !== undefined) parts.push(`${st.translated} translated`);
  if (st.hypercalls !== undefined) parts.push(`${st.hypercalls} hypercalls`);
  if (st.exits !== undefined) parts.push(`${st.exits} guest-mode exits`);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

/** Help for the monitors (`--help` of run and equiv). */
export const VMM_HELP =
  '  --vmm full       Theorem 1\'s monitor: guest code runs directly, privileged instructions are interpreted\n' +
  '  --hypercalls     with --vmm full: in virtual supervisor mode SVC 0xFF00..0xFF05 are hypercalls served by\n' +
  '                   the monitor (paravirtualization, docs/HYPERCALLS.md) instead of reflected as §8 says\n' +
  '  --vmm PATH.s     a monitor written in PG/1 (§8.1), e.g. monitors/full.s or monitors/hybrid.s\n' +
  '  --vmm hybrid     Theorem 3\'s monitor: every virtual-supervisor instruction interpreted\n' +
  '  --vmm bt         binary translation: virtual-supervisor code translated into cached, chained blocks\n' +
  '  --vmm assist     hardware assist: the guest runs in guest mode (an ISA file with "assist": true,\n' +
  '                   e.g. examples/x86-assist.json), every sensitive instruction exits to the monitor\n' +
  '  --json stats add "translated" (bt), "hypercalls" (--hypercalls, when any) and "exits" (assist) to the §10 keys\n';

/** Checks the VM size against the depth and the program against the VM; returns w. */
function vmSize(o: RunOptions, asm: AsmResult): number {
  const w = o.mem ?? DEFAULT_VM_SIZE;
  const err = checkStack(w, o.depth);
  if (err) throw new CliError(err);
  const tooBig = fitsMemory(asm.size, w);
  if (tooBig) throw new CliError(`${o.file}: ${tooBig} (the VM's size, --mem)`);
  return w;
}

/** `pglab run --vmm …`: the guest's console on stdout, a summary on stderr, or the §10 object with --json. */
export function runInMonitor(o: RunOptions, asm: AsmResult, io: Io): number {
  const w = vmSize(o, asm);
  const r = runVirtual(asm.image, { isa: o.isa, kind: o.vmm!, depth: o.depth, w, input: o.input, maxSteps: o.maxSteps, time: o.time, paravirt: o.paravirt });
  if (o.json && o.properties) {
    // The three properties of a VMM (properties.ts): equivalence needs the bare run, made only when asked for.
    const bare = runBare(asm.image, { isa: o.isa, q: w, input: o.input, maxSteps: o.maxSteps });
    io.stdout(JSON.stringify({ ...runJsonOf(r), properties: runProperties(r, o.isa, endEquivalence(bare, r)) }) + '\n');
  } else if (o.json) {
    io.stdout(JSON.stringify(runJsonOf(r)) + '\n');
  } else {
    io.stdout(r.console);
    if (io.stdoutIsTTY && r.console !== '' && !r.console.endsWith('\n')) io.stdout('\n');
    if (r.resourceControl) io.stderr(resourceLine(r.resourceControl) + '\n');
    const s = r.steps === 1 ? 'step' : 'steps';
    const where = `in a ${o.vmm} VM of ${w} words at depth ${o.depth}${o.time === 'real' ? ' (real time)' : ''}`;
    const st = r.stats;
    io.stderr(
      (r.status === 'halted' ? `halted after ${r.steps} ${s} ${where}` : `step limit reached after ${r.steps} ${s} ${where} (--max-steps ${o.maxSteps})`) +
        `: ${st.direct} direct, ${st.trapped} trapped, ${st.interpreted} interpreted${beyondCounts(st)}\n`,
    );
  }
  return r.status === 'halted' ? EXIT.OK : EXIT.LIMIT;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export const command: Command = {
  usage: 'pglab equiv FILE.s [--isa P|F.json] [--vmm full|hybrid|bt|assist|PATH.s] [--depth N] [--time real|virtual] [--hypercalls] [--properties] [--mem Q] [--input TEXT] [--max-steps N] [--json] [--lockstep]',
  summary: 'run a program bare and in a VM and compare the end states under f (exit 0 equivalent, 1 not, 2 bad input)',
  run(args, io) {
    // equiv always virtualizes: the full monitor unless --vmm says otherwise; --lockstep is equiv's own flag.
    // Scanned like parseArgs does, so that a value (`--input --vmm`) is not taken for an option.
    let lockstep = false;
    let vmmGiven = false;
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--') {
        rest.push(...args.slice(i));
        break;
      }
      if (a === '--lockstep') {
        lockstep = true;
        continue;
      }
      rest.push(a);
      if (a === '--vmm' || a.startsWith('--vmm=')) vmmGiven = true;
      if (a.startsWith('--') && !a.includes('=') && Object.hasOwn(RUN_OPTIONS, a.slice(2)) && RUN_OPTIONS[a.slice(2)] === 'value' && i + 1 < args.length) rest.push(args[++i]);
    }
    if (!vmmGiven) rest.unshift('--vmm', 'full');
    const o = parseRunOptions('equiv', rest, io);
    if (o.help) {
      io.stdout(`usage: ${command.usage}\n${VMM_HELP}`);
      return EXIT.OK;
    }
    if (o.monitorFile && lockstep) throw new CliError('--lockstep works with the built-in monitors (--vmm full or hybrid), not with a monitor written in PG/1');
    const { asm } = assembleFile(o.file, o.isa, io);
    if (o.monitorFile) return equivPgMonitor(o, asm, io);
    const w = vmSize(o, asm);
    const opts = { isa: o.isa, kind: o.vmm!, depth: o.depth, w, input: o.input, maxSteps: o.maxSteps, time: o.time, paravirt: o.paravirt };
    const r = equiv(asm.image, opts);
    const ls = lockstep ? equivLockstep(asm.image, opts) : null;
    const at = ls && ls.address !== null ? { step: ls.step, pc: ls.pc, address: ls.address, line: asm.lineOfAddr.get(ls.address) ?? null } : null;
    if (o.json) {
      const out: Record<string, unknown> = {
        equivalent: r.equivalent,
        divergence: r.divergence,
        native: runJsonOf(r.native),
        virtual: runJsonOf(r.virtual),
      };
      if (lockstep) out.lockstep = at ? { ...at, field: ls!.divergence!.field } : null;
      if (o.properties) {
        const eq = endEquivalence(r.native, r.virtual);
        if (ls) eq.how += `; lockstep: compared after each of ${ls.steps} steps${at ? `, first difference after step ${at.step}` : ''}`;
        if (eq.divergence && at) eq.divergence.step = at.step;
        out.properties = runProperties(r.virtual, o.isa, eq);
      }
      io.stdout(JSON.stringify(out) + '\n');
    } else {
      const where = `${o.vmm === 'assist' ? 'an' : 'a'} ${o.vmm} VM of ${w} words at depth ${o.depth} (ISA ${o.isa.name}${o.time === 'real' ? ', real time' : ''})`;
      if (r.equivalent) {
        io.stdout(`equivalent: bare and ${where} end in the same state (${r.native.status} after ${r.native.steps} steps)\n`);
      } else {
        const d = r.divergence!;
        io.stdout(`not equivalent: bare and ${where} differ first in ${d.field}: native ${show(d.native)}, virtual ${show(d.virtual)}\n`);
      }
      if (at) {
        const d = ls!.divergence!;
        io.stdout(
          `lockstep: the states first differ after step ${at.step}, the instruction at P = ${at.pc} (address ${at.address}` +
            `${at.line !== null ? `, ${o.file}:${at.line}` : ''}): ${d.field} native ${show(d.native)}, virtual ${show(d.virtual)}\n`,
        );
      } else if (lockstep) {
        io.stdout(`lockstep: no difference after any of ${ls!.steps} steps\n`);
      }
      if (r.virtual.resourceControl) io.stderr(`virtual: ${resourceLine(r.virtual.resourceControl)}\n`);
      const st = r.virtual.stats;
      const lv = st.levels.map((l, k) => `level ${k + 1}: ${l.traps} traps, ${l.reflected} reflected, ${l.interpreted} interpreted`).join('; ');
      io.stderr(`virtual: ${st.direct} direct, ${st.trapped} trapped, ${st.interpreted} interpreted${beyondCounts(st)}; ${lv}\n`);
    }
    return r.equivalent ? EXIT.OK : EXIT.NOT_EQUIVALENT;
  },
};
