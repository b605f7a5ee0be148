/**
 * The virtual machine monitor of Popek & Goldberg's Theorem 1 (full) and Theorem 3 (hybrid), as a control
 * program with the paper's three parts:
 * - the dispatcher (`VirtualMachine.run` / `dispatch`), entered on every trap of the machine below;
 * - the allocator (`Monitor.allocate` and `compose`), which places each VM in a window of the monitor's own
 *   physical memory and is the only code that sets the R of the machine below;
 * - one interpreter per privileged instruction (`Monitor.interpreters`), derived from the ISA table.
 *
 * A monitor is written against `Host`, the interface that both the bare Machine and a VirtualMachine provide,
 * so a monitor runs inside another monitor's VM, level after level (the CLI and app stop at depth 8). Every level's memory is a subarray of the real
 * memory (no copy), and every level shares the real registers (the map f carries them unchanged).
 *
 * The virtual processor state of a VM (its PSW, status and trap counts) lives in `cpu`, a Machine that runs on
 * the VM's own memory with the shared registers. Interpreting an instruction is single-stepping `cpu`: a trap
 * taken while interpreting lands in the virtual trap frame at guest-physical 0..11 exactly as §3 says, and
 * reflecting a trap is `cpu.trap(cause, detail)`. The same generated code as the real processor executes it, so
 * the interpreters cannot drift from the table.
 */
import { Machine, RunFlag, Stop, type PSW, type Status, type StopReason } from '../machine/machine';
import { ConsoleDevices, type ConsoleSnapshot } from '../machine/devices';
import { variantOf, type Isa } from '../isa/isa';
import { Cause, encode, fieldOp } from '../isa/table';
import { Translator } from './translate';
import type { MonitorKind } from './kinds';

/** What a monitor needs of the machine it runs on; the bare Machine and a VirtualMachine both provide it. */
export interface Host {
  readonly q: number;
  /** Physical memory: a window of the real memory (a subarray of it, or the real array itself). */
  readonly mem: Int32Array;
  /** The real registers, shared by every level. */
  readonly regs: Int32Array;
  readonly isa: Isa;
  readonly mode: number;
  readonly pc: number;
  readonly l: number;
  readonly b: number;
  status: Status;
  readonly lastSteps: number;
  setPSW(p: PSW): void;
  /** setPSW from the four fields: what a dispatcher does on every trap, with no object. */
  loadPSW(mode: number, pc: number, l: number, b: number): void;
  /**
   * What `run(n, flags)` (n > 0) does when it would take a PRIVILEGED trap at P at once and return: does it and
   * returns true without a run; returns false (nothing observable done) otherwise.
   */
  trapAtP(flags: number): boolean;
  run(maxSteps: number, flags?: number): StopReason;
}

export { MONITOR_KINDS, type MonitorKind } from './kinds';

/**
 * What port 2 (§11) means to a guest. `virtual`: its clock counts the guest's own instructions (its step count)
 * and its timer fires after that many guest instructions, so a program that reads the clock ends as on a bare
 * machine. `real`: the guest reads the real machine's clock and arms the real machine's timer (Theorem 2's
 * premise made visible: equivalence may fail).
 */
export type TimeMode = 'virtual' | 'real';
export const TIME_MODES: readonly TimeMode[] = ['virtual', 'real'];

/**
 * Paravirtualization (docs/HYPERCALLS.md): in virtual supervisor mode, `SVC HYPERCALL + k` for k < HYPERCALLS is
 * a call to the full monitor, served against the virtual state instead of reflected. Arguments and results in r1,
 * r2: 0 GETMODE (r1 = M), 1 GETR (r1 = l, r2 = b), 2 SETR (R = (r1, r2)), 3 LRA (r1 = r1 + l, memory trap if r1
 * fails §2), 4 RETU (M = u, P = r1), 5 LPSW (PSW = the four words at virtual r1, relocated reads).
 */
export const HYPERCALL = 0xff00;
export const HYPERCALLS = 6;
export const HYPERCALL_NAMES = ['GETMODE', 'GETR', 'SETR', 'LRA', 'RETU', 'LPSW'] as const;

/** Words each monitor keeps for itself at the bottom of its physical memory: its trap frame (§3) and vector. */
export const MONITOR_AREA = 16;

export interface LevelStats {
  /** Traps that reached this monitor's dispatcher (its VM's privileged operations included). */
  traps: number;
  /** Traps delivered into the VM's own trap frame. */
  reflected: number;
  /** Instructions this monitor's interpreters executed (a trapped privileged one, or one it ran instead). */
  interpreted: number;
}

export type Handled = 'reflected' | 'interpreted' | 'halt';

export interface TrapEvent {
  /** Guest steps completed when the trap was taken (the trapping instruction counts as one). */
  step: number;
  /** Monitor level: 1 is the outermost (on the real machine). */
  level: number;
  cause: number;
  detail: number;
  handled: Handled;
  /** The VM's virtual PSW before and after the monitor handled the trap. */
  old: PSW;
  new: PSW;
  /** Mnemonic of the trapping instruction when the monitor knows it ('' otherwise). */
  what: string;
}

/** An interpreter: simulates one privileged instruction against a VM's virtual state. */
export interface Interpreter {
  readonly mnemonic: string;
  count: number;
}

/** Guest steps of a whole stack, shared by its levels so that each trap event carries the guest's step. */
export interface Clock {
  steps: number;
}

const DIRECT_FLAGS = RunFlag.EXIT_ON_TRAP | RunFlag.EXIT_ON_MODE;

/** After a trap (or a mode change) a VM's run stops only if its flags ask: LIMIT means go on. */
function exitAfter(trapped: boolean, flags: number, m0: number, mode: number): StopReason {
  if (trapped && (flags & RunFlag.EXIT_ON_TRAP) !== 0) return Stop.TRAP;
  return (flags & RunFlag.EXIT_ON_MODE) !== 0 && mode !== m0 ? Stop.MODE : Stop.LIMIT;
}

