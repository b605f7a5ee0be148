import type { Isa } from '../core/isa/isa';
import { Machine, RunFlag, Stop, ConsoleDevices, type Image, type MachineSnapshot, type PSW } from '../core/machine/machine';
import { disassembleWord } from '../core/asm/disassembler';
import { bareStats, trapTotal } from '../core/run';
import type { LevelInfo, TrapEvent } from './protocol';
import type { Counters, RunStop, Target } from './target';

/** The bare machine (monitor = none, depth 0): the program's own kernel handles its traps. */
export class BareTarget implements Target {
  readonly m: Machine;
  onEvent: ((e: TrapEvent) => void) | null = null;
  errorMessage = '';
  private bp: Uint8Array;
  private hasBp = false;

  constructor(isa: Isa, q: number, input: string) {
    this.m = new Machine({ q, isa, dev: new ConsoleDevices(input) });
    this.bp = new Uint8Array(q);
  }

  get steps(): number {
    return this.m.steps;
  }

  boot(image: Image): void {
    this.m.boot(image);
    this.errorMessage = '';
  }

  setBreakpoints(addrs: readonly number[]): void {
    this.bp.fill(0);
    this.hasBp = false;
    for (const a of addrs) {
      if (a >= 0 && a < this.bp.length) {
        this.bp[a] = 1;
        this.hasBp = true;
      }
    }
  }

  run(n: number, stopAtTrap: boolean, useBreakpoints: boolean): RunStop {
    const m = this.m;
    m.breakpoints = useBreakpoints && this.hasBp ? this.bp : null;
    let left = n;
    // EXIT_ON_TRAP gives each trap its exact step, for the log and for travelling back to it.
    while (left > 0) {
      const pcBefore = m.pc;
      const lBefore = m.l;
      const r = m.run(left, RunFlag.EXIT_ON_TRAP);
      left -= m.lastSteps;
      if (r === Stop.HALTED) return 'halted';
      if (r === Stop.BREAK) return 'break';
      if (r === Stop.TRAP) {
        this.record(pcBefore, lBefore);
        if (this.storm()) return 'error';
        if (stopAtTrap) return 'trap';
        continue;
      }
      if (r === Stop.LIMIT) return 'limit';
    }
    return 'limit';
  }

  /** A new PSW from which nothing can be fetched traps forever: stop and say why instead. */
  private storm(): boolean {
    const { pc, l, b, q } = this.m;
    if (pc >= 0 && pc < b && pc + l >= 0 && pc + l < q) return false;
    const E = this.m.mem;
    this.errorMessage =
      `Trap storm: the trap loaded the new PSW (M=${E[8] === 0 ? 's' : 'u'}, P=${E[9]}, l=${E[10]}, b=${E[11]}) from E[8..11], ` +
      `and P is outside that window, so every fetch would trap again. A kernel sets E[8..11] before the first trap.`;
    return true;
  }

  private record(_pcBefore: number, _lBefore: number): void {
    if (!this.onEvent) return;
    const E = this.m.mem;
    const old: PSW = { mode: E[0], pc: E[1], l: E[2], b: E[3] };
    const pa = old.pc + old.l;
    const w = pa >= 0 && pa < this.m.q ? E[pa] : 0;
    const cause = E[4];
    this.onEvent({
      step: this.m.steps,
      level: 0,
      cause,
      detail: E[5],
      old,
      new: { mode: E[8] === 0 ? 0 : 1, pc: E[9], l: E[10], b: E[11] },
      handled: 'kernel',
      path: [old.mode === 0 ? 'supervisor code' : 'user program', 'hardware trap', 'kernel at E[9]'],
      what: cause === 2 && E[5] === old.pc ? '(fetch)' : disassembleWord(w, this.m.isa),
    });
  }

  guestPsw(): PSW {
    return this.m.psw;
  }
  guestRegs(): Int32Array {
    return this.m.regs;
  }
  guestMem(): Int32Array {
    return this.m.mem;
  }
  console(): string {
    return this.m.console;
  }
  levels(): LevelInfo[] {
    return [{ level: 0, label: 'bare machine', psw: this.m.psw, base: 0, realBase: 0, size: this.m.q, stats: { traps: trapTotal(this.m), reflected: 0, interpreted: 0 } }];
  }
  counters(): Counters {
    const { direct, trapped, interpreted } = bareStats(this.m);
    return { direct, trapped, interpreted, levels: [] };
  }
  trapCounts(): number[] {
    return Array.from(this.m.trapCounts);
  }
  trapFrame(): number[] {
    return Array.from(this.m.mem.subarray(0, 12));
  }
  realQ(): number {
    return this.m.q;
  }
  snapshot(): unknown {
    return this.m.snapshot();
  }
  restore(s: unknown): void {
    this.m.restore(s as MachineSnapshot);
    this.errorMessage = '';
  }
  snapshotBytes(): number {
    return this.m.q * 4 + 256;
  }
}
