import { presetIsa, isUser, variantOf, type Isa, type SlowExec, type SlowState } from '../isa/isa';
import { compiledRun, HOT, RunFlag, Stop, type RunFn, type StopReason } from './codegen';
import { ConsoleDevices, type ConsoleSnapshot, type Devices } from './devices';
import { compileBlock, Cooling, type Block, type TrapChain } from './blocks';

const MAX_BLOCKS = 16384;
/** Steps per call of the generated loop in a long run (see `run`). */
const SLICE = 1 << 20;
/** Instructions a region must run from an entry before it is worth entering there. */
const MIN_RUN = 2;

export { Stop, RunFlag, type StopReason } from './codegen';

export const MIN_Q = 64;
export const MAX_Q = 1_048_576;
export const DEFAULT_Q = 65_536;
export const DEFAULT_MAX_STEPS = 10_000_000;

export type Status = 'ready' | 'running' | 'halted' | 'limit';

/** Program status word (§1): mode (0 = s, 1 = u), program counter, relocation base and bounds. */
export interface PSW {
  mode: number;
  pc: number;
  l: number;
  b: number;
}

/** What a program image gives the loader: words at physical addresses, and the entry point. */
export interface Image {
  words: ReadonlyArray<readonly [address: number, word: number]>;
  entry: number;
}

export interface MachineSnapshot {
  mem: Int32Array;
  regs: Int32Array;
  psw: PSW;
  steps: number;
  monitorTime?: number;
  trapCounts: Float64Array;
  status: Status;
  console: ConsoleSnapshot | null;
}

export interface MachineOptions {
  /** Memory size q (§1). Ignored when `mem` is given. */
  q?: number;
  /** Memory to run on, e.g. a monitor's view of a VM's allocation (a subarray: no copy). */
  mem?: Int32Array;
  /** Registers to share, e.g. a guest's registers that the VM map f carries unchanged. */
  regs?: Int32Array;
  isa?: Isa;
  dev?: Devices;
  /** Compile hot innocuous code into blocks (default true); false keeps the plain interpreter, for tests. */
  jit?: boolean;
}

export function checkMemorySize(q: number): string | null {
  if (!Number.isInteger(q) || q < MIN_Q || q > MAX_Q) return `memory size must be an integer from ${MIN_Q} to ${MAX_Q}, got ${q}`;
  return null;
}

/**
 * The PG/1 machine S = ⟨E, M, P, R⟩ plus sixteen registers. A thin class over typed arrays: the work is done
 * by the interpreter generated from the ISA table (codegen.ts); fields are public so that the generated loop,
 * monitors and views read them without copies.
 */
export class Machine implements SlowState {
  readonly q: number;
  readonly mem: Int32Array;
  readonly regs: Int32Array;
  pc = 0;
  mode = 0;
  l = 0;
  b: number;
  status: Status = 'ready';
  /** Instructions executed (a trapping instruction counts as one), since boot. */
  steps = 0;
  /** Instructions executed by the last `run` call. */
  lastSteps = 0;
  /**
   * Time the monitors on this machine spent on their own work (one unit per trap their dispatchers handle and per
   * instruction their interpreters execute; they are TypeScript, not instructions). The clock of port 2 is
   * steps + monitorTime, so under `--time real` a guest sees what virtualization costs (§11). 0 on a bare run.
   */
  monitorTime = 0;
  /** Traps taken since boot, indexed by cause (1..6). */
  readonly trapCounts = new Float64Array(7);
  dev: Devices;
  /** Told of each trap after the new PSW is loaded; the old PSW, cause and detail are in physical E[0..5]. */
  onTrap: ((cause: number, detail: number) => void) | null = null;
  /** Physical addresses at which `run` stops before executing (Uint8Array of size q, nonzero = break). */
  breakpoints: Uint8Array | null = null;
  /** Told of every physical access: 0 fetch, 1 load, 2 store, 3 trap-frame write. Slow; for tests. */
  onAccess: ((kind: number, physical: number) => void) | null = null;
  slowDetail = 0;
  private isaValue: Isa;
  private slowFnsValue: SlowExec[] = [];
  /** Block compiler state, read by the generated loop: block index per physical address (0 = none). */
  readonly blockIds: Int32Array;
  readonly blocks: (Block | null)[] = [null];
  readonly heat: Uint8Array;
  readonly blockExit = new Int32Array(6);
  readonly jit: boolean;
  /** Blocks compiled since construction (a measure of the block compiler's work, for tests and the bench). */
  compiles = 0;
  /** Some address is marked as not worth a region (blockIds -1). */
  private unworthy = false;
  private readonly cooling = new Cooling();
  private readonly chain: TrapChain;
  /**
   * By opcode, 1 where the instruction traps PRIVILEGED in user mode (its variant is `privileged`): a run that
   * must return after a trap and meets one at P takes it without entering the generated loop (see `run`).
   */
  private userTraps = new Uint8Array(256);
  private fast!: RunFn;
  private withBreaks!: RunFn;
  private traced!: RunFn;
  private tracedBreaks!: RunFn;

