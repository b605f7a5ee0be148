/**
 * The Equivalence view's engine: the same image on a bare machine (q = w) and under a tower of monitors, one
 * guest instruction at a time, comparing the whole state under f after each step (core/vmm's compareStates),
 * so the first divergence is caught at the instruction that caused it. Also the Recursion view's series.
 * DOM-free.
 */
import type { AsmResult } from '../../core/asm/assembler';
import type { Isa } from '../../core/isa/isa';
import { ConsoleDevices, Machine, type PSW } from '../../core/machine/machine';
import { compareStates, type Divergence } from '../../core/vmm/equiv';
import { MAX_DEPTH, VirtualStack, pswOut, type LevelInfo } from '../../core/vmm/stack';

export interface SideState {
  status: 'ready' | 'running' | 'halted' | 'limit';
  steps: number;
  psw: PSW;
  regs: number[];
  console: string;
  /** Source line of the instruction at P (through the assembler's map of guest-physical addresses). */
  line: number | null;
}

export interface StepDivergence extends Divergence {
  /** The step (1-based) after which the states first differ. */
  step: number;
  /** The instruction executed in that step, on each side: guest-physical address and source line. */
  nativeAddr: number;
  virtualAddr: number;
  nativeLine: number | null;
  virtualLine: number | null;
}

export interface LockstepOptions {
  isa: Isa;
  kind: 'full' | 'hybrid';
  depth: number;
  w: number;
  input?: string;
}

/** Memory is compared in full every MEM_EVERY steps (it is w words); a difference found there is pinned to its step by replaying. */
const MEM_EVERY = 64;
const NO_MEM = new Int32Array(0);

export class Lockstep {
  bare!: Machine;
  stack!: VirtualStack;
  steps = 0;
  divergence: StepDivergence | null = null;
  /** The last step at which memory was compared and found equal. */
  private cleanAt = 0;

  constructor(
    readonly asm: AsmResult,
    readonly opts: LockstepOptions,
  ) {
    this.boot();
  }

  private boot(): void {
    const o = this.opts;
    this.bare = new Machine({ q: o.w, isa: o.isa, dev: new ConsoleDevices(o.input ?? ''), jit: false });
    this.bare.boot(this.asm.image);
    this.stack = new VirtualStack({ isa: o.isa, kind: o.kind, depth: Math.max(1, o.depth), w: o.w, input: o.input ?? '', jit: false });
    this.stack.boot(this.asm.image);
    this.steps = 0;
  }

  get done(): boolean {
    return this.bare.status === 'halted' && this.stack.guest.status === 'halted';
  }

  /** One step of both sides; returns the divergence after it (memory compared only when `full`). */
  private one(full: boolean): StepDivergence | null {
    const g = this.stack.guest;
    const na = this.bare.pc + this.bare.l;
    const va = g.pc + g.l;
    if (this.bare.status !== 'halted') this.bare.run(1);
    if (g.status !== 'halted') this.stack.run(1);
    this.steps++;
    const d = compareStates(view(this.bare, full), view(g, full));
    if (!d) return null;
    return { ...d, step: this.steps, nativeAddr: na, virtualAddr: va, nativeLine: this.asm.lineOfAddr.get(na) ?? null, virtualLine: this.asm.lineOfAddr.get(va) ?? null };
  }

  /** Steps both sides until n steps are done, both halted, or they diverge. Returns the steps taken. */
  step(n: number): number {
    let k = 0;
    while (k < n && !this.done && !this.divergence) {
      k++;
      let d = this.one(false);
      if (!d && (this.steps % MEM_EVERY === 0 || this.done || k === n)) {
        d = compareStates(view(this.bare, true), view(this.stack.guest, true)) ? this.pin() : null;
        if (!d) this.cleanAt = this.steps;
      }
      this.divergence = d;
    }
    return k;
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

  side(which: 'native' | 'virtual'): SideState {
    const m = which === 'native' ? this.bare : this.stack.guest;
    return {
      status: m.status,
      steps: m.steps,
      psw: m.psw,
      regs: Array.from(m.regs),
      console: m.console,
      line: this.asm.lineOfAddr.get(m.pc + m.l) ?? null,
    };
  }

  levels(): LevelInfo[] {
    return this.stack.levels();
  }
}

interface Viewable {
  status: string;
  console: string;
  psw: PSW;
  regs: Int32Array;
  mem: Int32Array;
}
function view(m: Viewable, withMem: boolean) {
  return { status: m.status === 'halted' ? ('halted' as const) : ('limit' as const), console: m.console, psw: pswOut(m.psw), regs: m.regs as unknown as number[], mem: withMem ? m.mem : NO_MEM };
}

export interface DepthPoint {
  depth: number;
  status: 'halted' | 'limit';
  guestSteps: number;
  /** Instructions the real processor executed (guest instructions run directly, and the ones that trapped). */
  realSteps: number;
  /** Traps that reached each monitor's dispatcher, and instructions its interpreters executed. */
  traps: number[];
  interpreted: number[];
  /**
   * Real events per guest instruction: real-processor instructions plus, at every level, each trap the
   * dispatcher took and each instruction an interpreter executed. 1 on the bare machine.
   */
  perGuest: number;
}

/** Runs the image bare and under 1..maxDepth monitors, for the trap amplification plot. */
export function depthSeries(asm: AsmResult, isa: Isa, kind: 'full' | 'hybrid', w: number, maxSteps: number, maxDepth = MAX_DEPTH, input = ''): DepthPoint[] {
  const out: DepthPoint[] = [];
  const bare = new Machine({ q: w, isa, dev: new ConsoleDevices(input) });
  bare.boot(asm.image);
  bare.run(maxSteps);
  out.push({ depth: 0, status: bare.status === 'halted' ? 'halted' : 'limit', guestSteps: bare.steps, realSteps: bare.steps, traps: [], interpreted: [], perGuest: 1 });
  for (let d = 1; d <= maxDepth; d++) {
    const s = new VirtualStack({ isa, kind, depth: d, w, input });
    s.boot(asm.image);
    s.run(maxSteps);
    const lv = s.levels();
    const traps = lv.map((l) => l.stats.traps);
    const interpreted = lv.map((l) => l.stats.interpreted);
    const work = s.real.steps + traps.reduce((a, b) => a + b, 0) + interpreted.reduce((a, b) => a + b, 0);
    out.push({
      depth: d,
      status: s.status === 'halted' ? 'halted' : 'limit',
      guestSteps: s.guest.steps,
      realSteps: s.real.steps,
      traps,
      interpreted,
      perGuest: work / Math.max(1, s.guest.steps),
    });
  }
  return out;
}
