/**
 * Equivalence (PG1.md §8): a program run on a bare machine with q = w and the same program in a VM of size w
 * end with the same status, console, registers, PSW and all w words of memory, under the map f (which carries
 * registers unchanged and maps the VM's memory onto guest-physical addresses). Step counts may differ.
 */
import { Machine, ConsoleDevices, DEFAULT_MAX_STEPS, type Image, type PSW } from '../machine/machine';
import { isUser, presetIsa, type Isa } from '../isa/isa';
import { DEFAULT_VM_SIZE, VirtualStack, pswOut, runBare, runVirtual, type RunResult, type VirtualOptions } from './stack';

export interface Divergence {
  /** `status`, `console`, `regs[i]`, `psw.mode`, `psw.pc`, `psw.l`, `psw.b` or `mem[a]`. */
  field: string;
  native: unknown;
  virtual: unknown;
}

export interface EquivResult {
  equivalent: boolean;
  divergence: Divergence | null;
  native: RunResult;
  virtual: RunResult;
}

type Comparable = Pick<RunResult, 'status' | 'console' | 'psw' | 'regs' | 'mem'>;

/** The first field, in the fixed order of §10, on which two end states differ. */
export function compareStates(n: Comparable, v: Comparable): Divergence | null {
  if (n.status !== v.status) return { field: 'status', native: n.status, virtual: v.status };
  if (n.console !== v.console) return { field: 'console', native: n.console, virtual: v.console };
  for (let i = 0; i < 16; i++) if (n.regs[i] !== v.regs[i]) return { field: `regs[${i}]`, native: n.regs[i], virtual: v.regs[i] };
  for (const k of ['mode', 'pc', 'l', 'b'] as const) {
    if (n.psw[k] !== v.psw[k]) return { field: `psw.${k}`, native: n.psw[k], virtual: v.psw[k] };
  }
  const len = Math.max(n.mem.length, v.mem.length);
  for (let a = 0; a < len; a++) if (n.mem[a] !== v.mem[a]) return { field: `mem[${a}]`, native: n.mem[a], virtual: v.mem[a] };
  return null;
}

/** Runs the image bare (q = w) and virtualized, and compares the end states. */
export function equiv(image: Image, opts: VirtualOptions = {}): EquivResult {
  const w = opts.w ?? DEFAULT_VM_SIZE;
  const native = runBare(image, { isa: opts.isa, q: w, input: opts.input, maxSteps: opts.maxSteps });
  const virtual = runVirtual(image, { ...opts, w });
  const divergence = compareStates(native, virtual);
  return { equivalent: divergence === null, divergence, native, virtual };
}

export interface LockstepResult {
  equivalent: boolean;
  /** The guest step (1-based) after which the states first differ, or null. */
  step: number | null;
  /** Guest virtual P of the instruction executed in that step, and its guest-physical address (P + l). */
  pc: number | null;
  address: number | null;
  divergence: Divergence | null;
  /** Steps compared. */
  steps: number;
}

/** The first divergence found by a Lockstep: the field, and the instruction each side executed in that step. */
export interface StepDivergence extends Divergence {
  /** The step (1-based) after which the states first differ; 0 when they differ at boot. */
  step: number;
  /** Bare side's virtual P before that step, and the guest-physical address of each side's instruction. */
  pc: number | null;
  nativeAddr: number | null;
  virtualAddr: number | null;
}

export type LockstepOptions = Omit<VirtualOptions, 'maxSteps'> & {
  /** How many of the latest steps' records (`trace`) to keep; default 0 (only `last`). */
  trace?: number;
};

/**
 * How one guest step was carried out under the monitor: the two halves of the commuting diagram of Theorem 1's
 * proof. `direct`: the real processor executed the instruction with no monitor involved, so f(real state) moved
 * as the bare state did by itself. `trap-interpreted` / `trap-reflected`: it trapped and the innermost monitor
 * interpreted it against the virtual state, or reflected the trap into the VM's trap frame; `interpreted`: the
 * monitor executed it instead of the processor (hybrid monitor in virtual supervisor mode, an R that is not a
 * real window, a timer trap delivered). In those three the monitor made the diagram commute. `none`: both sides
 * had halted. Found from the stack's statistics before and after the step.
 */
export type StepCase = 'direct' | 'trap-interpreted' | 'trap-reflected' | 'interpreted' | 'none';

