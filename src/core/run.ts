import { presetIsa, type Isa } from './isa/isa';
import { ConsoleDevices, DEFAULT_MAX_STEPS, DEFAULT_Q, Machine, Stop, type Image, type PSW } from './machine/machine';

/**
 * The result of a run as PG1.md §10 prints it (`pglab run --json`), built from a machine. DOM-free, so the CLI
 * and the web worker give the same object.
 */

export type RunStatus = 'halted' | 'limit';

export interface LevelStatsJson {
  traps: number;
  reflected: number;
  interpreted: number;
}

export interface RunStatsJson {
  /** Guest instructions the real processor executed with no monitor involved. */
  direct: number;
  trapped: number;
  interpreted: number;
  levels: LevelStatsJson[];
  /**
   * Beyond 1974 (extra keys, present only under the monitor that has them): guest instructions run as translated
   * code (`bt`; then direct + trapped + interpreted + translated = steps), hypercalls served (`para`), guest-mode
   * exits taken on the real machine (`assist`).
   */
  translated?: number;
  hypercalls?: number;
  exits?: number;
}

export interface PswJson {
  mode: 's' | 'u';
  pc: number;
  l: number;
  b: number;
}

export interface RunJson {
  status: RunStatus;
  steps: number;
  console: string;
  psw: PswJson;
  regs: number[];
  stats: RunStatsJson;
}

export function pswJson(p: PSW): PswJson {
  return { mode: p.mode === 0 ? 's' : 'u', pc: p.pc, l: p.l, b: p.b };
}

/** Traps taken since boot, all causes. */
export function trapTotal(m: Machine): number {
  let n = 0;
  for (const c of m.trapCounts) n += c;
  return n;
}

/**
 * Statistics of a bare run, with the same meaning as under a monitor so that direct + trapped + interpreted =
 * steps everywhere: instructions that trapped are counted as trapped, all others ran directly; no levels.
 */
export function bareStats(m: Machine): RunStatsJson {
  const trapped = trapTotal(m);
  return { direct: m.steps - trapped, trapped, interpreted: 0, levels: [] };
}

/**
 * The §10 run object. For a bare machine pass only the machine; a monitor passes the guest's virtual PSW,
 * registers, step count and its statistics.
 */
export function runJson(
  m: Machine,
  status: RunStatus,
  guest?: { psw: PSW; regs: ArrayLike<number>; steps: number; console?: string; stats: RunStatsJson },
): RunJson {
  return {
    status,
    steps: guest?.steps ?? m.steps,
    console: guest?.console ?? m.console,
    psw: pswJson(guest?.psw ?? m.psw),
    regs: Array.from(guest?.regs ?? m.regs),
    stats: guest?.stats ?? bareStats(m),
  };
}

/** Null when a program of `size` words (highest address + 1) fits a memory of q words, else why not. */
export function fitsMemory(size: number, q: number): string | null {
  if (size <= q) return null;
  return `the program needs ${size} words of memory (it reaches address ${size - 1}), but memory has ${q} words`;
}

export interface BareRunOptions {
  isa?: Isa;
  q?: number;
  input?: string;
  maxSteps?: number;
}

/**
 * Boots a bare machine of q words on the image (§4) and runs it until HALT or the step limit. Throws a
 * RangeError when the image does not fit; check with `fitsMemory` first to report it nicely.
 */
export function runBare(image: Image, opts: BareRunOptions = {}): { machine: Machine; status: RunStatus; json: RunJson } {
  const machine = new Machine({ q: opts.q ?? DEFAULT_Q, isa: opts.isa ?? presetIsa('pg1'), dev: new ConsoleDevices(opts.input ?? '') });
  machine.boot(image);
  const r = machine.run(opts.maxSteps ?? DEFAULT_MAX_STEPS);
  const status: RunStatus = r === Stop.HALTED ? 'halted' : 'limit';
  return { machine, status, json: runJson(machine, status) };
}