export class Monitor {
  readonly vms: VirtualMachine[] = [];
  /**
   * The dispatcher's counters as §10 reports them. `traps` and `reflected` also count, lazily, the PSW loads of
   * the monitors above (each trapped here first and was reflected up): reading them costs O(depth), a trap O(1).
   */
  readonly stats: LevelStats;
  /** The counters this dispatcher keeps itself (stats without the loads of the monitors above). */
  ownTraps = 0;
  ownReflected = 0;
  ownInterpreted = 0;
  /** Loads of a VM's PSW by the monitor inside it (countPswLoad): each also a trap reflected at every level below. */
  pswLoads = 0;
  /** The monitors running inside this one's VMs, at any depth (they register when built). */
  private readonly above: Monitor[] = [];
  /** Levels below this one (0 on the real machine): a PSW load here trapped and was reflected at each. */
  private readonly below: number;
  /** Guest instructions the host executed with no monitor involved, and those that trapped on the host. */
  direct = 0;
  hostTraps = 0;
  /** Guest-mode exits (cause EXIT) this monitor handled: `assist` only. */
  exits = 0;
  /** Hypercalls served (`full` only). */
  hypercalls = 0;
  /** Guest instructions run as translated code (`bt` only). */
  translated = 0;
  /**
   * The bt monitor translates virtual user mode too when some instruction runs unprivileged in user mode (its
   * variant is not `privileged`): it might be user sensitive, so user code cannot safely run directly.
   */
  readonly translateUser: boolean;
  /** Indexed by opcode; only privileged instructions (in user mode, under this ISA) have one. */
  readonly interpreters: readonly (Interpreter | undefined)[];
  onEvent: ((e: TrapEvent) => void) | null = null;
  /**
   * Trap path shortcuts (same state, statistics and events as without them): off only for tests that compare the
   * two.
   */
  fastTraps = true;
  clock: Clock = { steps: 0 };
  /** The VM whose registers are in the host's registers now (the others' are saved in the VM). */
  current: VirtualMachine | null = null;
  private free = MONITOR_AREA;
  private readonly lpswWord: number;
  private readonly lpswInterpreter: Interpreter | undefined;
  /** The real machine at the bottom of the tower, whose clock this monitor's work advances (monitorTime). */
  readonly real: Pick<Machine, 'monitorTime'>;

  constructor(
    readonly host: Host,
    readonly kind: MonitorKind,
    /** 1 for the monitor on the real machine, 2 for one inside its VM, ... */
    readonly level = 1,
    /** The time its VMs see on port 2 (§11). */
    readonly time: TimeMode = 'virtual',
    /**
     * Serve hypercalls (`SVC 0xFF00 + k` in virtual supervisor mode, docs/HYPERCALLS.md) instead of reflecting
     * them: paravirtualization, a departure from §8 that the guest kernel must ask for (`--hypercalls`).
     */
    readonly paravirt = false,
  ) {
    const isa = host.isa;
    if (kind === 'assist' && !isa.assist) {
      throw new RangeError(`the assist monitor needs an ISA with hardware assist ("assist": true in an ISA file, e.g. examples/x86-assist.json); ${isa.name} has none`);
    }
    const table: (Interpreter | undefined)[] = new Array(256).fill(undefined);
    for (const d of isa.instructions) {
      if (variantOf(isa, d) === 'privileged') table[d.op] = { mnemonic: d.mnemonic, count: 0 };
    }
    this.interpreters = table;
    this.translateUser = kind === 'bt' && isa.instructions.some((d) => {
      const v = variantOf(isa, d);
      return v !== null && v !== 'privileged';
    });
    this.real = realMachineOf(host) ?? { monitorTime: 0 };
    let below = 0;
    for (let h: Host = host; h instanceof VirtualMachine; h = h.monitor.host) {
      h.monitor.above.push(this);
      below++;
    }
    this.below = below;
    this.stats = this.statsView();
    const lpsw = isa.byMnemonic.get('LPSW');
    this.lpswWord = lpsw ? encode(lpsw.op, 0, 0, 0) : 0;
    this.lpswInterpreter = this.interpreters[fieldOp(this.lpswWord)];
    this.install();
  }

  /**
   * Writes the monitor's trap vector into its own physical E[8..11]: supervisor mode at a HALT. The machine
   * below always returns to the dispatcher after a trap (EXIT_ON_TRAP), so this code never runs; it is there so
   * that a trap vector exists, exactly as on a bare machine.
   */
  install(): void {
    const E = this.host.mem;
    const halt = this.host.isa.byMnemonic.get('HALT');
    E[8] = 0;
    E[9] = 12;
    E[10] = 0;
    E[11] = this.host.q;
    E[12] = halt ? encode(halt.op, 0, 0, 0) : 0;
  }

  /** `stats`: live accessors over the counters (a spread or JSON copies the values). */
  private statsView(): LevelStats {
    const chained = (): number => {
      let n = 0;
      for (const m of this.above) n += m.pswLoads;
      return n;
    };
    return Object.defineProperties({} as LevelStats, {
      traps: { enumerable: true, get: () => this.ownTraps + chained(), set: (v: number) => void (this.ownTraps = v - chained()) },
      reflected: { enumerable: true, get: () => this.ownReflected + chained(), set: (v: number) => void (this.ownReflected = v - chained()) },
      interpreted: { enumerable: true, get: () => this.ownInterpreted, set: (v: number) => void (this.ownInterpreted = v) },
    });
  }

  /** Boot: every counter of this monitor back to 0. */
  resetCounters(): void {
    this.ownTraps = this.ownReflected = this.ownInterpreted = this.pswLoads = 0;
    this.direct = this.hostTraps = this.exits = this.hypercalls = this.translated = 0;
    for (const it of this.interpreters) if (it) it.count = 0;
  }