export interface StepRecord {
  /** The step (1-based). */
  step: number;
  /** The bare side's instruction: virtual P, guest-physical address, mnemonic (`(fetch)` when P cannot be fetched). */
  pc: number;
  address: number;
  instruction: string;
  how: StepCase;
  /** After the step: the real machine's PSW, the VM's virtual PSW (f of the real state) and the bare machine's. */
  real: PSW;
  virtual: PSW;
  bare: PSW;
  /** The states agreed under f after this step (memory as the lockstep compares it). */
  agrees: boolean;
}

type Side = { status: string; console: string; psw: Parameters<typeof pswOut>[0]; regs: Int32Array };
const NO_MEM = new Int32Array(0);
const state = (m: Side, mem: Int32Array): Comparable => ({
  status: m.status === 'halted' ? 'halted' : 'limit',
  console: m.console,
  psw: pswOut(m.psw),
  regs: m.regs as unknown as number[],
  mem,
});

/** With an ISA file's own instructions in the ISA, all of memory is compared every MEM_EVERY steps (see below). */
const MEM_EVERY = 64;

/**
 * Native and virtual side by side, one guest instruction at a time, comparing the state under f after each
 * one; the first instruction after which they differ is the divergence. Memory is compared where either side
 * wrote during the step (watched through onAccess on the bare machine, the real machine and the guest's
 * virtual processor) plus the guest's trap frame, which a monitor writes when it reflects a trap. The effect of
 * an instruction an ISA file defines writes memory without onAccess, so all w words are also compared at boot,
 * at the end of every `step` call, when both sides halt, and (with such instructions) every MEM_EVERY steps; a
 * difference found there is pinned to its step by replaying from the last clean comparison (runs are
 * deterministic). The one lockstep of the project: `pglab equiv --lockstep` runs it to the end, the
 * Equivalence view steps it.
 */
export class Lockstep {
  bare!: Machine;
  stack!: VirtualStack;
  readonly w: number;
  steps = 0;
  divergence: StepDivergence | null = null;
  /** The latest step's record, and the latest `opts.trace` of them, oldest first. */
  last: StepRecord | null = null;
  readonly trace: StepRecord[] = [];
  private readonly dirty = new Set<number>();
  private readonly isa: Isa;
  private readonly untracked: boolean;
  /** The last step after which all of memory was compared and found equal. */
  private cleanAt = 0;

  constructor(
    private readonly image: Image,
    private readonly opts: LockstepOptions = {},
  ) {
    this.w = opts.w ?? DEFAULT_VM_SIZE;
    this.isa = opts.isa ?? presetIsa('pg1');
    this.untracked = this.isa.instructions.some(isUser);
    this.boot();
    const first = this.compareAll();
    if (first) this.divergence = { ...first, step: 0, pc: null, nativeAddr: null, virtualAddr: null };
  }

  private boot(): void {
    const { w, isa, opts } = this;
    this.bare = new Machine({ q: w, isa, dev: new ConsoleDevices(opts.input ?? ''), jit: false });
    this.bare.boot(this.image);
    this.stack = new VirtualStack({ isa, kind: opts.kind ?? 'full', depth: Math.max(1, opts.depth ?? 1), w, input: opts.input ?? '', jit: false, time: opts.time });
    this.stack.boot(this.image);
    const base = this.stack.guestRealBase;
    const mark = (k: number, a: number) => {
      if (k >= 2 && a >= 0 && a < w) this.dirty.add(a);
    };
    this.bare.onAccess = mark;
    this.stack.guest.cpu.onAccess = mark;
    this.stack.real.onAccess = (k, pa) => {
      if (k === 2) mark(k, pa - base);
    };
    this.steps = 0;
    this.dirty.clear();
    this.last = null;
    this.trace.length = 0;
  }

  /** The stack's counters that tell how a step was carried out (see StepCase). */
  private counts(): [number, number, number, number, number] {
    const s = this.stack;
    const inner = s.monitors[s.monitors.length - 1].stats;
    let interpreted = 0;
    for (const v of s.vms) interpreted += v.wholeInterpreted;
    return [s.monitors[0].direct, s.monitors[0].hostTraps, interpreted, inner.interpreted, inner.reflected];
  }

