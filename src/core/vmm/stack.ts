/**
 * A tower of monitors on the real machine: monitor 1 runs on the bare Machine, monitor k+1 runs inside the VM
 * that monitor k gives, and the guest runs in the innermost VM. Also the small public API the CLI, the web
 * worker and the classifier use: runBare, runVirtual and the RunResult they return.
 */
import { Machine, MAX_Q, MIN_Q, DEFAULT_MAX_STEPS, type Image, type MachineSnapshot, type PSW, type StopReason } from '../machine/machine';
import { pswJson, runBare as runMachine, type BareRunOptions, type RunJson, type RunStatsJson } from '../run';
import type { Isa } from '../isa/isa';
import { presetIsa } from '../isa/isa';
import { MONITOR_AREA, Monitor, type Clock, type Host, type LevelStats, type MonitorKind, type MonitorSnapshot, type ResourceEvent, type TimeMode, type TrapEvent, type VirtualMachine } from './monitor';
import { MAX_DEPTH } from './kinds';

export { MAX_DEPTH };
/** Default VM size for `--vmm` runs (PG1.md §10). */
export const DEFAULT_VM_SIZE = 16384;

/** Statistics of a run (§10): the same object `pglab run --json` prints. */
export type RunStats = RunStatsJson;

/** The §10 run object plus the guest-physical memory (q words bare, w words in a VM), for equivalence. */
export interface RunResult extends RunJson {
  mem: Int32Array;
  /**
   * Under a monitor: the first breach of resource control (§8) by guest code, or null when there was none.
   * Absent on a bare run (there is no monitor whose resources could be touched).
   */
  resourceControl?: ResourceEvent | null;
  /** Under a monitor: guest instructions that trapped on the real processor, by opcode (properties.ts names them). */
  trappedOps?: Float64Array;
}

export type BareOptions = BareRunOptions;

export interface VirtualOptions {
  isa?: Isa;
  kind?: MonitorKind;
  depth?: number;
  /** Size of the guest's VM. */
  w?: number;
  input?: string;
  maxSteps?: number;
  /** What port 2 means to the guest (§11); default virtual. */
  time?: TimeMode;
  /** The full monitor also serves hypercalls (paravirtualization, docs/HYPERCALLS.md); default off, as in §8. */
  paravirt?: boolean;
}

export const pswOut = pswJson;

/** Real memory a tower of `depth` monitors needs for a guest of w words: each monitor keeps its own area. */
export function realSizeFor(w: number, depth: number): number {
  return w + MONITOR_AREA * depth;
}

/** A clear message when a tower cannot be built, or null. */
export function checkStack(w: number, depth: number): string | null {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) return `--depth must be an integer from 1 to ${MAX_DEPTH}, got ${depth}`;
  if (!Number.isInteger(w) || w < MIN_Q) return `VM memory size must be an integer of at least ${MIN_Q} words, got ${w}`;
  const q = realSizeFor(w, depth);
  if (q > MAX_Q) {
    return `a VM of ${w} words at depth ${depth} needs ${q} words of real memory (${MONITOR_AREA} per monitor), more than the ${MAX_Q} the machine has; the largest VM at this depth is ${MAX_Q - MONITOR_AREA * depth} words`;
  }
  return null;
}

/** A bare run to the end, with a VM's default size unless q is given (so that it compares with runVirtual). */
export function runBare(image: Image, opts: BareOptions = {}): RunResult {
  const { machine, json } = runMachine(image, { ...opts, q: opts.q ?? DEFAULT_VM_SIZE });
  return { ...json, mem: machine.mem.slice() };
}

export function runVirtual(image: Image, opts: VirtualOptions = {}): RunResult {
  const s = new VirtualStack({
    isa: opts.isa ?? presetIsa('pg1'),
    kind: opts.kind ?? 'full',
    depth: opts.depth ?? 1,
    w: opts.w ?? DEFAULT_VM_SIZE,
    input: opts.input ?? '',
    time: opts.time,
    paravirt: opts.paravirt,
  });
  s.boot(image);
  s.run(opts.maxSteps ?? DEFAULT_MAX_STEPS);
  return s.result();
}