  /** Room left for further VMs. */
  get available(): number {
    return this.host.q - this.free;
  }

  /** The allocator: a window of w words of this monitor's physical memory, above its own area and other VMs. */
  allocate(w: number, input = ''): VirtualMachine {
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`a VM needs a positive integer size, got ${w}`);
    if (w > this.available) {
      throw new RangeError(`a VM of ${w} words does not fit: the monitor at level ${this.level} has ${this.available} words left of ${this.host.q}`);
    }
    const vm = new VirtualMachine(this, this.free, w, input);
    this.free += w;
    this.vms.push(vm);
    return vm;
  }

  /** The interpreter of a trapped instruction word, found through the table. */
  interpreterFor(word: number): Interpreter | undefined {
    return this.interpreters[fieldOp(word)];
  }

  /** Tells onEvent (when set: callers test it first, so a trap builds no object unless observed). */
  emit(vm: VirtualMachine, cause: number, detail: number, handled: Handled, mode: number, pc: number, l: number, b: number, what: string): void {
    this.onEvent?.({ step: this.clock.steps, level: this.level, cause, detail, handled, old: { mode, pc, l, b }, new: vm.psw, what });
  }

  /**
   * The VM's monitor (an inner level) executed a privileged instruction to change this VM's PSW, i.e. to enter
   * its own guest. On real hardware that traps to this monitor and is interpreted here; we count it so.
   */
  countPswLoad(vm: VirtualMachine, mode: number, pc: number, l: number, b: number): void {
    this.ownTraps++;
    this.ownInterpreted++;
    // When this monitor is itself virtualized, the instruction trapped on the real machine first and every
    // monitor below reflected it up to here: that chain is the cost of nesting (counted in their `stats`).
    this.pswLoads++;
    this.real.monitorTime += 2 + this.below;
    if (this.lpswInterpreter) this.lpswInterpreter.count++;
    if (this.onEvent) this.emit(vm, Cause.PRIVILEGED, this.lpswWord, 'interpreted', mode, pc, l, b, 'LPSW');
  }

  /** Runs every VM round robin, `quantum` guest steps at a time, until each has halted or used `maxSteps`. */
  runRoundRobin(quantum: number, maxSteps: number): void {
    const used = new Map<VirtualMachine, number>();
    for (;;) {
      let ran = false;
      for (const vm of this.vms) {
        const u = used.get(vm) ?? 0;
        if (vm.status === 'halted' || u >= maxSteps) continue;
        vm.run(Math.min(quantum, maxSteps - u));
        used.set(vm, u + vm.lastSteps);
        ran = true;
      }
      if (!ran) return;
    }
  }

  snapshot(): MonitorSnapshot {
    return {
      stats: { ...this.stats },
      own: [this.ownTraps, this.ownReflected, this.ownInterpreted, this.pswLoads],
      direct: this.direct,
      hostTraps: this.hostTraps,
      exits: this.exits,
      hypercalls: this.hypercalls,
      translated: this.translated,
      counts: this.interpreters.map((i) => (i ? i.count : 0)),
      vms: this.vms.map((v) => v.snapshot()),
      current: this.current ? this.vms.indexOf(this.current) : -1,
    };
  }

  restore(s: MonitorSnapshot): void {
    if (s.own) [this.ownTraps, this.ownReflected, this.ownInterpreted, this.pswLoads] = s.own;
    else Object.assign(this.stats, s.stats);
    this.direct = s.direct;
    this.hostTraps = s.hostTraps;
    this.exits = s.exits ?? 0;
    this.hypercalls = s.hypercalls ?? 0;
    this.translated = s.translated ?? 0;
    this.interpreters.forEach((i, k) => {
      if (i) i.count = s.counts[k];
    });
    this.vms.forEach((v, k) => v.restore(s.vms[k]));
    this.current = s.current >= 0 ? this.vms[s.current] : null;
  }
}

export interface MonitorSnapshot {
  stats: LevelStats;
  /** The raw counters (ownTraps, ownReflected, ownInterpreted, pswLoads): restored in any order of the levels. */
  own?: [number, number, number, number];
  direct: number;
  hostTraps: number;
  exits?: number;
  hypercalls?: number;
  translated?: number;
  counts: number[];
  vms: VmSnapshot[];
  current: number;
}

/**
 * A breach of resource control (§8): guest code touched real memory outside its allocation (`access`), or put the
 * real processor in supervisor mode (`supervisor`; the monitor then stops it, so it runs nothing there).
 */
export interface ResourceEvent {
  kind: 'access' | 'supervisor';
  /** The guest step (1-based) of the instruction that did it. */
  step: number;
  access: 'fetch' | 'load' | 'store' | 'lpsw' | null;
  /** Real physical address accessed; for `supervisor`, where the real processor would go on in supervisor mode. */
  address: number;
  /** The monitor whose memory was touched (1 = outermost; the real supervisor mode is level 1's). */
  level: number;
}

export interface VmSnapshot {
  psw: PSW;
  status: Status;
  steps: number;
  cpuSteps: number;
  trapCounts: Float64Array;
  wholeInterpreted: number;
  console: ConsoleSnapshot;
  savedRegs: Int32Array;
  timerPending?: boolean;
  resource?: ResourceEvent | null;
  trappedOps?: Float64Array;
}

/**
 * A VM's device bus under `--time real`: the console is the VM's own, but port 2 is the real machine's clock and
 * timer (read at the real machine's step count, which stands still while a monitor works).
 */
class RealTimeDevices extends ConsoleDevices {
  /**
   * The guest's step count when the monitor began interpreting whole instructions (-1: it is not): they are
   * the monitor's work, charged to the real clock as they happen, so a busy-wait on the clock ends.
   */
  interpreting = -1;

