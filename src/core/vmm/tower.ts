/**
 * A tower of monitors written in PG/1 (PG1.md §8.1). Unlike the TypeScript monitors of monitor.ts, here every
 * monitor is a PG/1 program that runs on the real machine like any other: the loader only builds memory.
 *
 * The monitor ABI: the monitor's source defines `guest` (first word of its guest's window; its own image ends
 * below it), `guest_entry` (a word the loader fills with the guest's entry) and `vpsw` (the guest's virtual PSW
 * M, P, l, b, valid at least when the machine halts). With depth N and guest size Q:
 *   level N = the guest's image; level k = the monitor's image with level k+1's image at `guest` (its word a at
 *   `guest + a`) and level k+1's entry at `guest_entry`;
 * the real machine boots level 1 with q = Q + N × guest. Level k's code then lies at real addresses
 * [(k−1) × guest, k × guest) and the guest's window at N × guest.
 *
 * The run is sliced so that every level's real cost is counted exactly and cheaply: the real machine returns
 * after every trap, mode change or change of the relocation base (EXIT_ON_TRAP | EXIT_ON_MODE | EXIT_ON_RELOC),
 * so within one slice R is constant and every instruction of the slice is fetched through one window. The slice
 * is attributed to the level whose memory that window starts in (tower.test.ts proves this equals attributing
 * each fetch by its real address). Between traps the guest runs at full speed, compiled blocks included.
 */
import { assemble } from '../asm/assembler';
import { presetIsa, type Isa } from '../isa/isa';
import { ConsoleDevices, DEFAULT_MAX_STEPS, Machine, MAX_Q, MIN_Q, RunFlag, Stop, type Image, type PSW } from '../machine/machine';
import { pswJson, runBare, trapTotal, type PswJson, type RunStatus } from '../run';
import { compareStates, type Divergence } from './equiv';
import { DEFAULT_VM_SIZE } from './stack';

/**
 * The default real-step limit of a tower of depth N: PG1.md §4's 10,000,000 at depth 1, three times more per
 * further level, at most 1,000,000,000. Steps are real (every level's), and each level multiplies the real cost
 * of the guest's work (a trap about 4× under full.s, an interpreted instruction about 23× under hybrid.s), so a
 * fixed limit would stop deep towers before the guest has done what a bare run of 10,000,000 steps does; the
 * cap keeps a program that never halts from running for minutes. `--max-steps` given explicitly is used as is.
 */
export function towerMaxSteps(depth: number): number {
  return Math.min(DEFAULT_MAX_STEPS * 3 ** Math.max(0, depth - 1), TOWER_MAX_STEPS_CAP);
}
export const TOWER_MAX_STEPS_CAP = 1_000_000_000;

/** The labels every PG/1 monitor defines (§8.1). */
export const MONITOR_LABELS = ['guest', 'guest_entry', 'vpsw'] as const;

/** The statistics `run --json` prints for a PG/1 monitor (§8.1). */
export interface TowerStats {
  real: { steps: number; traps: number };
  /** One per monitor, outermost first: real instructions whose window starts in that monitor's memory. */
  levels: { instructions: number }[];
  guest: { instructions: number };
}

/** The run object of §10 for a tower: psw and regs are the guest's; `steps` are real steps. */
export interface TowerResult {
  status: RunStatus;
  /** Real instructions executed (every level's), not the guest's alone: see stats.guest for those. */
  steps: number;
  console: string;
  psw: PswJson;
  regs: number[];
  stats: TowerStats;
  /** The guest's window: Q words at real N × guest. */
  mem: Int32Array;
}

export interface TowerOptions {
  isa?: Isa;
  /** Nested monitors, N ≥ 1 (default 1). */
  depth?: number;
  /** Q, the innermost VM's size (default 16384). */
  mem?: number;
  input?: string;
  /** The monitor's file name, for error messages (default `monitor.s`). */
  monitorFile?: string;
  /** Block compilation on the real machine (default true). */
  jit?: boolean;
}