export interface StackOptions {
  isa: Isa;
  kind: MonitorKind;
  depth: number;
  w: number;
  input?: string;
  /** Block compilation on the real machine (default true). */
  jit?: boolean;
  /** What port 2 means to the guest at every level (§11); default virtual. */
  time?: TimeMode;
  /** Full monitors serve hypercalls (docs/HYPERCALLS.md); default off. */
  paravirt?: boolean;
}

export interface LevelInfo {
  /** Monitor level, 1 = outermost. The VM it gives is described. */
  level: number;
  kind: MonitorKind;
  /** The PSW of the VM at this level (virtual, as that VM's own software sees it). */
  psw: PSW;
  /** Where the VM sits in its parent's physical memory, and its size. */
  base: number;
  size: number;
  /** Where the VM sits in real memory. */
  realBase: number;
  stats: LevelStats;
  /** Interpretations per privileged instruction at this level. */
  interpreted: Record<string, number>;
}

export interface StackSnapshot {
  real: MachineSnapshot;
  monitors: MonitorSnapshot[];
  clock: number;
}

/**
 * The steppable tower for the UI and the tests: boot, run n guest steps, look at the guest and each level,
 * breakpoints on guest-physical addresses, snapshot/restore of everything for stepping back.
 */
export class VirtualStack {
  readonly real: Machine;
  readonly monitors: Monitor[] = [];
  /** vms[k] is the VM monitor k+1 gives; the last one is the guest's. */
  readonly vms: VirtualMachine[] = [];
  readonly clock: Clock = { steps: 0 };
  readonly depth: number;
  readonly w: number;
  readonly kind: MonitorKind;
  readonly time: TimeMode;
  private realBp: Uint8Array | null = null;
  private onTrapEvent: ((e: TrapEvent) => void) | null = null;

  constructor(opts: StackOptions) {
    const err = checkStack(opts.w, opts.depth);
    if (err) throw new RangeError(err);
    this.depth = opts.depth;
    this.w = opts.w;
    this.kind = opts.kind;
    this.time = opts.time ?? 'virtual';
    this.real = new Machine({ q: realSizeFor(opts.w, opts.depth), isa: opts.isa, jit: opts.jit ?? true });
    let host: Host = this.real;
    for (let k = 0; k < opts.depth; k++) {
      const mon: Monitor = new Monitor(host, opts.kind, k + 1, this.time, opts.paravirt ?? false);
      mon.clock = this.clock;
      const last = k === opts.depth - 1;
      const vm: VirtualMachine = mon.allocate(last ? opts.w : realSizeFor(opts.w, opts.depth - k - 1), last ? (opts.input ?? '') : '');
      this.monitors.push(mon);
      this.vms.push(vm);
      host = vm;
    }
    // Guest code runs on the real machine only through the outermost VM: it watches the whole chain of
    // allocations, so a breach names the monitor whose memory was touched.
    let realBase = 0;
    this.vms[0].allocations = this.vms.map((v) => {
      realBase += v.base;
      return [realBase, realBase + v.q] as [number, number];
    });
  }

  get guest(): VirtualMachine {
    return this.vms[this.vms.length - 1];
  }

  /** Offset of the guest's physical 0 in real memory. */
  get guestRealBase(): number {
    return this.vms.reduce((a, v) => a + v.base, 0);
  }

  set onEvent(f: ((e: TrapEvent) => void) | null) {
    this.onTrapEvent = f;
    for (const m of this.monitors) m.onEvent = f;
  }
  get onEvent(): ((e: TrapEvent) => void) | null {
    return this.onTrapEvent;
  }