  constructor(
    input: string,
    private readonly real: Machine,
  ) {
    super(input);
  }
  private realNow(now: number): number {
    return this.real.steps + this.real.monitorTime + (this.interpreting >= 0 ? now - this.interpreting : 0);
  }
  override read(port: number, now = 0): number {
    return port === 2 ? this.real.dev.read(2, this.realNow(now)) : super.read(port, now);
  }
  override write(port: number, value: number, now = 0): void {
    if (port === 2) this.real.dev.write(2, value, this.realNow(now));
    else super.write(port, value, now);
  }
}

/** VirtualMachine.trappedOps: past the 256 opcodes, a fetch that failed and a timer trap. */
export const TRAPPED_FETCH = 256;
export const TRAPPED_TIMER = 257;

/**
 * Which instruction a trap just taken on a host came from, read from the host's trap frame (§3): the old PSW
 * (E[0..3]) still addresses it. When P itself fails the check of §2 the fetch trapped and there is no word.
 */
function trappedIndex(E: Int32Array, q: number): number {
  if (E[4] === Cause.TIMER) return TRAPPED_TIMER;
  const pc = E[1];
  const pa = pc + E[2];
  if (pc < 0 || pc >= E[3] || pa < 0 || pa >= q) return TRAPPED_FETCH;
  return fieldOp(E[pa]);
}

/** The real machine under a host: follow the VMs down the tower. */
export function realMachineOf(host: Host): Machine | null {
  let h: Host = host;
  while (h instanceof VirtualMachine) h = h.monitor.host;
  return h instanceof Machine ? h : null;
}

/**
 * A virtual machine: what the monitor gives its guest. It is itself a Host, so another monitor can run on it.
 * `run` is the dispatcher's loop for this VM; the step budget counts guest instructions exactly as the bare
 * machine counts them, so a step limit stops the VM in the state the bare machine stops in.
 */
export class VirtualMachine implements Host {
  readonly q: number;
  readonly mem: Int32Array;
  /** The registers of this VM while another VM of the same monitor runs. */
  private readonly saved = new Int32Array(16);
  /** The virtual processor: virtual PSW, status and traps; the interpreter single-steps it. */
  readonly cpu: Machine;
  readonly dev: ConsoleDevices;
  /** Guest instructions executed since boot, and in the last `run`. */
  steps = 0;
  lastSteps = 0;
  /** Guest instructions the interpreter ran whole (hybrid supervisor mode, or an R that is not a window). */
  wholeInterpreted = 0;
  /** The virtual processor's PSW fields, as a Host shows them (getters made below the class, one loop). */
  declare readonly mode: number;
  declare readonly pc: number;
  declare readonly l: number;
  declare readonly b: number;
  /** Virtual modes in which the VM runs directly (composable): bit 0 supervisor, bit 1 user. */
  private readonly directModes: number;
  /** Flags of a direct run on the host (the assist monitor runs its guest in the real machine's guest mode). */
  private readonly hostFlags: number;
  /** Guest steps of the last runWatched. */
  private watchedSteps = 0;
  /** Guest-physical breakpoints (same array as `cpu.breakpoints`); set by the stack. */
  breakpoints: Uint8Array | null = null;
  /**
   * Under real time: a real TIMER trap arrived while the VM was in virtual supervisor mode; it is delivered
   * before the VM's next instruction in virtual user mode, as the hardware would (§11).
   */
  timerPending = false;
  /** The translation cache of the bt monitor (null under the others). */
  readonly translator: Translator | null;
  /**
   * Guest instructions that trapped on the host, by opcode (index TRAPPED_FETCH: the fetch itself failed, so
   * there was no instruction; TRAPPED_TIMER: the timer's trap, taken between instructions). One increment per
   * trap, which already costs a dispatcher: the efficiency property (properties.ts) names them.
   */
  readonly trappedOps = new Float64Array(TRAPPED_TIMER + 1);

  constructor(
    readonly monitor: Monitor,
    /** Where the allocation starts in the monitor's physical memory. */
    readonly base: number,
    w: number,
    input = '',
  ) {
    const host = monitor.host;
    this.q = w;
    this.mem = host.mem.subarray(base, base + w);
    const real = monitor.time === 'real' ? realMachineOf(host) : null;
    if (monitor.time === 'real' && !real) throw new Error('real time needs a tower of monitors that stands on a Machine');
    this.dev = real ? new RealTimeDevices(input, real) : new ConsoleDevices(input);
    // The virtual processor's step count is the guest's (kept so during direct execution too): it is the
    // guest's clock under virtual time, and its timer (on the VM's bus) fires at the guest's own steps.
    this.cpu = new Machine({ mem: this.mem, regs: host.regs, isa: host.isa, dev: this.dev, jit: false });
    this.translator = monitor.kind === 'bt' ? new Translator(this.cpu) : null;
    const k = monitor.kind;
    this.directModes = k === 'bt' ? (monitor.translateUser ? 0 : 2) : k === 'hybrid' ? 2 : 3;
    this.hostFlags = DIRECT_FLAGS | (k === 'assist' ? RunFlag.GUEST : 0);
    if (monitor.current === null) monitor.current = this;
  }

  /** The guest's registers: the real ones while this VM is the one loaded, else its saved copy. */
  get regs(): Int32Array {
    return this.monitor.current === this ? this.monitor.host.regs : this.saved;
  }

  /** Dispatcher's switch to this VM: save the running VM's registers and load this one's. */
  private activate(): void {
    const mon = this.monitor;
    if (mon.current === this) return;
    const R = mon.host.regs;
    if (mon.current) mon.current.saved.set(R);
    R.set(this.saved);
    mon.current = this;
  }

  get isa(): Isa {
    return this.cpu.isa;
  }
  get status(): Status {
    return this.cpu.status;
  }
  set status(s: Status) {
    this.cpu.status = s;
  }
  get psw(): PSW {
    return this.cpu.psw;
  }
  get console(): string {
    return this.dev.output;
  }