/** A loader error, printed `FILE:LINE:COL: message` (file empty: a plain message). */
export interface TowerError {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatTowerErrors(errors: readonly TowerError[]): string {
  return errors.map((e) => (e.file ? `${e.file}:${e.line}:${e.col}: ${e.message}` : e.message)).join('\n');
}

/** What the loader learns from a monitor's source: its image and the three ABI labels. */
export interface MonitorImage {
  image: Image;
  guest: number;
  guestEntry: number;
  vpsw: number;
}

/** Assembles a monitor with the guest's ISA and checks the ABI. Never throws. */
export function loadMonitor(source: string, isa: Isa, file = 'monitor.s'): { ok: true; monitor: MonitorImage } | { ok: false; errors: TowerError[] } {
  const asm = assemble(source, isa);
  if (!asm.ok) return { ok: false, errors: asm.errors.map((e) => ({ file, line: e.line, col: e.col, message: e.message })) };
  const errors: TowerError[] = [];
  const sym: Record<string, number> = {};
  for (const name of MONITOR_LABELS) {
    const v = asm.symbols.get(name);
    if (v === undefined) errors.push({ file, line: 1, col: 1, message: `monitor ABI: label '${name}' is not defined` });
    else sym[name] = v;
  }
  if (errors.length > 0) return { ok: false, errors };
  const g = sym.guest;
  if (g < 16 || g > MAX_Q - MIN_Q) {
    return { ok: false, errors: [{ file, line: 1, col: 1, message: `monitor ABI: 'guest' must be from 16 (above the monitor's trap frame and vector) to ${MAX_Q - MIN_Q}, got ${g}` }] };
  }
  // The monitor's image must end below its guest's window: report the first word at or past it.
  const past = asm.image.words.find(([a]) => a >= g);
  if (past) {
    const line = asm.lineOfAddr.get(past[0]) ?? 1;
    return {
      ok: false,
      errors: [{ file, line, col: 1, message: `monitor ABI: the monitor's image must end below 'guest' (${g}), but this line emits address ${past[0]}` }],
    };
  }
  for (const [name, size] of [['guest_entry', 1], ['vpsw', 4]] as const) {
    const a = sym[name];
    if (a < 12 || a + size > g) {
      return { ok: false, errors: [{ file, line: 1, col: 1, message: `monitor ABI: '${name}' (${a}) must lie in the monitor's own memory, from 12 up to 'guest' (${g})` }] };
    }
  }
  return { ok: true, monitor: { image: asm.image, guest: g, guestEntry: sym.guest_entry, vpsw: sym.vpsw } };
}

/** Real memory for a guest of Q words under N monitors, or a plain message when it does not fit. */
export function towerSize(guest: number, depth: number, q: number): { ok: true; q: number } | { ok: false; message: string } {
  if (!Number.isInteger(depth) || depth < 1) return { ok: false, message: `--depth must be a positive integer, got ${depth}` };
  if (!Number.isInteger(q) || q < MIN_Q) return { ok: false, message: `VM memory size must be an integer of at least ${MIN_Q} words, got ${q}` };
  const real = q + depth * guest;
  if (real > MAX_Q) {
    const largest = MAX_Q - depth * guest;
    return {
      ok: false,
      message:
        `a VM of ${q} words under ${depth} monitor${depth === 1 ? '' : 's'} whose 'guest' is ${guest} needs ${q} + ${depth} × ${guest} = ${real} words of real memory, ` +
        `more than the ${MAX_Q} the machine has; ` +
        (largest >= MIN_Q ? `the largest VM at this depth is ${largest} words` : `a VM of ${q} words fits under at most ${Math.floor((MAX_Q - q) / guest)} levels`),
    };
  }
  return { ok: true, q: real };
}

/** Level k's image: the monitor with level k+1 placed at `guest` and its entry at `guest_entry`. */
export function nestImage(mon: MonitorImage, inner: Image): Image {
  const words: Array<[number, number]> = [];
  for (const [a, w] of mon.image.words) if (a !== mon.guestEntry) words.push([a, w]);
  words.push([mon.guestEntry, inner.entry]);
  for (const [a, w] of inner.words) words.push([mon.guest + a, w]);
  words.sort((x, y) => x[0] - y[0]);
  return { words, entry: mon.image.entry };
}

const SLICE_FLAGS = RunFlag.EXIT_ON_TRAP | RunFlag.EXIT_ON_MODE | RunFlag.EXIT_ON_RELOC;

/** A booted tower on a real machine. Build it with `buildTower`. */
export class Tower {
  readonly real: Machine;
  /** Real instructions per level, outermost first; the last entry is the guest's. */
  readonly counts: Float64Array;

