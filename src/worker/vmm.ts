/**
 * The monitor tower (src/core/vmm VirtualStack) behind the Target interface: the guest runs in the innermost
 * VM; every level's PSW, allocation and statistics come from the stack, and each trap a monitor's dispatcher
 * handles becomes a TrapEvent with the path it took.
 */
import type { Isa } from '../core/isa/isa';
import { RunFlag, Stop, type Image, type PSW } from '../core/machine/machine';
import { HYPERCALL, type TrapEvent as VmmEvent } from '../core/vmm/monitor';
import { Cause } from '../core/isa/table';
import type { MonitorKind } from '../core/vmm/kinds';
import { VirtualStack, runBare, type StackSnapshot } from '../core/vmm/stack';
import { compareStates } from '../core/vmm/equiv';
import { equivalenceAt, notChecked, stackProperties, type EquivalenceProperty, type VmmProperties } from '../core/vmm/properties';
import type { LevelInfo, SessionConfig, TrapEvent } from './protocol';
import type { Counters, RunStop, Target } from './target';
import { framePsws, type HandledCode, type RawTrap, type TrapLog } from './traplog';

const HANDLED_CODE: Record<VmmEvent['handled'], HandledCode> = { reflected: 1, interpreted: 2, halt: 3 };
const HANDLED_NAME: Record<HandledCode, VmmEvent['handled']> = { 0: 'interpreted', 1: 'reflected', 2: 'interpreted', 3: 'halt' };

/** What a trap row keeps of a monitor's event: enough to name it and trace its path. */
type PathEvent = Pick<VmmEvent, 'level' | 'cause' | 'detail' | 'handled' | 'what'>;

/** How the trap flow names each kind of monitor. */
const KIND_LABEL: Record<MonitorKind, string> = { full: 'VMM', hybrid: 'hybrid monitor', bt: 'bt monitor', assist: 'assist monitor' };

/**
 * The trap log's label for a monitor's event: a served hypercall is "hypercall N NAME" (N = SVC number − 0xFF00),
 * so that it reads apart from an SVC reflected into the guest's kernel; anything else keeps the mnemonic.
 */
export function eventLabel(e: Pick<VmmEvent, 'cause' | 'detail' | 'what'>): string {
  if (e.cause === Cause.SVC && e.what.startsWith('hypercall ')) return `hypercall ${e.detail - HYPERCALL} ${e.what.slice('hypercall '.length)}`;
  return e.what || '(fetch)';
}

/** The path a monitor's event took, for the trap-flow view (guest → hardware → dispatchers → what was done). */
export function eventPath(e: PathEvent, kind: MonitorKind, depth: number): string[] {
  const vm = `VM ${e.level}`;
  const guest = depth > 1 ? `guest (VM ${depth})` : 'guest (VM 1)';
  const dispatchers = Array.from({ length: e.level }, (_, k) => `dispatcher ${k + 1}`);
  const who = `${KIND_LABEL[kind]} ${e.level}`;
  if (e.cause === Cause.EXIT) {
    // Hardware assist: the sensitive instruction did not run; guest mode made it exit, and the monitor emulated it.
    const done =
      e.handled === 'reflected'
        ? `emulated ${e.what}: it trapped in the VM, reflected into ${vm}'s E[0..11]`
        : e.handled === 'halt'
          ? `emulated ${e.what}: HALT, the VM halts`
          : `emulated ${e.what} on ${vm}'s virtual state (${who})`;
    return [`${guest} in guest mode`, `guest-mode exit: ${e.what} is sensitive (cause 7 EXIT)`, ...dispatchers, done];
  }
  const label = eventLabel(e);
  if (label.startsWith('hypercall ')) {
    const done = e.handled === 'reflected' ? `${label}: it trapped in the VM, reflected into ${vm}'s E[0..11]` : `${label} served on ${vm}'s virtual state (${who})`;
    return [`${guest}, virtual supervisor mode`, `SVC 0x${e.detail.toString(16).toUpperCase()}: a call to the monitor`, 'real trap', ...dispatchers, done];
  }
  const path = [guest, 'real trap', ...dispatchers];
  if (e.handled === 'reflected') path.push(`reflected into ${vm}'s E[0..11]`);
  else if (e.handled === 'interpreted') path.push(`interpreter ${e.what || ''} (${who})`.replace('  ', ' '));
  else path.push('HALT: VM halts');
  return path;
}