  /**
   * Loading this VM's PSW is a privileged act of whoever runs on it: counted as a trap interpreted here. A
   * monitor that resumes its guest where it already is (the run was only sliced, nothing trapped) needs no
   * instruction for that, so it costs nothing: the statistics do not depend on how a run is sliced.
   */
  setPSW(p: PSW): void {
    this.loadPSW(p.mode, p.pc, p.l, p.b);
  }

  loadPSW(mode: number, pc: number, l: number, b: number): void {
    const c = this.cpu;
    const om = c.mode;
    const opc = c.pc;
    const ol = c.l;
    const ob = c.b;
    c.loadPSW(mode, pc, l, b);
    if (c.mode === om && c.pc === opc && c.l === ol && c.b === ob) return;
    this.monitor.countPswLoad(this, om, opc, ol, ob);
  }

  /** Boots like a bare machine with q = w (§4, §8). Only the VM's own words and the registers are cleared. */
  boot(image?: Parameters<Machine['boot']>[0]): void {
    this.activate();
    this.cpu.boot(image);
    this.steps = 0;
    this.lastSteps = 0;
    this.wholeInterpreted = 0;
    this.timerPending = false;
    this.resource = null;
    this.translator?.reset();
    this.trappedOps.fill(0);
  }

  /** Whether the VM can run directly: its R composes onto the allocation as a real window (and, for the hybrid
   * monitor, it is in virtual user mode). */
  private composable(): boolean {
    return this.cpu.l >= 0 && (this.directModes & (this.cpu.mode === 0 ? 1 : 2)) !== 0;
  }

  private atBreakpoint(): boolean {
    const pa = this.cpu.pc + this.cpu.l;
    return pa >= 0 && pa < this.q && this.breakpoints![pa] !== 0;
  }

  run(maxSteps: number, flags = 0): StopReason {
    const cpu = this.cpu;
    const mon = this.monitor;
    const host = mon.host;
    const clock = mon.clock;
    const outermost = mon.level === 1;
    const m0 = cpu.mode;
    // Guest mode: the monitor above asked for it (it is virtualized here, on the virtual processor); the
    // assist monitor runs its own guest in the real machine's guest mode.
    const vguest = flags & RunFlag.GUEST;
    const hostFlags = this.hostFlags;
    const fast = mon.fastTraps;
    let steps = 0;
    let reason: StopReason = Stop.LIMIT;
    this.lastSteps = 0;
    if (cpu.status === 'halted') return Stop.HALTED;
    this.activate();
    while (steps < maxSteps) {
      if (this.breakpoints !== null && steps > 0 && this.atBreakpoint()) {
        reason = Stop.BREAK;
        break;
      }
      const budget = maxSteps - steps;

      if (this.timerPending && cpu.mode !== 0) {
        // Real time: the real TIMER trap that came in virtual supervisor mode is delivered now (its step was
        // counted when the real machine took it).
        this.timerPending = false;
        const om = cpu.mode;
        const opc = cpu.pc;
        const ol = cpu.l;
        const ob = cpu.b;
        mon.ownReflected++;
        cpu.trap(Cause.TIMER, 0);
        if (mon.onEvent) mon.emit(this, Cause.TIMER, 0, 'reflected', om, opc, ol, ob, '');
        reason = exitAfter(true, flags, m0, cpu.mode);
        if (reason !== Stop.LIMIT) break;
        continue;
      }
      // Virtual time: the VM's timer (on its own bus, in guest steps) has expired and the VM is in virtual user
      // mode, so the next guest step is the TIMER trap. The virtual processor takes it, exactly as the hardware.
      const ta = this.dev.timerAt;
      const timerDue = ta >= 0 && ta <= cpu.steps;

      if ((timerDue && cpu.mode !== 0) || !this.composable()) {
        // The interpreter runs whole instructions on the virtual processor until the VM can run directly.
        const om = cpu.mode;
        const ol = cpu.l;
        const ob = cpu.b;
        const rt = this.dev instanceof RealTimeDevices ? this.dev : null;
        if (rt) rt.interpreting = cpu.steps;
        // The bt monitor runs virtual supervisor mode as translated code, calling its interpreter only for the
        // sensitive instructions; otherwise the interpreter runs it all.
        const bt = this.translator !== null && !(timerDue && cpu.mode !== 0) && cpu.l >= 0 ? this.translator : null;
        // Translated user code stops where the VM's timer expires (the interpreter then takes the TIMER trap).
        const tb = cpu.mode !== 0 && ta > cpu.steps && ta - cpu.steps < budget ? ta - cpu.steps : budget;
        const r = bt ? bt.run(tb, DIRECT_FLAGS | vguest) : cpu.run(budget, DIRECT_FLAGS | vguest);
        if (rt) rt.interpreting = -1;
        const n = bt ? bt.lastSteps : cpu.lastSteps;
        const ni = bt ? bt.lastInterpreted : n;
        steps += n;
        this.wholeInterpreted += ni;
        mon.ownInterpreted += ni;
        mon.translated += n - ni;
        mon.real.monitorTime += n;
        clock.steps += n;
        if (r === Stop.TRAP) {
          mon.ownTraps++;
          mon.real.monitorTime++;
          mon.ownReflected++;
          if (mon.onEvent) mon.emit(this, this.mem[4], this.mem[5], 'reflected', om, this.mem[1], ol, ob, this.mnemonicOf(this.mem[1], this.mem[2], this.mem[3]));
          reason = exitAfter(true, flags, m0, cpu.mode);
          if (reason !== Stop.LIMIT) break;
          continue;
        }
        if (r === Stop.HALTED) {
          reason = Stop.HALTED;
          break;
        }
        if (r === Stop.BREAK) {
          reason = Stop.BREAK;
          break;
        }
        if (r === Stop.MODE) {
          reason = exitAfter(false, flags, m0, cpu.mode);
          if (reason !== Stop.LIMIT) break;
        }
        continue;
      }

      // Direct execution: real user mode, R composed onto the allocation (the allocator sets the host's R).
      const rl = this.enterHost();
      const rb = this.composedB;
      // Direct execution never runs past the guest's timer: it stops where the timer expires (like the budget).
      const hb = ta > cpu.steps && ta - cpu.steps < budget ? ta - cpu.steps : budget;
      let r: StopReason;
      let n: number;
      if (fast && this.privilegedAtP() && host.trapAtP(hostFlags)) {
        // A privileged instruction at P: every level below took its trap without a run (what the runs would do).
        r = Stop.TRAP;
        n = 1;
      } else if (outermost && host instanceof Machine) {
        r = this.runWatched(host, hb, rl, rb, hostFlags);
        n = this.watchedSteps;
      } else {
        r = host.run(hb, hostFlags);
        n = host.lastSteps;
      }
      steps += n;
      cpu.steps += n;
      if (outermost) clock.steps += n;
      if (r === Stop.TRAP) {
        const E = host.mem;
        mon.direct += n - 1;
        mon.hostTraps++;
        this.trappedOps[trappedIndex(E, host.q)]++;
        this.takeHardwareR(E[2], E[3], rl, rb);
        cpu.pc = E[1];
        const how = this.dispatch(E[4], E[5], vguest);
        if (how === 'halt') {
          reason = Stop.HALTED;
          break;
        }
        reason = exitAfter(how === 'trap-in-vm', flags, m0, cpu.mode);
        if (reason !== Stop.LIMIT) break;
        continue;
      }
      mon.direct += n;
      cpu.pc = host.pc;
      this.takeHardwareR(host.l, host.b, rl, rb);
      if (r === Stop.MODE) {
        // An unprivileged instruction changed the real mode (an ISA file can define one): the VM's mode follows.
        cpu.mode = host.mode;
        reason = exitAfter(false, flags, m0, cpu.mode);
        if (reason !== Stop.LIMIT) break;
        continue;
      }
      if (r === Stop.HALTED) {
        // An unprivileged instruction halted the real processor: the VM halts, the machine below does not.
        host.status = 'ready';
        cpu.status = 'halted';
        reason = Stop.HALTED;
        break;
      }
      if (r === Stop.BREAK) {
        reason = Stop.BREAK;
        break;
      }
    }
    this.lastSteps = steps;
    this.steps += steps;
    return reason;
  }

