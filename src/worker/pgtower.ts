/**
 * A tower of monitors written in PG/1 (PG1.md §8.1, core/vmm/tower.ts) behind the Target interface. Unlike
 * vmm.ts, nothing here knows what a monitor does: the real machine is a plain Machine, and the timeline's clock is
 * the real instruction count, so Step, Step to next trap and Step back go *into* the monitors' code. Every trap is
 * one the real hardware takes (old PSW into real E[0..3], new PSW from real E[8..11]); the level a trap comes from
 * and goes to is read from the real fetch addresses, never from the monitor.
 */
import fullSource from '../../monitors/full.s?raw';
import hybridSource from '../../monitors/hybrid.s?raw';
import { assemble } from '../core/asm/assembler';
import { disassembleWord } from '../core/asm/disassembler';
import type { Isa } from '../core/isa/isa';
import { fieldOp, fieldRb, fieldSimm } from '../core/isa/table';
import { RunFlag, type Image, type MachineSnapshot, type PSW } from '../core/machine/machine';
import { trapTotal } from '../core/run';
import { buildTower, formatTowerErrors, type Tower } from '../core/vmm/tower';
import type { DispatchStep, LevelInfo, PgMonitorChoice, ResumeStep, SessionConfig, TowerFrame, TowerRegion, TrapEvent } from './protocol';
import { endOfRun, type Counters, type RunStop, type Target } from './target';
import { WHAT_FETCH, WHAT_WORD } from './bare';
import { framePsws, type RawTrap, type TrapLog } from './traplog';

/** A traced trap's dispatcher path, kept beside its row of the log (stepping only). */
interface Traced {
  dispatch: DispatchStep[];
  more: boolean;
  resume: ResumeStep | undefined;
}

/** The monitors the project ships (monitors/*.s), by their workbench name. */
export const PG_MONITOR_SOURCES: Record<Exclude<PgMonitorChoice, 'file'>, string> = { 'full.s': fullSource, 'hybrid.s': hybridSource };

/** The source and file name of a session's PG/1 monitor. */
export function pgMonitorOf(cfg: Pick<SessionConfig, 'monitor' | 'monitorSource' | 'monitorFile'>): { source: string; file: string } {
  if (cfg.monitor === 'full.s' || cfg.monitor === 'hybrid.s') return { source: PG_MONITOR_SOURCES[cfg.monitor], file: cfg.monitor };
  return { source: cfg.monitorSource ?? '', file: cfg.monitorFile || 'monitor.s' };
}

/** The same slicing as Tower.run: within a slice R is constant, so its instructions belong to one level. */
const SLICE = RunFlag.EXIT_ON_TRAP | RunFlag.EXIT_ON_MODE | RunFlag.EXIT_ON_RELOC;

/** At most this many label changes of the dispatcher's path are listed per trap (the trap flow's rows). */
export const DISPATCH_PATH_MAX = 12;
/** The replay that traces a dispatcher's path stops after this many real instructions (deep towers, loops). */
export const DISPATCH_REPLAY_MAX = 200_000;

interface PgSnapshot {
  m: MachineSnapshot;
  counts: Float64Array;
  lastFetch: number[];
}

/** Builds the tower; a monitor that breaks the ABI throws the loader's messages (FILE:LINE:COL: …). */
export function makePgTarget(isa: Isa, cfg: SessionConfig, image: Image): PgTarget {
  const { source, file } = pgMonitorOf(cfg);
  const b = buildTower(source, image, { isa, depth: Math.max(1, cfg.depth), mem: cfg.q, input: cfg.input, monitorFile: file });
  if (!b.ok) throw new Error(`The monitor cannot be loaded:\n${formatTowerErrors(b.errors)}`);
  // The monitor's labels, for the dispatcher's path (the loader assembled the same text with the same ISA).
  const asm = assemble(source, isa);
  const labels = [...asm.symbols].filter(([, a]) => asm.lineOfAddr.has(a)).map(([n, a]) => ({ name: n, addr: a }));
  return new PgTarget(b.tower, file, labels);
}

export class PgTarget implements Target {
  log: TrapLog | null = null;
  errorMessage = '';
  private bp: Uint8Array;
  private bpAddrs: number[] = [];
  /** Per level 1..depth+1 (index level−1): the last real fetch address seen there. */
  private lastFetch: number[];
  /** The monitor's code labels by address, ascending (each level runs the same image). */
  private labels: { name: string; addr: number }[];
  /** Whether the current go() traces the dispatcher's path of its traps (stepping, not full-speed Run). */
  private tracing = false;

