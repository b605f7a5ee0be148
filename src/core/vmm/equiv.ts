/**
 * Equivalence (PG1.md §8): a program run on a bare machine with q = w and the same program in a VM of size w
 * end with the same status, console, registers, PSW and all w words of memory, under the map f (which carries
 * registers unchanged and maps the VM's memory onto guest-physical addresses). Step counts may differ.
 */
import { Machine, ConsoleDevices, DEFAULT_MAX_STEPS, type Image } from '../machine/machine';
import { presetIsa } from '../isa/isa';
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

/**
 * Runs native and virtual side by side, one guest instruction at a time, comparing the state under f after each
 * one, and reports the first instruction after which they differ. Memory is compared where either side wrote
 * during the step (watched through onAccess on the bare machine, the real machine and the guest's virtual
 * processor) plus the guest's trap frame, which a monitor writes when it reflects a trap; all w words are
 * compared at the start and at the end.
 */
export function equivLockstep(image: Image, opts: VirtualOptions = {}): LockstepResult {
  const w = opts.w ?? DEFAULT_VM_SIZE;
  const isa = opts.isa ?? presetIsa('pg1');
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  const bare = new Machine({ q: w, isa, dev: new ConsoleDevices(opts.input ?? ''), jit: false });
  bare.boot(image);
  const stack = new VirtualStack({ isa, kind: opts.kind ?? 'full', depth: opts.depth ?? 1, w, input: opts.input ?? '', jit: false, time: opts.time });
  stack.boot(image);
  const g = stack.guest;
  const base = stack.guestRealBase;
  const dirty = new Set<number>();
  const mark = (k: number, a: number) => {
    if (k >= 2 && a >= 0 && a < w) dirty.add(a);
  };
  bare.onAccess = mark;
  g.cpu.onAccess = mark;
  stack.real.onAccess = (k, pa) => {
    if (k === 2) mark(k, pa - base);
  };
  const state = (m: { status: string; console: string; psw: Parameters<typeof pswOut>[0]; regs: Int32Array }, mem: Int32Array): Comparable => ({
    status: m.status === 'halted' ? 'halted' : 'limit',
    console: m.console,
    psw: pswOut(m.psw),
    regs: m.regs as unknown as number[],
    mem,
  });
  const none = new Int32Array(0);
  const fail = (step: number, pc: number | null, l: number, d: Divergence): LockstepResult => ({
    equivalent: false,
    step,
    pc,
    address: pc === null ? null : pc + l,
    divergence: d,
    steps: step,
  });
  const first = compareStates(state(bare, bare.mem), state(g, g.mem));
  if (first) return fail(0, null, 0, first);
  let steps = 0;
  let pc = 0;
  let l = 0;
  while (steps < maxSteps) {
    const bareDone = bare.status === 'halted';
    const virtDone = g.status === 'halted';
    if (bareDone && virtDone) break;
    pc = bare.pc;
    l = bare.l;
    if (!bareDone) bare.run(1);
    if (!virtDone) stack.run(1);
    steps++;
    for (let a = 0; a < 6; a++) dirty.add(a);
    let d = compareStates(state(bare, none), state(g, none));
    if (!d) {
      let lowest = -1;
      for (const a of dirty) if (bare.mem[a] !== g.mem[a] && (lowest < 0 || a < lowest)) lowest = a;
      if (lowest >= 0) d = { field: `mem[${lowest}]`, native: bare.mem[lowest], virtual: g.mem[lowest] };
    }
    dirty.clear();
    if (d) return fail(steps, pc, l, d);
  }
  const last = compareStates(state(bare, bare.mem), state(g, g.mem));
  if (last) return fail(steps, pc, l, last);
  return { equivalent: true, step: null, pc: null, address: null, divergence: null, steps };
}