/** The bare run to its end against the halted VM's end state, under f (status, console, registers, PSW, memory). */
function endEquivalence(stack: VirtualStack, image: Image, input: string): EquivalenceProperty {
  const bare = runBare(image, { isa: stack.guest.isa, q: stack.w, input, maxSteps: EQUIV_REPLAY_LIMIT });
  const d = compareStates(bare, stack.result());
  return {
    checked: true,
    equivalent: d === null,
    divergence: d && { ...d, step: null },
    how: `the bare machine run to its end (${bare.steps} steps, the guest ${stack.guest.steps}) and the end states compared under f`,
  };
}

/** Above this many guest steps the workbench does not replay the bare machine to compare (each Step would wait for it). */
const EQUIV_REPLAY_LIMIT = 5_000_000;

export function makeVirtualTarget(isa: Isa, cfg: SessionConfig): Target {
  return new VirtualTarget(isa, cfg);
}

class VirtualTarget implements Target {
  readonly stack: VirtualStack;
  log: TrapLog | null = null;
  errorMessage = '';
  private bp: number[] = [];
  /** Whether the stack has `bp` set now (a run without breakpoints clears them; setting them allocates). */
  private bpSet = true;
  private seen = 0;
  /** Step at which a stop-at-trap run started, and whether a trap after it was seen. */
  private mark = Infinity;
  private hit = false;
  private image: Image | null = null;
  private readonly input: string;
  /** The last equivalence check and the state it was made at (guest step and status), so a frame reuses it. */
  private checked: { at: string; eq: EquivalenceProperty } | null = null;

  constructor(isa: Isa, cfg: SessionConfig) {
    const kind: MonitorKind = cfg.monitor === 'hybrid' || cfg.monitor === 'bt' || cfg.monitor === 'assist' ? cfg.monitor : 'full';
    // An ISA without guest mode refuses the assist monitor here, with the core's message (the engine shows it).
    this.stack = new VirtualStack({ isa, kind, depth: Math.max(1, cfg.depth), w: cfg.q, input: cfg.input, paravirt: kind === 'full' && cfg.hypercalls === true });
    this.stack.onEvent = (e) => this.record(e);
    this.input = cfg.input;
  }

  /**
   * The three VMM properties so far. Equivalence replays the bare machine (q = w) to the guest's step and
   * compares under f: only when asked (the engine asks while nothing runs) and once per state.
   */
  properties(check: boolean): VmmProperties {
    const at = `${this.stack.guest.steps}:${this.stack.status}`;
    let eq: EquivalenceProperty = notChecked('not checked yet: compared with the bare machine when the run stops or pauses');
    if (check && this.stack.guest.steps > EQUIV_REPLAY_LIMIT) {
      eq = notChecked(`not checked: ${this.stack.guest.steps.toLocaleString('en')} steps are too many to replay in the page (pglab equiv compares any run)`);
    } else if (check && this.image && this.stack.monitors[0].paravirt) {
      // A served hypercall is one guest step where the bare kernel runs its own handler: the two runs line up
      // again only at the end, so the ends are compared (as `pglab equiv --hypercalls` does).
      if (this.stack.status !== 'halted') eq = notChecked('not checked before the halt: with hypercalls the guest takes fewer steps than bare, so the end states are compared');
      else {
        if (this.checked?.at !== at) this.checked = { at, eq: endEquivalence(this.stack, this.image, this.input) };
        eq = this.checked.eq;
      }
    } else if (check && this.image && this.stack.guest.steps > 0) {
      if (this.checked?.at !== at) this.checked = { at, eq: equivalenceAt(this.stack, this.image, this.input) };
      eq = this.checked.eq;
    }
    return stackProperties(this.stack, eq);
  }

  get steps(): number {
    return this.stack.guest.steps;
  }

  private record(e: VmmEvent): void {
    this.seen++;
    // Only a trap after the start counts: a monitor entering its guest at the starting step (after the trap
    // the last run stopped at) is the tail of that trap, not a new one.
    if (e.step > this.mark) this.hit = true;
    const log = this.log;
    if (!log) return;
    log.pushPsw(e.step, e.level, HANDLED_CODE[e.handled], log.intern(e.what), e.cause, e.detail, e.old, e.new);
  }

  /** The row's text: the path through the tower's dispatchers, made only for rows on screen. */
  readonly describe = (r: RawTrap, log: TrapLog): TrapEvent => {
    const e: PathEvent = { level: r.level, cause: r.E[4], detail: r.E[5], handled: HANDLED_NAME[r.handled], what: log.str(r.what) };
    const { old, new: nw } = framePsws(r.E);
    return {
      step: r.step,
      level: r.level,
      cause: e.cause,
      detail: e.detail,
      old,
      new: nw,
      handled: r.handled === 1 ? 'reflected' : 'interpreted',
      path: eventPath(e, this.stack.kind, this.stack.depth),
      what: eventLabel(e),
    };
  };

