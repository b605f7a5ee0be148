import { closeSync, openSync, readSync } from 'node:fs';
import { assemble, formatErrors, nearest, type AsmResult } from '../core/asm/assembler';
import { isPresetName, presetIsa, PRESET_NAMES, type Isa } from '../core/isa/isa';
import { formatIsaErrors, parseIsaFile } from '../core/isa/isafile';
import { DEFAULT_MAX_STEPS, MAX_Q, MIN_Q } from '../core/machine/machine';
import { MAX_DEPTH, MONITOR_KINDS, type MonitorKind } from '../core/vmm/kinds';

/**
 * What every command shares: the I/O it writes to, the error that ends it with an exit code, and the parsing
 * and checking of options (§10). A command never lets an exception escape as a stack trace: bad input is a
 * CliError with a plain message, printed by main as `pglab: message`.
 */

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  /** Whether stdout is a terminal (a console that does not end in a newline then gets one before the summary). */
  stdoutIsTTY: boolean;
}

export function nodeIo(): Io {
  // A reader that stops early (`pglab run x.s | head`) closes the pipe: end quietly, never with a stack trace.
  for (const s of [process.stdout, process.stderr]) {
    if (s.listenerCount('error') === 0) {
      s.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? (typeof process.exitCode === 'number' ? process.exitCode : 0) : 1));
    }
  }
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readFile: readBounded,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
  };
}

/**
 * The largest input file (a program or an ISA file) the CLI reads: 8 MiB. A program fills at most 2^20 words, a
 * few bytes of text each, so no real input comes near it; `/dev/zero` or a stray multi-gigabyte file stops here
 * with a plain error instead of filling memory.
 */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/** Thrown by readBounded when a file is larger than MAX_INPUT_BYTES. */
export class InputTooLarge extends Error {
  readonly code = 'ETOOLARGE';
}