  /** The mnemonic of the bare side's next instruction, `(fetch)` when P cannot be fetched (§2). */
  private nextInstruction(): string {
    const m = this.bare;
    const pa = m.pc + m.l;
    if (m.pc < 0 || m.pc >= m.b || pa < 0 || pa >= this.w) return '(fetch)';
    return this.isa.byOp[m.mem[pa] >>> 24]?.mnemonic ?? '(illegal)';
  }

  private record(pc: number, address: number, instruction: string, before: number[], agrees: boolean): void {
    const [d, t, i, ii, ir] = this.counts();
    let how: StepCase = 'none';
    if (t > before[1]) how = ir > before[4] || ii === before[3] ? 'trap-reflected' : 'trap-interpreted';
    else if (i > before[2]) how = 'interpreted';
    else if (d > before[0]) how = 'direct';
    const bare = this.bare;
    const r: StepRecord = { step: this.steps, pc, address, instruction, how, real: this.stack.real.psw, virtual: this.stack.guest.psw, bare: bare.psw, agrees };
    this.last = r;
    const keep = this.opts.trace ?? 0;
    if (keep > 0) {
      this.trace.push(r);
      if (this.trace.length > keep) this.trace.splice(0, this.trace.length - keep);
    }
  }

  get done(): boolean {
    return this.bare.status === 'halted' && this.stack.guest.status === 'halted';
  }

  /** The whole state, all w words included. */
  compareAll(): Divergence | null {
    const g = this.stack.guest;
    return compareStates(state(this.bare, this.bare.mem), state(g, g.mem));
  }

  /** One step of both sides; the divergence after it, memory compared where written, or all of it when `full`. */
  private one(full: boolean): StepDivergence | null {
    const bare = this.bare;
    const g = this.stack.guest;
    const pc = bare.pc;
    const nativeAddr = bare.pc + bare.l;
    const virtualAddr = g.pc + g.l;
    const before = this.counts();
    // The instruction word is read before the step: the step may overwrite it.
    const instruction = this.nextInstruction();
    if (bare.status !== 'halted') bare.run(1);
    if (g.status !== 'halted') this.stack.run(1);
    this.steps++;
    for (let a = 0; a < 6; a++) this.dirty.add(a);
    let d = full ? this.compareAll() : compareStates(state(bare, NO_MEM), state(g, NO_MEM));
    if (!d) {
      let lowest = -1;
      for (const a of this.dirty) if (bare.mem[a] !== g.mem[a] && (lowest < 0 || a < lowest)) lowest = a;
      if (lowest >= 0) d = { field: `mem[${lowest}]`, native: bare.mem[lowest], virtual: g.mem[lowest] };
    }
    this.dirty.clear();
    this.record(pc, nativeAddr, instruction, before, !d);
    return d && { ...d, step: this.steps, pc, nativeAddr, virtualAddr };
  }

  /** Memory differs now but did not at `cleanAt`: replay to there, then compare everything step by step. */
  private pin(): StepDivergence | null {
    const target = this.steps;
    const clean = this.cleanAt;
    this.boot();
    while (this.steps < clean) this.one(false);
    while (this.steps < target) {
      const d = this.one(true);
      if (d) return d;
    }
    return null;
  }

  /** Steps both sides until n steps are done, both halted, or they diverge. Returns the steps taken. */
  step(n: number): number {
    let k = 0;
    while (k < n && !this.done && !this.divergence) {
      k++;
      let d = this.one(false);
      if (!d && (this.done || k === n || (this.untracked && this.steps % MEM_EVERY === 0))) {
        if (this.compareAll()) d = this.pin();
        else this.cleanAt = this.steps;
      }
      this.divergence = d;
    }
    return k;
  }
}

/** Runs a Lockstep to the end (both halted, a divergence, or maxSteps) and compares all of memory last. */
export function equivLockstep(image: Image, opts: VirtualOptions = {}): LockstepResult {
  const ls = new Lockstep(image, opts);
  ls.step(opts.maxSteps ?? DEFAULT_MAX_STEPS);
  let d = ls.divergence;
  if (!d) {
    const last = ls.compareAll();
    if (last) d = { ...last, step: ls.steps, pc: ls.bare.pc, nativeAddr: ls.bare.pc + ls.bare.l, virtualAddr: null };
  }
  if (!d) return { equivalent: true, step: null, pc: null, address: null, divergence: null, steps: ls.steps };
  const { step, pc, nativeAddr, virtualAddr: _v, ...divergence } = d;
  return { equivalent: false, step, pc, address: nativeAddr, divergence, steps: step };
}