  constructor(opts: MachineOptions = {}) {
    const err = opts.mem ? null : checkMemorySize(opts.q ?? DEFAULT_Q);
    if (err) throw new RangeError(err);
    this.mem = opts.mem ?? new Int32Array(opts.q ?? DEFAULT_Q);
    this.q = this.mem.length;
    this.regs = opts.regs ?? new Int32Array(16);
    this.b = this.q;
    this.dev = opts.dev ?? new ConsoleDevices();
    this.isaValue = opts.isa ?? presetIsa('pg1');
    this.jit = opts.jit ?? true;
    this.blockIds = new Int32Array(this.jit ? this.q : 0);
    this.heat = new Uint8Array(this.jit ? this.q : 0);
    this.chain = { counts: this.trapCounts, bids: this.blockIds, blocks: this.blocks };
    this.compile();
  }

  get isa(): Isa {
    return this.isaValue;
  }

  set isa(isa: Isa) {
    this.isaValue = isa;
    this.compile();
  }

  /** Read by the generated loop. */
  get slowFns(): SlowExec[] {
    return this.slowFnsValue;
  }

  private compile(): void {
    const isa = this.isaValue;
    this.slowFnsValue = isa.instructions.filter(isUser).map((d) => d.slow);
    this.userTraps = new Uint8Array(256);
    for (const d of isa.instructions) if (variantOf(isa, d) === 'privileged') this.userTraps[d.op] = 1;
    this.fast = compiledRun(isa, { breakpoints: false, trace: false, blocks: this.jit });
    this.withBreaks = compiledRun(isa, { breakpoints: true, trace: false, blocks: false });
    this.traced = compiledRun(isa, { breakpoints: false, trace: true, blocks: false });
    this.tracedBreaks = compiledRun(isa, { breakpoints: true, trace: true, blocks: false });
    this.dropBlocks();
  }

  /**
   * Called by the generated loop when P is hot: compiles a region around physical pa for mode M (vend: the
   * window's virtual end), registers it at its entries, and returns its index or 0.
   */
  compileAt(pa: number, pc: number, mode = this.mode, vend = this.q): number {
    if (!this.cooling.allow(pa)) {
      this.heat[pa] = HOT;
      return 0;
    }
    const rg = compileBlock(this.isaValue, this.mem, pa, pc, mode, vend, (a) => this.cooling.volatile(a), this.chain);
    if (!rg) return 0;
    if (rg.runs[rg.entries.indexOf(pa)] < MIN_RUN) {
      // A region entered here would run a single instruction (an SVC, a kernel's LPSW): the interpreter does that
      // for less than a call. The address is marked (-1) so that it is not compiled again; a boot clears it.
      this.unworthy = true;
      this.blockIds[pa] = -1;
      return 0;
    }
    if (this.blocks.length > MAX_BLOCKS) this.dropBlocks();
    const id = this.blocks.length;
    this.blocks.push(rg);
    for (const e of rg.entries) this.blockIds[e] = id;
    this.blockIds[pa] = id;
    this.compiles++;
    return id;
  }

  /** Called by the generated loop when region `id` found its words changed (code written over). */
  invalidate(id: number): void {
    const rg = this.blocks[id];
    if (!rg) return;
    this.blocks[id] = null;
    for (const e of rg.entries) {
      if (this.blockIds[e] === id) {
        this.blockIds[e] = 0;
        this.heat[e] = 0;
      }
    }
    this.cooling.invalidated(this.mem, rg.pa, rg.words, rg.compiled);
  }

  /** Forgets all compiled blocks (they also check their own words, so this is about memory, not correctness). */
  dropBlocks(): void {
    if (!this.jit) return;
    this.blockIds.fill(0);
    this.heat.fill(0);
    this.blocks.length = 1;
  }

  get console(): string {
    return this.dev instanceof ConsoleDevices ? this.dev.output : '';
  }

  get psw(): PSW {
    return { mode: this.mode, pc: this.pc, l: this.l, b: this.b };
  }

  setPSW(p: PSW): void {
    this.loadPSW(p.mode, p.pc, p.l, p.b);
  }

  /** setPSW from the four fields, with no object: a monitor's dispatcher does this on every trap. */
  loadPSW(mode: number, pc: number, l: number, b: number): void {
    this.mode = mode === 0 ? 0 : 1;
    this.pc = pc | 0;
    this.l = l | 0;
    this.b = b | 0;
  }

  /** Boot (§4): M = s, R = (0, q), registers and memory 0, counters cleared, then the image loaded. */
  boot(image?: Image): void {
    this.mem.fill(0);
    this.regs.fill(0);
    this.mode = 0;
    this.l = 0;
    this.b = this.q;
    this.pc = 0;
    this.steps = 0;
    this.lastSteps = 0;
    this.monitorTime = 0;
    this.trapCounts.fill(0);
    this.status = 'ready';
    if (this.unworthy) {
      // New code may be loaded where a region was not worth it: those marks go, the regions stay (they check
      // their own words).
      const ids = this.blockIds;
      for (let i = 0; i < ids.length; i++) if (ids[i] < 0) ids[i] = 0;
      this.unworthy = false;
    }
    if (this.dev instanceof ConsoleDevices) this.dev.reset();
    if (image) this.load(image);
  }