/** Reads a file as UTF-8 in chunks, never more than MAX_INPUT_BYTES + 1 bytes (works for devices and pipes too). */
export function readBounded(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_BYTES) throw new InputTooLarge(`larger than ${MAX_INPUT_BYTES} bytes`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export interface Command {
  /** One line, e.g. `pglab asm FILE.s [--isa P|F.json]`. */
  usage: string;
  summary: string;
  run(args: string[], io: Io): Promise<number> | number;
}

/** Ends a command with an exit code; an empty message means the errors were already printed. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}

export const EXIT = { OK: 0, NOT_EQUIVALENT: 1, BAD_INPUT: 2, LIMIT: 3 } as const;

// ---------------------------------------------------------------------------------------------------------
// Argument parsing

export type OptionKind = 'flag' | 'value';

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

/** Splits `args` into positionals, `--name value` / `--name=value` options and `--flag`s; `--` ends options. */
export function parseArgs(cmd: string, args: readonly string[], spec: Readonly<Record<string, OptionKind>>): ParsedArgs {
  const out: ParsedArgs = { positional: [], values: new Map(), flags: new Set() };
  // A Map of the spec's own entries: `--toString` or `--__proto__` must not find Object.prototype's members.
  const known = new Map(Object.entries(spec));
  let onlyPositional = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (onlyPositional || !a.startsWith('-') || a === '-') {
      out.positional.push(a);
      continue;
    }
    if (a === '--') {
      onlyPositional = true;
      continue;
    }
    if (a === '-h' || a === '--help') {
      out.flags.add('help');
      continue;
    }
    const eq = a.indexOf('=');
    const name = (eq >= 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
    const kind = known.get(name);
    if (!kind || !a.startsWith('--')) {
      const close = nearest(name, known.keys(), false);
      throw new CliError(`unknown option '${eq >= 0 ? a.slice(0, eq) : a}' for 'pglab ${cmd}'${close ? ` (did you mean --${close}?)` : ''}`);
    }
    if (kind === 'flag') {
      if (eq >= 0) throw new CliError(`option --${name} takes no value`);
      out.flags.add(name);
    } else if (eq >= 0) {
      out.values.set(name, a.slice(eq + 1));
    } else {
      if (i + 1 >= args.length) throw new CliError(`option --${name} needs a value`);
      out.values.set(name, args[++i]);
    }
  }
  return out;
}

/** The one FILE argument of a command. */
export function oneFile(cmd: string, p: ParsedArgs): string {
  if (p.positional.length === 0) throw new CliError(`'pglab ${cmd}' needs a FILE.s`);
  if (p.positional.length > 1) throw new CliError(`'pglab ${cmd}' takes one FILE.s, got ${p.positional.length}: ${p.positional.join(' ')}`);
  return p.positional[0];
}

// ---------------------------------------------------------------------------------------------------------
// Checking values

function integer(s: string): number | null {
  return /^\d+$/.test(s.trim()) ? Number(s.trim()) : null;
}

export function parseMem(s: string): number {
  const q = integer(s);
  if (q === null || q < MIN_Q || q > MAX_Q) throw new CliError(`--mem must be an integer from ${MIN_Q} to ${MAX_Q}, got '${s}'`);
  return q;
}

export function parseMaxSteps(s: string): number {
  const n = integer(s);
  if (n === null || n < 1 || !Number.isSafeInteger(n)) throw new CliError(`--max-steps must be a positive integer, got '${s}'`);
  return n;
}

/** The monitor kinds and the depth limit are the core's (core/vmm/kinds.ts), written once. */
export type VmmKind = MonitorKind;
export { MAX_DEPTH };

/**
 * `--vmm full|hybrid` (§10), `bt|assist` (beyond 1974), or `--vmm PATH.s`: a monitor written in PG/1 (§8.1), any
 * path ending in `.s`. The message names §10's two monitors first, as the contract does.
 */
export function parseVmm(s: string): { kind: VmmKind } | { file: string } {
  const k = MONITOR_KINDS.find((x) => x === s);
  if (k) return { kind: k };
  if (/\.s$/i.test(s) && s.length > 2) return { file: s };
  throw new CliError(`--vmm must be full or hybrid or a monitor FILE.s (written in PG/1), got '${s}'`);
}

export type TimeOption = 'real' | 'virtual';

/** `--time real|virtual` (§11): what port 2 means to a guest under the built-in monitors. */
export function parseTime(s: string): TimeOption {
  if (s === 'real' || s === 'virtual') return s;
  throw new CliError(`--time must be real or virtual, got '${s}'`);
}

/**
 * The built-in monitors go to depth 8; a monitor written in PG/1 to any depth whose memory fits (Q + N × guest
 * words, checked by the tower loader).
 */
export function parseDepth(s: string, builtIn = true): number {
  const n = integer(s);
  if (builtIn && (n === null || n < 1 || n > MAX_DEPTH)) throw new CliError(`--depth must be an integer from 1 to ${MAX_DEPTH}, got '${s}'`);
  if (n === null || n < 1 || !Number.isSafeInteger(n)) throw new CliError(`--depth must be a positive integer, got '${s}'`);
  return n;
}

export function readText(file: string, io: Io): string {
  try {
    // A byte-order mark (Windows editors add one) is not part of the program or the JSON.
    return io.readFile(file).replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ETOOLARGE') throw new CliError(`${file}: input too large (the limit is ${MAX_INPUT_BYTES} bytes, 8 MiB)`);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message ?? e);
    throw new CliError(`cannot read ${file}: ${why}`);
  }
}

/** `--isa P` (a preset) or `--isa F.json` (an ISA file, §10). */
export function loadIsa(spec: string | undefined, io: Io): Isa {
  if (spec === undefined) return presetIsa('pg1');
  if (isPresetName(spec)) return presetIsa(spec);
  if (!/\.json$/i.test(spec) && !spec.includes('/') && !spec.includes('\\')) {
    const close = nearest(spec, PRESET_NAMES);
    throw new CliError(`unknown ISA preset '${spec}'${close ? ` (did you mean ${close}?)` : ''}; presets are ${PRESET_NAMES.join(', ')}, or give an ISA file F.json`);
  }
  const text = readText(spec, io);
  let r: ReturnType<typeof parseIsaFile>;
  try {
    r = parseIsaFile(text, spec);
  } catch (e) {
    // An effect nested hundreds deep (or a chain of 100,000 terms) exhausts the stack: bad input, not a crash.
    if (e instanceof RangeError) throw new CliError(`${spec}: an effect is too deeply nested or too long to read (${e.message})`);
    throw e;
  }
  if (!r.ok) {
    io.stderr(formatIsaErrors(spec, r.errors) + '\n');
    throw new CliError('');
  }
  return r.isa;
}

/** Reads and assembles FILE; prints every error as `FILE:LINE:COL: message` and fails with exit 2. */
export function assembleFile(file: string, isa: Isa, io: Io): { source: string; asm: AsmResult } {
  const source = readText(file, io);
  const asm = assemble(source, isa);
  if (!asm.ok) {
    io.stderr(formatErrors(asm.errors, file) + '\n');
    throw new CliError('');
  }
  return { source, asm };
}

/**
 * The arguments of a command that reads one FILE.s under `--isa` (asm, disasm): null after printing the usage
 * for --help, else the ISA and the assembled file.
 */
/** What `asm` and `disasm` get once FILE is assembled under --isa. */
export interface Assembled {
  isa: Isa;
  source: string;
  asm: AsmResult;
}

/**
 * A command that takes one FILE.s and --isa (`asm`, `disasm`): parses the options, answers --help with the
 * usage, assembles FILE and hands the result to `print`, then exits OK (bad input throws a CliError on the way).
 */
export function assembleCommand(name: string, usage: string, summary: string, print: (a: Assembled, io: Io) => void): Command {
  return {
    usage,
    summary,
    run(args, io) {
      const p = parseArgs(name, args, { isa: 'value' });
      if (p.flags.has('help')) io.stdout(`usage: ${usage}\n`);
      else {
        const file = oneFile(name, p);
        const isa = loadIsa(p.values.get('isa'), io);
        print({ isa, ...assembleFile(file, isa, io) }, io);
      }
      return EXIT.OK;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The options of `run` (and of `equiv`, "same options")

export const RUN_OPTIONS: Readonly<Record<string, OptionKind>> = {
  isa: 'value',
  vmm: 'value',
  depth: 'value',
  mem: 'value',
  input: 'value',
  'max-steps': 'value',
  time: 'value',
  json: 'flag',
  hypercalls: 'flag',
  properties: 'flag',
};

export interface RunOptions {
  file: string;
  isa: Isa;
  /** --mem as given, or null: the caller picks the default (65536 bare, 16384 for a VM). */
  mem: number | null;
  input: string;
  maxSteps: number;
  /** --max-steps was given (else maxSteps is §4's default; a tower of PG/1 monitors then uses towerMaxSteps). */
  maxStepsGiven: boolean;
  json: boolean;
  /** A built-in monitor, or null (bare, or a monitor written in PG/1: see monitorFile). */
  vmm: VmmKind | null;
  /** `--vmm PATH.s`: the monitor's source file, or null. */
  monitorFile: string | null;
  /** Nested monitors; 1 when --vmm is given without --depth, 0 for a bare run. */
  depth: number;
  /** What the guest's port 2 is (§11): virtual unless --time real; only with a monitor. */
  time: TimeOption;
  /** `--hypercalls`: the full monitor serves the paravirtual interface of docs/HYPERCALLS.md (not §8). */
  paravirt: boolean;
  /** `--properties`: `--json` under a monitor adds the three VMM properties (properties.ts) after §10's keys. */
  properties: boolean;
  help: boolean;
}

/** Parses and checks the run options; every value is checked before the file is read. */
export function parseRunOptions(cmd: string, args: readonly string[], io: Io): RunOptions {
  const p = parseArgs(cmd, args, RUN_OPTIONS);
  const help = p.flags.has('help');
  if (help) return { file: '', isa: presetIsa('pg1'), mem: null, input: '', maxSteps: DEFAULT_MAX_STEPS, maxStepsGiven: false, json: false, vmm: null, monitorFile: null, depth: 0, time: 'virtual', paravirt: false, properties: false, help };
  const v = p.values;
  const mem = v.has('mem') ? parseMem(v.get('mem')!) : null;
  const maxSteps = v.has('max-steps') ? parseMaxSteps(v.get('max-steps')!) : DEFAULT_MAX_STEPS;
  const m = v.has('vmm') ? parseVmm(v.get('vmm')!) : null;
  const vmm = m && 'kind' in m ? m.kind : null;
  const monitorFile = m && 'file' in m ? m.file : null;
  const depthGiven = v.has('depth') ? parseDepth(v.get('depth')!, monitorFile === null) : null;
  if (depthGiven !== null && m === null) throw new CliError('--depth needs --vmm (full, hybrid or a monitor FILE.s)');
  const time = v.has('time') ? parseTime(v.get('time')!) : 'virtual';
  // A bare machine has only its own clock: --time chooses what a built-in monitor gives its guest, so it needs one.
  // A monitor written in PG/1 decides for itself what port 2 means (§11): ours keep virtual time.
  if (v.has('time') && vmm === null)
    throw new CliError(monitorFile ? '--time applies to the built-in monitors; a monitor written in PG/1 decides what port 2 means to its guest' : '--time needs --vmm full or --vmm hybrid (a bare machine has only its own clock)');
  const file = oneFile(cmd, p);
  const isa = loadIsa(v.get('isa'), io);
  if (vmm === 'assist' && !isa.assist) {
    throw new CliError(`--vmm assist needs an ISA with hardware assist ("assist": true in an ISA file, e.g. examples/x86-assist.json); ${isa.name} has none`);
  }
  const paravirt = p.flags.has('hypercalls');
  if (paravirt && vmm !== 'full') throw new CliError('--hypercalls is served by the full monitor: add --vmm full');
  const depth = m ? (depthGiven ?? 1) : 0;
  return { file, isa, mem, input: v.get('input') ?? '', maxSteps, maxStepsGiven: v.has('max-steps'), json: p.flags.has('json'), vmm, monitorFile, depth, time, paravirt, properties: p.flags.has('properties'), help };
}
