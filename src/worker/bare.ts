import type { Isa } from '../core/isa/isa';
import { Machine, RunFlag, Stop, ConsoleDevices, type Image, type MachineSnapshot, type PSW } from '../core/machine/machine';
import { disassembleWord } from '../core/asm/disassembler';
import { bareStats, trapTotal } from '../core/run';
import type { LevelInfo, TrapEvent } from './protocol';
import { endOfRun, type Counters, type RunStop, type Target } from './target';
import { framePsws, type RawTrap, type TrapLog } from './traplog';

/** A row's `what` under the bare machine and a PG/1 tower: disassemble the word kept in aux[0], or a fetch trap. */
export const WHAT_WORD = -1;
export const WHAT_FETCH = -2;

/** The bare machine (monitor = none, depth 0): the program's own kernel handles its traps. */
export class BareTarget implements Target {
  readonly m: Machine;
  log: TrapLog | null = null;
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
      const r = m.run(left, RunFlag.EXIT_ON_TRAP);
      left -= m.lastSteps;
      const end = endOfRun(r, stopAtTrap, this);
      if (end) return end;
      if (r === Stop.LIMIT) return 'limit';
    }
    return 'limit';
  }

  /** A new PSW from which nothing can be fetched traps forever: stop and say why instead. */
  storm(): boolean {
    const { pc, l, b, q } = this.m;
    if (pc >= 0 && pc < b && pc + l >= 0 && pc + l < q) return false;
    const E = this.m.mem;
    this.errorMessage =
      `Trap storm: the trap loaded the new PSW (M=${E[8] === 0 ? 's' : 'u'}, P=${E[9]}, l=${E[10]}, b=${E[11]}) from E[8..11], ` +
      `and P is outside that window, so every fetch would trap again. A kernel sets E[8..11] before the first trap.`;
    return true;
  }

  /** Numbers only: the frame the hardware just wrote, and the trapping word (disassembled if the row is shown). */
  record(): void {
    const log = this.log;
    if (!log) return;
    const E = this.m.mem;
    const pa = E[1] + E[2];
    const fetch = E[4] === 2 && E[5] === E[1];
    log.pushFrame(this.m.steps, 0, 0, fetch ? WHAT_FETCH : WHAT_WORD, E, pa >= 0 && pa < this.m.q ? E[pa] : 0);
  }

  readonly describe = (r: RawTrap): TrapEvent => {
    const { old, new: nw } = framePsws(r.E);
    return {
      step: r.step,
      level: 0,
      cause: r.E[4],
      detail: r.E[5],
      old,
      new: nw,
      handled: 'kernel',
      path: [old.mode === 0 ? 'supervisor code' : 'user program', 'hardware trap', 'kernel at E[9]'],
      what: r.what === WHAT_FETCH ? '(fetch)' : disassembleWord(r.aux[0], this.m.isa),
    };
  };

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