  constructor(
    readonly monitor: MonitorImage,
    readonly depth: number,
    /** The innermost VM's size Q. */
    readonly w: number,
    readonly image: Image,
    opts: { isa: Isa; input: string; jit: boolean; q: number },
  ) {
    this.real = new Machine({ q: opts.q, isa: opts.isa, dev: new ConsoleDevices(opts.input), jit: opts.jit });
    this.counts = new Float64Array(depth + 1);
    this.boot();
  }

  /** Where the guest's window starts in real memory. */
  get guestBase(): number {
    return this.depth * this.monitor.guest;
  }

  /**
   * Boots the real machine on level 1's image (levels 2..N and the guest nested inside it). The result is
   * `nestImage` applied N times, written straight into real memory (linear in N, so deep towers load fast).
   */
  boot(): void {
    const m = this.real;
    const E = m.mem;
    const { guest, guestEntry, image } = this.monitor;
    m.boot();
    for (let k = 0; k < this.depth; k++) {
      const base = k * guest;
      for (const [a, w] of image.words) E[base + a] = w;
      E[base + guestEntry] = k + 1 < this.depth ? image.entry : this.image.entry;
    }
    const gb = this.guestBase;
    for (const [a, w] of this.image.words) E[gb + a] = w;
    m.pc = image.entry;
    this.counts.fill(0);
  }

  /** The level (0 = outermost monitor, depth = guest) whose memory real address a lies in. */
  levelOf(a: number): number {
    if (a < 0) return 0;
    const k = Math.floor(a / this.monitor.guest);
    return k < this.depth ? k : this.depth;
  }

  /** Runs until HALT or until the real machine has executed maxSteps instructions in all (a real step limit). */
  run(maxSteps: number = towerMaxSteps(this.depth)): 'halted' | 'limit' {
    const m = this.real;
    const counts = this.counts;
    while (m.steps < maxSteps) {
      const at = this.levelOf(m.l);
      const r = m.run(maxSteps - m.steps, SLICE_FLAGS);
      counts[at] += m.lastSteps;
      if (r === Stop.HALTED) return 'halted';
      if (r === Stop.LIMIT) break;
    }
    return m.status === 'halted' ? 'halted' : 'limit';
  }

  /** The innermost monitor's `vpsw`, at real (N−1) × guest + vpsw. */
  storedVpsw(): PSW {
    const a = (this.depth - 1) * this.monitor.guest + this.monitor.vpsw;
    const E = this.real.mem;
    return { mode: E[a] === 0 ? 0 : 1, pc: E[a + 1], l: E[a + 2], b: E[a + 3] };
  }

  /**
   * The guest's virtual PSW: `vpsw` of the innermost monitor. When a step limit stops the machine while the
   * guest itself runs (real user mode, window in the guest's memory), the real P is the guest's virtual P.
   */
  guestPsw(): PSW {
    const p = this.storedVpsw();
    const m = this.real;
    if (m.status !== 'halted' && m.mode === 1 && m.l >= this.guestBase) p.pc = m.pc;
    return p;
  }

  stats(): TowerStats {
    return {
      real: { steps: this.real.steps, traps: trapTotal(this.real) },
      levels: Array.from(this.counts.subarray(0, this.depth), (n) => ({ instructions: n })),
      guest: { instructions: this.counts[this.depth] },
    };
  }