  constructor(
    readonly tower: Tower,
    readonly monitorName: string,
    labels: readonly { name: string; addr: number }[] = [],
  ) {
    this.bp = new Uint8Array(tower.real.q);
    this.lastFetch = new Array<number>(tower.depth + 1).fill(-1);
    this.labels = labels.slice().sort((x, y) => x.addr - y.addr);
  }

  /** The nearest label at or below monitor address a ('+a' when none). */
  labelAt(a: number): string {
    let lo = 0;
    let hi = this.labels.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.labels[mid].addr <= a) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best < 0 ? `+${a}` : this.labels[best].name;
  }

  /**
   * Monitor k's physical memory as monitor k sees it (PG1.md §8.1): real [(k−1)×guest, q); k = 0 is the real
   * machine. Its words 0..11 are its own trap frame, its guest's window starts at `guest`.
   */
  levelMem(k: number): Int32Array {
    const base = k >= 1 && k <= this.tower.depth ? (k - 1) * this.tower.monitor.guest : 0;
    return this.tower.real.mem.subarray(base);
  }

  /**
   * The path the dispatcher takes after the trap just taken, until the processor fetches again from the level
   * the trap came from (or higher): replayed instruction by instruction on the real machine from this state, then
   * the state is put back exactly (snapshot/restore). Entries are label changes of the real fetch address; the
   * last instruction before the return is the one that resumed the level (the dispatcher's LPSW).
   */
  tracePath(from: number): { dispatch: DispatchStep[]; more: boolean; resume: ResumeStep | undefined } {
    const t = this.tower;
    const m = t.real;
    const g = t.monitor.guest;
    const snap = m.snapshot();
    const dispatch: DispatchStep[] = [];
    let more = false;
    let resume: ResumeStep | undefined;
    let last = '';
    const bp = m.breakpoints;
    m.breakpoints = null;
    try {
      let prev = -1;
      let prevL = 0;
      let prevRegs: Int32Array | null = null;
      let prevStep = 0;
      for (let i = 0; i < DISPATCH_REPLAY_MAX && m.status !== 'halted'; i++) {
        const f = this.fetchAddr();
        if (f < 0) break;
        const lv = this.levelOf(f);
        if (lv >= from) {
          if (prev >= 0) {
            const w = m.mem[prev];
            const text = disassembleWord(w, m.isa);
            const mnemonic = m.isa.byOp[fieldOp(w)]?.mnemonic ?? '';
            // LPSW's operand [rb + imm], relocated by the l it ran with: where the four words came from.
            const ea = prevRegs ? (prevRegs[fieldRb(w)] + fieldSimm(w)) | 0 : 0;
            resume = { step: prevStep, real: prev, level: this.levelOf(prev), text, mnemonic, psw: m.psw, from: mnemonic === 'LPSW' ? ea + prevL : -1, to: lv };
          }
          break;
        }
        const key = `${lv}:${this.labelAt(f - (lv - 1) * g)}`;
        if (key !== last) {
          last = key;
          if (dispatch.length < DISPATCH_PATH_MAX) dispatch.push({ level: lv, label: this.labelAt(f - (lv - 1) * g), real: f, step: m.steps });
          else more = true;
        }
        prev = f;
        prevL = m.l;
        prevRegs = m.regs.slice();
        prevStep = m.steps;
        m.run(1, SLICE);
      }
    } finally {
      m.restore(snap);
      m.breakpoints = bp;
    }
    return { dispatch, more, resume };
  }

  get steps(): number {
    return this.tower.real.steps;
  }

  get depth(): number {
    return this.tower.depth;
  }

  /** Level (1..depth: monitor k; depth + 1: the guest) whose memory real address a lies in. */
  levelOf(a: number): number {
    return this.tower.levelOf(a) + 1;
  }

  boot(_image: Image): void {
    // The tower was built on this image; booting again rebuilds real memory the same way.
    this.tower.boot();
    this.lastFetch.fill(-1);
    this.errorMessage = '';
    this.setBreakpoints(this.bpAddrs);
  }

  /** Breakpoints are the guest's (guest-physical addresses): they sit in the guest's window of real memory. */
  setBreakpoints(addrs: readonly number[]): void {
    this.bpAddrs = addrs.slice();
    this.bp.fill(0);
    const base = this.tower.guestBase;
    for (const a of addrs) if (a >= 0 && a < this.tower.w) this.bp[base + a] = 1;
  }

  private fetchAddr(): number {
    const m = this.tower.real;
    const a = m.pc + m.l;
    return a >= 0 && a < m.q ? a : -1;
  }

  /**
   * Runs at most n real instructions. Each slice is counted for the level its window starts in (Tower.run's
   * rule); `untilGuest` stops as soon as the real P is fetched from the guest's window.
   */
  private go(n: number, stopAtTrap: boolean, useBreakpoints: boolean, untilGuest: boolean): RunStop {
    const t = this.tower;
    const m = t.real;
    m.breakpoints = useBreakpoints && this.bpAddrs.length > 0 ? this.bp : null;
    const stopAt = m.steps + n;
    // Stepping (Step, Step to next trap) traces each trap's dispatcher path; a full-speed Run does not pay for it.
    this.tracing = stopAtTrap || (!useBreakpoints && n <= 64);
    try {
      while (m.steps < stopAt) {
        if (m.status === 'halted') return 'halted';
        if (untilGuest && this.fetchAddr() >= t.guestBase) return 'break';
        const f = this.fetchAddr();
        if (f >= 0) this.lastFetch[this.levelOf(f) - 1] = f;
        const at = t.levelOf(m.l);
        const r = m.run(stopAt - m.steps, SLICE);
        t.counts[at] += m.lastSteps;
        const end = endOfRun(r, stopAtTrap, this);
        if (end) return end;
      }
      return 'limit';
    } finally {
      m.breakpoints = null;
    }
  }

  run(n: number, stopAtTrap: boolean, useBreakpoints: boolean): RunStop {
    return this.go(n, stopAtTrap, useBreakpoints, false);
  }

  /** Step over monitor: run until the real P is back in the guest's window ('break' when it is). */
  runToGuest(n: number): RunStop {
    return this.go(n, false, false, true);
  }

  /** A vector from which nothing can be fetched traps forever (a monitor file that never set E[8..11]). */
  storm(): boolean {
    if (this.fetchAddr() >= 0 && this.tower.real.pc < this.tower.real.b && this.tower.real.pc >= 0) return false;
    const E = this.tower.real.mem;
    this.errorMessage =
      `Trap storm: the real hardware loaded the new PSW (M=${E[8] === 0 ? 's' : 'u'}, P=${E[9]}, l=${E[10]}, b=${E[11]}) from real E[8..11], ` +
      `and P is outside that window, so every fetch would trap again. A monitor sets its trap vector before its first trap.`;
    return true;
  }

  /** Numbers only (the real frame, the trapping word, the levels); the text is made if the row is shown. */
  record(): void {
    const m = this.tower.real;
    const E = m.mem;
    const pa = E[1] + E[2];
    const inMem = pa >= 0 && pa < m.q;
    const from = inMem ? this.levelOf(pa) : this.levelOf(E[2]);
    if (inMem) this.lastFetch[from - 1] = pa;
    const npa = E[9] + E[10];
    const to = npa >= 0 && npa < m.q ? this.levelOf(npa) : 1;
    const log = this.log;
    if (!log) return;
    const fetch = (E[4] === 2 && E[5] === E[1]) || !inMem;
    const seq = log.pushFrame(m.steps, from, 0, fetch ? WHAT_FETCH : WHAT_WORD, E, inMem ? E[pa] : 0, from, to);
    if (this.tracing) log.attach(seq, this.tracePath(from) satisfies Traced);
  }

  readonly describe = (r: RawTrap, log: TrapLog): TrapEvent => {
    const { old, new: nw } = framePsws(r.E);
    old.mode = old.mode === 0 ? 0 : 1;
    const from = r.aux[1];
    const to = r.aux[2];
    const pa = old.pc + old.l;
    const name = (k: number): string => (k > this.depth ? 'guest' : `monitor ${k}`);
    const tr = log.extra(r.seq) as Traced | undefined;
    return {
      step: r.step,
      level: from,
      cause: r.E[4],
      detail: r.E[5],
      old,
      new: nw,
      handled: 'kernel',
      path: [`${name(from)} (real ${old.mode === 0 ? 's' : 'u'}, P+l=${pa})`, 'real hardware trap: old PSW → real E[0..3]', `new PSW ← real E[8..11]: ${name(to)}'s dispatcher`],
      what: r.what === WHAT_FETCH ? '(fetch)' : disassembleWord(r.aux[0], this.tower.real.isa),
      real: { from, to, frame: Array.from(r.E), ...(tr ? { dispatch: tr.dispatch, dispatchMore: tr.more, resume: tr.resume } : {}) },
    };
  };

  guestPsw(): PSW {
    return this.tower.guestPsw();
  }
  guestRegs(): Int32Array {
    return this.tower.real.regs;
  }
  /** The guest's window: Q words at real depth × guest (guest-physical addresses are offsets in it). */
  guestMem(): Int32Array {
    const b = this.tower.guestBase;
    return this.tower.real.mem.subarray(b, b + this.tower.w);
  }
  realMem(): Int32Array {
    return this.tower.real.mem;
  }
  console(): string {
    return this.tower.real.console;
  }
  levels(): LevelInfo[] {
    const t = this.tower;
    const real = t.real;
    const g = t.monitor.guest;
    const vp = t.guestPsw();
    const out: LevelInfo[] = [{ level: 0, label: `real machine (${this.monitorName})`, psw: real.psw, base: 0, realBase: 0, size: real.q, stats: { traps: trapTotal(real), reflected: 0, interpreted: 0 } }];
    // Monitor k's machine (the VM that monitor k−1 gives it) starts at real (k−1)×guest; the guest's at depth×guest.
    for (let k = 2; k <= t.depth + 1; k++) {
      const isGuest = k === t.depth + 1;
      out.push({
        level: k - 1,
        label: isGuest ? `VM ${k - 1} (guest)` : `VM ${k - 1} (${this.monitorName} ${k})`,
        // A monitor's own PSW lives in the level below it; shown: where it was last fetched, in its own addresses.
        psw: isGuest ? vp : { mode: 0, pc: this.lastFetch[k - 1] < 0 ? 0 : this.lastFetch[k - 1] - (k - 1) * g, l: 0, b: real.q - (k - 1) * g },
        base: g,
        realBase: (k - 1) * g,
        size: real.q - (k - 1) * g,
        stats: { traps: 0, reflected: 0, interpreted: 0 },
      });
    }
    return out;
  }
  counters(): Counters {
    const t = this.tower;
    let mon = 0;
    for (let k = 0; k < t.depth; k++) mon += t.counts[k];
    // direct: the guest's own instructions; interpreted: the monitors' instructions (their cost); trapped: real traps.
    return { direct: t.counts[t.depth], trapped: trapTotal(t.real), interpreted: mon, levels: [] };
  }
  trapCounts(): number[] {
    return Array.from(this.tower.real.trapCounts);
  }
  trapFrame(): number[] {
    return Array.from(this.tower.real.mem.subarray(0, 12));
  }
  realQ(): number {
    return this.tower.real.q;
  }

  regions(): TowerRegion[] {
    const t = this.tower;
    const g = t.monitor.guest;
    const out: TowerRegion[] = [];
    for (let k = 1; k <= t.depth; k++) out.push({ level: k, label: `${this.monitorName} ${k}`, start: (k - 1) * g, end: k * g });
    out.push({ level: t.depth + 1, label: 'guest', start: t.guestBase, end: t.guestBase + t.w });
    return out;
  }

  towerFrame(): TowerFrame {
    const t = this.tower;
    const m = t.real;
    const f = this.fetchAddr();
    return {
      monitorName: this.monitorName,
      depth: t.depth,
      guest: t.monitor.guest,
      realPsw: m.psw,
      realRegs: Array.from(m.regs),
      realFrame: Array.from(m.mem.subarray(0, 12)),
      regions: this.regions(),
      level: f >= 0 ? this.levelOf(f) : this.levelOf(m.l),
      fetch: f,
      lastFetch: this.lastFetch.slice(),
      counts: Array.from(t.counts),
      vpsw: t.guestPsw(),
    };
  }

  snapshot(): unknown {
    const s: PgSnapshot = { m: this.tower.real.snapshot(), counts: this.tower.counts.slice(), lastFetch: this.lastFetch.slice() };
    return s;
  }
  restore(x: unknown): void {
    const s = x as PgSnapshot;
    this.tower.real.restore(s.m);
    this.tower.counts.set(s.counts);
    this.lastFetch = s.lastFetch.slice();
    this.errorMessage = '';
  }
  snapshotBytes(): number {
    return this.tower.real.q * 4 + 1024;
  }
}