  /**
   * Whether the word at the VM's P is a privileged instruction (one that traps in user mode): the same word at
   * every level below, so only then is a trap without runs (trapAtP) worth trying.
   */
  private privilegedAtP(): boolean {
    const cpu = this.cpu;
    const pc = cpu.pc;
    const l = cpu.l;
    if (pc < 0 || pc >= cpu.b || pc + l < 0 || pc + l >= this.q) return false;
    return this.monitor.interpreters[fieldOp(this.mem[pc + l])] !== undefined;
  }

  /** The host's R of a direct run (set by enterHost): b; the return value is l. */
  private composedB = 0;

  /** Loads the host's PSW for a direct run: user mode at the VM's P, the VM's R composed onto its allocation. */
  private enterHost(): number {
    const cpu = this.cpu;
    const vl = cpu.l;
    const room = this.q - vl;
    let rb = cpu.b < room ? cpu.b : room;
    let rl = this.base + vl;
    if (rb <= 0) {
      // No address is valid, virtually or really: any base will do, so keep one that cannot overflow.
      rb = 0;
      rl = this.base;
    }
    this.composedB = rb;
    this.monitor.host.loadPSW(1, cpu.pc, rl, rb);
    return rl;
  }

  /**
   * The trap path without re-entering every level (issue 12): what `run(n, DIRECT_FLAGS)` (n > 0) does when the
   * monitor above has just put this VM in user mode at a privileged instruction that runs directly on every
   * level below. Each level below loads its host's PSW (counted as it would be), the real machine takes the
   * PRIVILEGED trap (Machine.trapAtP), and each level's dispatcher, from the outermost up, reflects it into its
   * VM, with the same steps, counts and events as the runs; no level's `run` is entered. Returns true when it
   * took the trap, false when some level would do anything else (the PSWs it loaded are then the ones the runs
   * load again, which costs and counts nothing, so the caller's run goes on exactly as without this).
   */
  trapAtP(flags: number): boolean {
    const cpu = this.cpu;
    const mon = this.monitor;
    if (flags !== DIRECT_FLAGS || !mon.fastTraps || cpu.status === 'halted' || this.timerPending || cpu.mode === 0 || !this.composable()) return false;
    const ta = this.dev.timerAt;
    if (ta >= 0 && ta <= cpu.steps) return false;
    if (mon.current !== this) this.activate();
    this.enterHost();
    const host = mon.host;
    if (!host.trapAtP(this.hostFlags)) return false;
    this.lastSteps = 1;
    this.steps++;
    cpu.steps++;
    if (mon.level === 1) mon.clock.steps++;
    mon.hostTraps++;
    // The host's trap frame holds the PSW just loaded (so the hardware R is the composed one, P is the VM's) and
    // the PRIVILEGED trap of the word at P; in virtual user mode the dispatcher reflects it into the VM.
    const w = host.mem[5];
    this.trappedOps[fieldOp(w)]++;
    if (mon.onEvent !== null) {
      this.dispatch(Cause.PRIVILEGED, w, 0);
      return true;
    }
    mon.ownTraps++;
    mon.ownReflected++;
    mon.real.monitorTime++;
    cpu.trap(Cause.PRIVILEGED, w);
    return true;
  }