  result(): TowerResult {
    const m = this.real;
    const base = this.guestBase;
    return {
      status: m.status === 'halted' ? 'halted' : 'limit',
      steps: m.steps,
      console: m.console,
      psw: pswJson(this.guestPsw()),
      regs: Array.from(m.regs),
      stats: this.stats(),
      mem: m.mem.slice(base, base + this.w),
    };
  }
}

/**
 * The reference for `Tower.run`'s counts, slow (one traced step at a time, for tests): each instruction goes
 * to the level whose memory it was fetched from; one whose fetch fails (a memory trap on P) to the level its
 * window starts in. Runs the tower to HALT or maxSteps and returns the counts, outermost level first, guest last.
 */
export function countPerFetch(t: Tower, maxSteps = towerMaxSteps(t.depth)): number[] {
  const m = t.real;
  const counts = new Array<number>(t.depth + 1).fill(0);
  let fetched: number;
  const prev = m.onAccess;
  m.onAccess = (kind, pa) => {
    if (kind === 0) fetched = pa;
  };
  while (m.status !== 'halted' && m.steps < maxSteps) {
    fetched = -1;
    const l = m.l;
    m.run(1);
    counts[t.levelOf(fetched >= 0 ? fetched : l)]++;
  }
  m.onAccess = prev;
  return counts;
}

export type TowerBuild = { ok: true; tower: Tower } | { ok: false; errors: TowerError[] };

/**
 * Assembles the monitor with the guest's ISA, checks the ABI and the sizes, and boots the tower. Errors are
 * returned (assembly errors with the monitor's file, line and column), never thrown.
 */
export function buildTower(monitorSource: string, guest: Image, opts: TowerOptions = {}): TowerBuild {
  const isa = opts.isa ?? presetIsa('pg1');
  const file = opts.monitorFile ?? 'monitor.s';
  const depth = opts.depth ?? 1;
  const w = opts.mem ?? DEFAULT_VM_SIZE;
  const mon = loadMonitor(monitorSource, isa, file);
  if (!mon.ok) return mon;
  const size = towerSize(mon.monitor.guest, depth, w);
  if (!size.ok) return { ok: false, errors: [{ file: '', line: 0, col: 0, message: size.message }] };
  const beyond = guest.words.find(([a]) => a < 0 || a >= w);
  if (beyond) {
    return { ok: false, errors: [{ file: '', line: 0, col: 0, message: `the guest needs address ${beyond[0]}, but its VM has ${w} words (0..${w - 1})` }] };
  }
  return { ok: true, tower: new Tower(mon.monitor, depth, w, guest, { isa, input: opts.input ?? '', jit: opts.jit ?? true, q: size.q }) };
}

export type TowerRun = { ok: true; result: TowerResult; tower: Tower } | { ok: false; errors: TowerError[] };

/** Builds the tower and runs it to HALT or the real step limit. */
export function runTower(monitorSource: string, guest: Image, opts: TowerOptions & { maxSteps?: number } = {}): TowerRun {
  const b = buildTower(monitorSource, guest, opts);
  if (!b.ok) return b;
  b.tower.run(opts.maxSteps ?? towerMaxSteps(b.tower.depth));
  return { ok: true, result: b.tower.result(), tower: b.tower };
}

export interface TowerEquivResult {
  equivalent: boolean;
  divergence: Divergence | null;
  native: ReturnType<typeof runBare>['json'] & { mem: Int32Array };
  virtual: TowerResult;
}

/**
 * §8.1: the tower's result against a bare run of size Q, compared under f exactly as `equiv` does. Without
 * maxSteps the bare run has §4's default and the tower `towerMaxSteps(depth)` real steps.
 */
export function equivTower(
  monitorSource: string,
  guest: Image,
  opts: TowerOptions & { maxSteps?: number } = {},
): { ok: true; equiv: TowerEquivResult } | { ok: false; errors: TowerError[] } {
  const t = runTower(monitorSource, guest, opts);
  if (!t.ok) return t;
  const bare = runBare(guest, { isa: opts.isa, q: opts.mem ?? DEFAULT_VM_SIZE, input: opts.input, maxSteps: opts.maxSteps });
  const native = { ...bare.json, mem: bare.machine.mem.slice() };
  const divergence = compareStates(native, t.result);
  return { ok: true, equiv: { equivalent: divergence === null, divergence, native, virtual: t.result } };
}