  /** Writes an image into physical memory and sets P to its entry. Throws RangeError if it does not fit. */
  load(image: Image): void {
    for (const [a] of image.words) {
      if (a < 0 || a >= this.q) throw new RangeError(`the program needs address ${a}, but memory has ${this.q} words (0..${this.q - 1})`);
    }
    for (const [a, w] of image.words) this.mem[a] = w;
    this.pc = image.entry;
  }

  /**
   * Runs at most `maxSteps` instructions. Returns why it stopped; `lastSteps` says how many ran. A HALT sets
   * status `halted`; the caller decides when a LIMIT is the step limit of §4.
   */
  run(maxSteps: number, flags = 0): StopReason {
    if (this.status === 'halted') {
      this.lastSteps = 0;
      return Stop.HALTED;
    }
    if (this.onAccess || this.breakpoints) {
      const r = (this.onAccess ? (this.breakpoints ? this.tracedBreaks : this.traced) : this.withBreaks)(this, maxSteps, flags);
      if (r === Stop.HALTED) this.status = 'halted';
      return r;
    }
    if ((flags & (RunFlag.EXIT_ON_TRAP | RunFlag.GUEST)) === RunFlag.EXIT_ON_TRAP && this.mode !== 0 && maxSteps > 0 && this.privilegedTrapAtP()) {
      this.lastSteps = 1;
      return Stop.TRAP;
    }
    // A long run goes in slices: the generated loop is then entered again and again, so V8 optimizes it as a
    // function with complete type feedback instead of leaving a deoptimized loop to run for the whole call.
    // Slices change nothing else: the whole state, timer included, is in the machine between them.
    let total = 0;
    for (;;) {
      const n = maxSteps - total > SLICE ? SLICE : maxSteps - total;
      const r = this.fast(this, n, flags);
      total += this.lastSteps;
      if (r !== Stop.LIMIT || total >= maxSteps) {
        this.lastSteps = total;
        if (r === Stop.HALTED) this.status = 'halted';
        return r;
      }
    }
  }

  /**
   * A monitor's direct run of guest code (user mode, returning after a trap) is mostly a privileged instruction
   * that traps at once. When the instruction at P is one, the timer is not due and nothing observes accesses,
   * the generated loop would do exactly this: count the step and take the PRIVILEGED trap (§3). Taken here, the
   * trap costs no entry into the loop. Returns false (nothing done) in every other case.
   */
  private privilegedTrapAtP(): boolean {
    const pc = this.pc;
    const l = this.l;
    const lo = l < 0 ? -l : 0;
    const hi = this.b < this.q - l ? this.b : this.q - l;
    if (pc < lo || pc >= hi) return false;
    const w = this.mem[pc + l];
    if (this.userTraps[w >>> 24] === 0) return false;
    const ta = this.dev.timerAt;
    if (ta !== undefined && ta >= 0 && ta <= this.steps + this.monitorTime) return false;
    this.steps++;
    this.trap(1, w);
    return true;
  }

  step(flags = 0): StopReason {
    return this.run(1, flags);
  }

  /** Takes a trap (§3) from the current PSW, as the hardware would: used by monitors to reflect traps. */
  trap(cause: number, detail: number): void {
    const E = this.mem;
    E[0] = this.mode;
    E[1] = this.pc;
    E[2] = this.l;
    E[3] = this.b;
    E[4] = cause;
    E[5] = detail;
    this.mode = E[8] === 0 ? 0 : 1;
    this.pc = E[9];
    this.l = E[10];
    this.b = E[11];
    this.trapCounts[cause]++;
    this.onTrap?.(cause, detail);
  }

  snapshot(): MachineSnapshot {
    return {
      mem: this.mem.slice(),
      regs: this.regs.slice(),
      psw: this.psw,
      steps: this.steps,
      monitorTime: this.monitorTime,
      trapCounts: this.trapCounts.slice(),
      status: this.status,
      console: this.dev instanceof ConsoleDevices ? this.dev.snapshot() : null,
    };
  }

  restore(s: MachineSnapshot): void {
    this.mem.set(s.mem);
    this.regs.set(s.regs);
    this.setPSW(s.psw);
    this.steps = s.steps;
    this.monitorTime = s.monitorTime ?? 0;
    this.trapCounts.fill(0);
    this.trapCounts.set(s.trapCounts.subarray(0, 7));
    this.status = s.status;
    if (s.console && this.dev instanceof ConsoleDevices) this.dev.restore(s.console);
  }
}

export { ConsoleDevices, type Devices } from './devices';