  /**
   * Direct execution on the real machine, with resource control checked, not assumed (§8). The composed R
   * confines the guest, so nothing needs watching until an unprivileged instruction loads the real R or M (only
   * on ISAs that fail Theorem 1): the real machine then returns (EXIT_ON_PSW, free in the hot loop), and if the
   * guest has left its composed window the rest of this direct run goes on exactly as the hardware would (the
   * monitor is not told of unprivileged changes) but with every real access traced against the guest's
   * allocation. The first access outside it, and the first time guest code puts the real processor in
   * supervisor mode, are kept in `resource`.
   */
  private runWatched(real: Machine, budget: number, rl: number, rb: number, flags: number): StopReason {
    const base = this.monitor.clock.steps;
    let r = real.run(budget, flags | RunFlag.EXIT_ON_PSW);
    let n = real.lastSteps;
    for (;;) {
      if (r === Stop.MODE && real.mode === 0) this.noteResource({ kind: 'supervisor', step: base + n, access: null, address: real.pc + real.l, level: 1 });
      this.watchedSteps = n;
      if (r !== Stop.PSW) return r;
      // One real run cut in two: a breakpoint right after the cut stops it as the uncut run would have.
      if (this.breakpointNext(real)) return Stop.BREAK;
      const escaped = real.l !== rl || real.b !== rb;
      const prev = real.onAccess;
      if (escaped && this.resource === null) {
        let fetches = 0;
        let fetched = -1;
        const stepBase = base + n;
        real.onAccess = (k, pa) => {
          prev?.(k, pa);
          if (k === 0) {
            fetches++;
            fetched = pa;
          }
          if (k === 3 || this.resource !== null) return; // the trap frame is the hardware's write, not the guest's
          const level = this.levelOutside(pa);
          if (level === 0) return;
          const lpsw = k === 1 && fetched >= 0 && this.isa.byOp[fieldOp(real.mem[fetched])]?.mnemonic === 'LPSW';
          const access = k === 0 ? 'fetch' : k === 2 ? 'store' : lpsw ? 'lpsw' : 'load';
          this.noteResource({ kind: 'access', step: stepBase + fetches, access, address: pa, level });
        };
      }
      r = real.run(budget - n, flags | RunFlag.EXIT_ON_PSW);
      n += real.lastSteps;
      real.onAccess = prev;
    }
  }

  /** Whether the real machine would stop at a breakpoint before its next instruction (not at a trap first). */
  private breakpointNext(real: Machine): boolean {
    const bp = real.breakpoints;
    if (bp === null) return false;
    const pa = real.pc + real.l;
    if (real.pc < 0 || real.pc >= real.b || pa < 0 || pa >= real.q || bp[pa] === 0) return false;
    const ta = real.dev.timerAt;
    return !(real.mode !== 0 && ta !== undefined && ta >= 0 && ta <= real.steps + real.monitorTime);
  }

  /**
   * Real allocations the guest's code must stay inside, outermost first (the last is the guest's own); set by
   * the stack for a tower, else this VM's allocation.
   */
  allocations: [number, number][] | null = null;
  /** The first breach of resource control (§8) by guest code running on the real machine, or null. */
  resource: ResourceEvent | null = null;

  /** 0 when the real address is inside the guest's allocation, else the level of the monitor whose memory it is. */
  private levelOutside(pa: number): number {
    const ranges = this.allocations ?? [[this.base, this.base + this.q]];
    for (let k = 0; k < ranges.length; k++) if (pa < ranges[k][0] || pa >= ranges[k][1]) return k + 1;
    return 0;
  }

  private noteResource(e: ResourceEvent): void {
    if (this.resource === null) this.resource = e;
  }

  /**
   * After direct execution the real R is what the hardware says. It differs from what the allocator set only if
   * an unprivileged instruction changed R (possible on ISAs that fail Theorem 1): the VM then sees that R.
   */
  private takeHardwareR(hl: number, hb: number, rl: number, rb: number): void {
    if (hl !== rl || hb !== rb) {
      this.cpu.l = (hl - this.base) | 0;
      this.cpu.b = hb;
    }
  }

  /** The mnemonic at virtual address pc under R = (l, b), for trap events; '' when it cannot be fetched. */
  private mnemonicOf(pc: number, l: number, b: number): string {
    const pa = pc + l;
    if (pc < 0 || pc >= b || pa < 0 || pa >= this.q) return '';
    return this.isa.byOp[fieldOp(this.mem[pa])]?.mnemonic ?? '';
  }