  /** Boots the real machine, installs each monitor, and boots the guest's VM like a bare machine with q = w. */
  boot(image: Image): void {
    this.real.boot();
    for (let k = 0; k < this.depth; k++) {
      this.monitors[k].install();
      this.monitors[k].resetCounters();
      if (k < this.depth - 1) this.vms[k].boot();
    }
    this.guest.boot(image);
    this.clock.steps = 0;
  }

  /** Runs at most n guest instructions. */
  run(n: number, flags = 0): StopReason {
    this.real.breakpoints = this.realBp;
    return this.guest.run(n, flags);
  }

  get status(): 'ready' | 'halted' | 'limit' | 'running' {
    return this.guest.status;
  }

  /** Breakpoints at guest-physical addresses (replaces the previous set). */
  setBreakpoints(addrs: readonly number[]): void {
    const bp = new Uint8Array(this.real.q);
    const off = this.guestRealBase;
    let any = false;
    for (const a of addrs) {
      if (Number.isInteger(a) && a >= 0 && a < this.w) {
        bp[off + a] = 1;
        any = true;
      }
    }
    this.realBp = any ? bp : null;
    const view = any ? bp.subarray(off, off + this.w) : null;
    this.guest.breakpoints = view;
    this.guest.cpu.breakpoints = view;
  }

  levels(): LevelInfo[] {
    let realBase = 0;
    return this.monitors.map((m, k) => {
      const vm = this.vms[k];
      realBase += vm.base;
      const interpreted: Record<string, number> = {};
      for (const it of m.interpreters) if (it && it.count > 0) interpreted[it.mnemonic] = it.count;
      return { level: k + 1, kind: m.kind, psw: vm.psw, base: vm.base, size: vm.q, realBase, stats: { ...m.stats }, interpreted };
    });
  }

  stats(): RunStats {
    const s: RunStats = {
      direct: this.monitors[0].direct,
      trapped: this.monitors[0].hostTraps,
      interpreted: this.vms.reduce((a, v) => a + v.wholeInterpreted, 0),
      levels: this.monitors.map((m) => ({ ...m.stats })),
    };
    if (this.kind === 'assist') s.exits = this.monitors[0].exits;
    if (this.kind === 'bt') s.translated = this.monitors.reduce((a, m) => a + m.translated, 0);
    if (this.kind === 'full') {
      const h = this.monitors.reduce((a, m) => a + m.hypercalls, 0);
      if (h > 0) s.hypercalls = h;
    }
    return s;
  }

  /** Traps the guest itself took (what a bare machine would take), by cause. */
  guestTraps(): number {
    return this.guest.cpu.trapCounts.reduce((a, b) => a + b, 0);
  }

  /**
   * Trap amplification: traps at the outermost level plus interpretations at every level, per guest trap.
   * See docs/DECISIONS.md, "Monitors", for the model.
   */
  amplification(): number {
    const g = this.guestTraps();
    if (g === 0) return 0;
    const s = this.stats();
    return (s.levels[0].traps + s.levels.reduce((a, l) => a + l.interpreted, 0)) / g;
  }

  result(): RunResult {
    const g = this.guest;
    return {
      status: g.status === 'halted' ? 'halted' : 'limit',
      steps: g.steps,
      console: g.console,
      psw: pswOut(g.psw),
      regs: Array.from(g.regs),
      mem: g.mem.slice(),
      stats: this.stats(),
      resourceControl: this.resourceControl,
      trappedOps: this.vms[0].trappedOps.slice(),
    };
  }

  /** The first breach of resource control (§8) by guest code in this run, or null. */
  get resourceControl(): ResourceEvent | null {
    return this.vms[0].resource;
  }

  snapshot(): StackSnapshot {
    return { real: this.real.snapshot(), monitors: this.monitors.map((m) => m.snapshot()), clock: this.clock.steps };
  }

  restore(s: StackSnapshot): void {
    this.real.restore(s.real);
    this.monitors.forEach((m, k) => m.restore(s.monitors[k]));
    this.clock.steps = s.clock;
  }
}
