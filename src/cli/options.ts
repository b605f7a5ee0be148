import { readFileSync } from 'node:fs';
import { assemble, formatErrors, nearest, type AsmResult } from '../core/asm/assembler';
import { isPresetName, presetIsa, PRESET_NAMES, type Isa } from '../core/isa/isa';
import { formatIsaErrors, parseIsaFile } from '../core/isa/isafile';
import { DEFAULT_MAX_STEPS, MAX_Q, MIN_Q } from '../core/machine/machine';
import { MONITOR_KINDS, type MonitorKind } from '../core/vmm/monitor';

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
    readFile: (p) => readFileSync(p, 'utf8'),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
  };
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
    const kind = spec[name];
    if (!kind || !a.startsWith('--')) {
      const close = nearest(name, Object.keys(spec), false);
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

export type VmmKind = MonitorKind;
export const MAX_DEPTH = 8;

export function parseVmm(s: string): VmmKind {
  const k = MONITOR_KINDS.find((x) => x === s);
  if (k) return k;
  // The message names §10's two monitors, as the contract does; the kinds beyond 1974 are in --help and the README.
  throw new CliError(`--vmm must be full or hybrid, got '${s}'`);
}

export type TimeOption = 'real' | 'virtual';

/** `--time real|virtual` (§11): what port 2 means to a guest under the built-in monitors. */
export function parseTime(s: string): TimeOption {
  if (s === 'real' || s === 'virtual') return s;
  throw new CliError(`--time must be real or virtual, got '${s}'`);
}

export function parseDepth(s: string): number {
  const n = integer(s);
  if (n === null || n < 1 || n > MAX_DEPTH) throw new CliError(`--depth must be an integer from 1 to ${MAX_DEPTH}, got '${s}'`);
  return n;
}

export function readText(file: string, io: Io): string {
  try {
    // A byte-order mark (Windows editors add one) is not part of the program or the JSON.
    return io.readFile(file).replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as { code?: string }).code;
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
};

export interface RunOptions {
  file: string;
  isa: Isa;
  /** --mem as given, or null: the caller picks the default (65536 bare, 16384 for a VM). */
  mem: number | null;
  input: string;
  maxSteps: number;
  json: boolean;
  vmm: VmmKind | null;
  /** Nested monitors; 1 when --vmm is given without --depth, 0 for a bare run. */
  depth: number;
  /** What the guest's port 2 is (§11): virtual unless --time real; only with a monitor. */
  time: TimeOption;
  help: boolean;
}

/** Parses and checks the run options; every value is checked before the file is read. */
export function parseRunOptions(cmd: string, args: readonly string[], io: Io): RunOptions {
  const p = parseArgs(cmd, args, RUN_OPTIONS);
  const help = p.flags.has('help');
  if (help) return { file: '', isa: presetIsa('pg1'), mem: null, input: '', maxSteps: DEFAULT_MAX_STEPS, json: false, vmm: null, depth: 0, time: 'virtual', help };
  const v = p.values;
  const mem = v.has('mem') ? parseMem(v.get('mem')!) : null;
  const maxSteps = v.has('max-steps') ? parseMaxSteps(v.get('max-steps')!) : DEFAULT_MAX_STEPS;
  const vmm = v.has('vmm') ? parseVmm(v.get('vmm')!) : null;
  const depthGiven = v.has('depth') ? parseDepth(v.get('depth')!) : null;
  if (depthGiven !== null && vmm === null) throw new CliError('--depth needs --vmm full or --vmm hybrid');
  const time = v.has('time') ? parseTime(v.get('time')!) : 'virtual';
  // A bare machine has only its own clock: --time chooses what a monitor gives its guest, so it needs one.
  if (v.has('time') && vmm === null) throw new CliError('--time needs --vmm full or --vmm hybrid (a bare machine has only its own clock)');
  const file = oneFile(cmd, p);
  const isa = loadIsa(v.get('isa'), io);
  if (vmm === 'assist' && !isa.assist) {
    throw new CliError(`--vmm assist needs an ISA with hardware assist ("assist": true in an ISA file, e.g. examples/x86-assist.json); ${isa.name} has none`);
  }
  return { file, isa, mem, input: v.get('input') ?? '', maxSteps, json: p.flags.has('json'), vmm, depth: vmm ? (depthGiven ?? 1) : 0, time, help };
}