  boot(image: Image): void {
    this.image = image;
    this.checked = null;
    this.stack.boot(image);
    this.stack.setBreakpoints(this.bp);
    this.bpSet = true;
    this.errorMessage = '';
  }

  setBreakpoints(addrs: readonly number[]): void {
    this.bp = addrs.slice();
    this.stack.setBreakpoints(this.bp);
    this.bpSet = true;
  }

  /**
   * The stack's breakpoints for one run call. VirtualStack.setBreakpoints allocates a real-memory-sized array,
   * so it is called only when the set in force changes (a run that skips them, the first after a Step), never
   * once per call: Run makes a call every millisecond.
   */
  private useBp(on: boolean): void {
    if (this.bp.length === 0 || on === this.bpSet) return;
    this.stack.setBreakpoints(on ? this.bp : []);
    this.bpSet = on;
  }

  run(n: number, stopAtTrap: boolean, useBreakpoints: boolean): RunStop {
    this.useBp(useBreakpoints);
    try {
      if (!stopAtTrap) return this.map(this.stack.run(n));
      // A trap at any level after the start stops the run; the engine travels back to its exact step if the
      // run went past it (the stack returns at the guest's own traps, not at every monitor's).
      this.mark = this.steps;
      this.hit = false;
      let left = n;
      while (left > 0) {
        const before = this.steps;
        const r = this.stack.run(left, RunFlag.EXIT_ON_TRAP);
        left -= this.steps - before;
        if (r === Stop.HALTED || r === Stop.BREAK) return this.map(r);
        if (this.hit) return 'trap';
        if (this.steps === before) return 'limit';
      }
      return 'limit';
    } finally {
      this.mark = Infinity;
    }
  }

  private map(r: number): RunStop {
    if (r === Stop.HALTED) return 'halted';
    if (r === Stop.BREAK) return 'break';
    if (r === Stop.TRAP) return 'trap';
    return 'limit';
  }

  guestPsw(): PSW {
    return this.stack.guest.psw;
  }
  guestRegs(): Int32Array {
    return this.stack.guest.regs;
  }
  guestMem(): Int32Array {
    return this.stack.guest.mem;
  }
  console(): string {
    return this.stack.guest.console;
  }
  levels(): LevelInfo[] {
    const real = this.stack.real;
    const st = this.stack.stats();
    const out: LevelInfo[] = [
      {
        level: 0,
        label: 'real machine',
        psw: real.psw,
        base: 0,
        realBase: 0,
        size: real.q,
        stats: { traps: st.trapped, reflected: 0, interpreted: 0 },
      },
    ];
    const kind = this.stack.kind === 'hybrid' ? 'HVM' : 'VMM';
    for (const lv of this.stack.levels()) {
      out.push({
        level: lv.level,
        label: lv.level === this.stack.depth ? `VM ${lv.level} (guest)` : `VM ${lv.level} (${kind} ${lv.level + 1})`,
        psw: lv.psw,
        base: lv.base,
        realBase: lv.realBase,
        size: lv.size,
        stats: { traps: lv.stats.traps, reflected: lv.stats.reflected, interpreted: lv.stats.interpreted },
      });
    }
    return out;
  }
  counters(): Counters {
    const s = this.stack.stats();
    return {
      direct: s.direct,
      trapped: s.trapped,
      interpreted: s.interpreted,
      levels: s.levels.map((l) => l.traps),
      amplification: this.stack.amplification(),
      ...(s.translated !== undefined ? { translated: s.translated } : {}),
      ...(s.hypercalls !== undefined || this.stack.monitors[0].paravirt ? { hypercalls: s.hypercalls ?? 0 } : {}),
      ...(s.exits !== undefined ? { exits: s.exits } : {}),
    };
  }
  translatedWords(): Set<number> | null {
    return this.stack.guest.translator?.translatedWords() ?? null;
  }
  trapCounts(): number[] {
    return Array.from(this.stack.guest.cpu.trapCounts);
  }
  trapFrame(): number[] {
    return Array.from(this.stack.guest.mem.subarray(0, 12));
  }
  realQ(): number {
    return this.stack.real.q;
  }
  snapshot(): unknown {
    return { s: this.stack.snapshot(), seen: this.seen };
  }
  restore(x: unknown): void {
    const v = x as { s: StackSnapshot; seen: number };
    this.stack.restore(v.s);
    this.seen = v.seen;
    this.errorMessage = '';
  }
  snapshotBytes(): number {
    return this.stack.real.q * 4 + 1024;
  }
}