  /**
   * The dispatcher, entered with the host's trap frame read: a privileged instruction trapped in virtual
   * supervisor mode goes to its interpreter; every other trap is reflected into the VM.
   */
  private dispatch(cause: number, detail: number, vguest: number): 'interpreted' | 'trap-in-vm' | 'halt' {
    const mon = this.monitor;
    const cpu = this.cpu;
    mon.ownTraps++;
    mon.real.monitorTime++;
    const om = cpu.mode;
    const opc = cpu.pc;
    const ol = cpu.l;
    const ob = cpu.b;
    if (cause === Cause.EXIT && mon.kind === 'assist') {
      // A guest-mode exit: the sensitive instruction, in either virtual mode, runs on the virtual processor,
      // which does exactly what the bare machine does there (its variant's PRIVILEGED trap into the VM included;
      // in a VM that is itself in guest mode, an EXIT into the VM). Its step was counted when it exited.
      mon.exits++;
      const r = this.reexecute(mon.interpreterFor(detail), vguest);
      if (mon.onEvent) mon.emit(this, cause, detail, r === Stop.HALTED ? 'halt' : r === Stop.TRAP ? 'reflected' : 'interpreted', om, opc, ol, ob, this.isa.byOp[fieldOp(detail)]?.mnemonic ?? '');
      return r === Stop.HALTED ? 'halt' : r === Stop.TRAP ? 'trap-in-vm' : 'interpreted';
    }
    if (cpu.mode === 0 && cause === Cause.TIMER) {
      // The real timer (real time only) expired while the VM is in virtual supervisor mode: held until user mode.
      this.timerPending = true;
      return 'interpreted';
    }
    if (cpu.mode === 0 && cause === Cause.SVC && mon.paravirt && mon.kind === 'full' && detail >= HYPERCALL && detail < HYPERCALL + HYPERCALLS) {
      const how = this.hypercall(detail - HYPERCALL);
      if (mon.onEvent) mon.emit(this, cause, detail, how === 'trap-in-vm' ? 'reflected' : 'interpreted', om, opc, ol, ob, `hypercall ${HYPERCALL_NAMES[detail - HYPERCALL]}`);
      return how;
    }
    if (cpu.mode === 0 && cause === Cause.PRIVILEGED) {
      const it = mon.interpreterFor(detail);
      if (it) {
        // Re-execute the instruction on the virtual processor, in virtual supervisor mode.
        const r = this.reexecute(it, vguest);
        const how = r === Stop.HALTED ? 'halt' : 'interpreted';
        if (mon.onEvent) mon.emit(this, cause, detail, how, om, opc, ol, ob, it.mnemonic);
        return r === Stop.HALTED ? 'halt' : r === Stop.TRAP ? 'trap-in-vm' : 'interpreted';
      }
    }
    mon.ownReflected++;
    cpu.trap(cause, detail);
    if (mon.onEvent) {
      const what = cause === Cause.PRIVILEGED ? (this.isa.byOp[fieldOp(detail)]?.mnemonic ?? '') : this.mnemonicOf(opc, ol, ob);
      mon.emit(this, cause, detail, 'reflected', om, opc, ol, ob, what);
    }
    return 'trap-in-vm';
  }

  /**
   * Runs a trapped instruction on the virtual processor, counted as its interpreter's work. The step is not a new
   * guest step: the instruction was counted when it trapped, so the virtual processor's count steps back by one
   * first and a clock read sees it counted once.
   */
  private reexecute(it: Interpreter | undefined, vguest: number): StopReason {
    const mon = this.monitor;
    const cpu = this.cpu;
    if (it) it.count++;
    mon.ownInterpreted++;
    mon.real.monitorTime++;
    cpu.steps--;
    const r = cpu.run(1, RunFlag.EXIT_ON_TRAP | vguest);
    if (cpu.lastSteps === 0) cpu.steps++;
    return r;
  }

  /**
   * A hypercall (paravirtualization), served against the virtual state in virtual supervisor mode. cpu.pc is the
   * SVC's address; the virtual processor goes on after it unless the call loads the PSW. A memory trap (LRA,
   * LPSW) is reflected into the VM with P at the SVC, as the instruction it stands for would trap.
   */
  private hypercall(k: number): 'interpreted' | 'trap-in-vm' {
    const mon = this.monitor;
    const cpu = this.cpu;
    const R = this.regs;
    mon.hypercalls++;
    mon.ownInterpreted++;
    mon.real.monitorTime++;
    const ok = (a: number) => a >= 0 && a < cpu.b && a + cpu.l >= 0 && a + cpu.l < this.q;
    const fault = (a: number): 'trap-in-vm' => {
      mon.ownReflected++;
      cpu.trap(Cause.MEMORY, a);
      return 'trap-in-vm';
    };
    const set = (r: number, v: number) => {
      if (r !== 0) R[r] = v | 0;
    };
    switch (k) {
      case 0:
        set(1, cpu.mode);
        break;
      case 1:
        set(1, cpu.l);
        set(2, cpu.b);
        break;
      case 2:
        cpu.l = R[1];
        cpu.b = R[2];
        break;
      case 3:
        if (!ok(R[1])) return fault(R[1]);
        set(1, R[1] + cpu.l);
        break;
      case 4:
        cpu.mode = 1;
        cpu.pc = R[1];
        return 'interpreted';
      case 5: {
        const a = R[1];
        for (let i = 0; i < 4; i++) if (!ok((a + i) | 0)) return fault((a + i) | 0);
        const E = this.mem;
        const pa = a + cpu.l;
        cpu.loadPSW(E[pa], E[pa + 1], E[pa + 2], E[pa + 3]);
        return 'interpreted';
      }
    }
    cpu.pc = (cpu.pc + 1) | 0;
    return 'interpreted';
  }

  snapshot(): VmSnapshot {
    return {
      psw: this.cpu.psw,
      status: this.cpu.status,
      steps: this.steps,
      cpuSteps: this.cpu.steps,
      trapCounts: this.cpu.trapCounts.slice(),
      wholeInterpreted: this.wholeInterpreted,
      console: this.dev.snapshot(),
      savedRegs: this.saved.slice(),
      timerPending: this.timerPending,
      resource: this.resource,
      trappedOps: this.trappedOps.slice(),
    };
  }

  /** Restores the VM's own state; its memory is part of the real memory, restored with the real machine. */
  restore(s: VmSnapshot): void {
    this.cpu.setPSW(s.psw);
    this.cpu.status = s.status;
    this.steps = s.steps;
    this.cpu.steps = s.cpuSteps;
    this.cpu.trapCounts.set(s.trapCounts);
    this.wholeInterpreted = s.wholeInterpreted;
    this.dev.restore(s.console);
    this.saved.set(s.savedRegs);
    this.timerPending = s.timerPending ?? false;
    this.resource = s.resource ?? null;
    if (s.trappedOps) this.trappedOps.set(s.trappedOps);
    else this.trappedOps.fill(0);
  }
}

for (const k of ['mode', 'pc', 'l', 'b'] as const) {
  Object.defineProperty(VirtualMachine.prototype, k, {
    get(this: VirtualMachine): number {
      return this.cpu[k];
    },
  });
}
