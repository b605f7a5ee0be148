/**
 * The workbench's engine: owns one Target (bare machine or monitor tower), runs it in time slices, keeps the
 * history (checkpoints + trap log + chart samples) that makes travelling back possible, and builds Frames.
 * DOM-free: the worker (worker.ts) wraps it, and unit tests drive it in Node.
 */
import { assemble } from '../core/asm/assembler';
import { presetIsa, type Isa } from '../core/isa/isa';
import { formatIsaErrors, parseIsaFile } from '../core/isa/isafile';
import { checkMemorySize, type Image } from '../core/machine/machine';
import { BareTarget } from './bare';
import { makePgTarget } from './pgtower';
import { isPgMonitor, type Frame, type FrameRequest, type LoadResult, type RunState, type Sample, type SessionConfig, type TrapEvent } from './protocol';
import type { RunStop, Target } from './target';
import { TrapLog } from './traplog';
import { makeVirtualTarget } from './vmm';

/** "1 trap", "2 traps". */
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

interface Checkpoint {
  steps: number;
  events: number;
  samples: number;
  state: unknown;
}

const SLICE_MS = 8;
/** Everything the engine keeps of the past: the trap log's ring, and checkpoints in what is left. */
const MEMORY_BUDGET = 96 * 1024 * 1024;
const CHECKPOINT_MS = 25;
/** Rows of the trap log's ring (~88 bytes each: 11.5 MB of the budget). */
export const TRAP_LOG_ROWS = 1 << 17;
const MAX_SAMPLES = 1500;
/** While running, a chart sample at most this often (wall time, doubled each time the samples are thinned). */
const SAMPLE_MS = 10;
/** Each run call aims at about this long: Pause is seen between calls' slices, and the clock is read per call. */
const CALL_MS = 1;

export type Yield = () => Promise<void>;

export class Engine {
  target: Target | null = null;
  isa: Isa = presetIsa('pg1');
  cfg: SessionConfig | null = null;
  image: Image | null = null;
  state: RunState = 'empty';
  message = '';
  epoch = 0;
  private checkpoints: Checkpoint[] = [];
  private cpInterval = 20_000;
  private lastCheckpointAt = -Infinity;
  private maxCheckpoints = 64;
  /** The trap log: a ring of numbers (traplog.ts); text is made for the rows asked for. */
  readonly log: TrapLog;
  samples: Sample[] = [];
  /** Wall time between chart samples while running; doubles each time the samples are thinned. */
  private sampleMs = SAMPLE_MS;
  private lastSampleAt = 0;
  private breakpoints: number[] = [];
  private runToken = 0;
  /** Guest steps per run call, tuned to CALL_MS from the measured speed (starts small: a deep tower is slow). */
  private chunk = 2000;
  private maxReached = 0;
  private ipsSteps = 0;
  private ipsTime = 0;
  ips = 0;

  constructor(
    private readonly yieldNow: Yield,
    logRows = TRAP_LOG_ROWS,
  ) {
    this.log = new TrapLog(logRows);
  }

  /** Every row the trap log holds, with its text (tests and exports; the views ask for windows). */
  allTraps(): TrapEvent[] {
    return this.target ? this.log.rows(this.log.first, this.log.size, this.target.describe) : [];
  }

  /** Trap-log rows [from, from + count) that are still held. */
  trapRows(from: number, count: number): { first: number; total: number; rows: TrapEvent[] } {
    const rows = this.target ? this.log.rows(from, count, this.target.describe) : [];
    return { first: this.log.first, total: this.log.total, rows };
  }

  private lastTrap(): TrapEvent | undefined {
    const l = this.log;
    return this.target && l.size > 0 ? l.row(l.total - 1, this.target.describe) : undefined;
  }

  load(cfg: SessionConfig): LoadResult {
    this.runToken++;
    this.cfg = cfg;
    this.target = null;
    this.image = null;
    // The session carries the ISA file's text; one with errors is refused, never replaced by a preset.
    const parsed = parseIsaFile(cfg.isa);
    if (!parsed.ok) return this.fail(`The ISA file has errors:\n${formatIsaErrors('isa', parsed.errors)}`, []);
    this.isa = parsed.isa;
    const sizeErr = checkMemorySize(cfg.q);
    if (sizeErr) return this.fail(sizeErr, []);
    const asm = assemble(cfg.source, this.isa);
    if (!asm.ok) {
      const first = asm.errors[0];
      const msg = `${asm.errors.length} assembly error${asm.errors.length > 1 ? 's' : ''}; first at line ${first?.line}:${first?.col}: ${first?.message}`;
      return this.fail(msg, asm.errors);
    }
    try {
      this.target =
        cfg.monitor === 'none' || cfg.depth === 0
          ? new BareTarget(this.isa, cfg.q, cfg.input)
          : isPgMonitor(cfg.monitor)
            ? makePgTarget(this.isa, cfg, asm.image)
            : makeVirtualTarget(this.isa, cfg);
      this.image = asm.image;
      this.target.setBreakpoints(this.breakpoints);
      return this.boot();
    } catch (e) {
      this.target = null;
      return this.fail(e instanceof Error ? e.message : String(e), []);
    }
  }

  private fail(message: string, errors: { line: number; col: number; endCol: number; message: string }[]): LoadResult {
    this.state = 'error';
    this.message = message;
    this.epoch++;
    this.log.clear();
    this.samples = [];
    this.checkpoints = [];
    return { ok: false, errors, message };
  }

  /** Boots the loaded image afresh (Reset). */
  boot(): LoadResult {
    this.runToken++;
    const t = this.target;
    if (!t || !this.image) return { ok: false, errors: [], message: this.message || 'nothing loaded' };
    try {
      t.boot(this.image);
    } catch (e) {
      return this.fail(e instanceof Error ? e.message : String(e), []);
    }
    t.log = this.log;
    this.log.clear();
    this.samples = [];
    this.sampleMs = SAMPLE_MS;
    this.chunk = 2000;
    this.maxReached = 0;
    this.checkpoints = [];
    this.maxCheckpoints = Math.max(8, Math.min(256, Math.floor((MEMORY_BUDGET - this.log.bytes) / t.snapshotBytes())));
    this.cpInterval = 20_000;
    this.checkpoint();
    this.sample();
    this.state = 'idle';
    this.message = 'Ready. Run, or Step through it.';
    this.epoch++;
    const size = this.image.words.length;
    return { ok: true, entry: this.image.entry, size };
  }

  private checkpoint(): void {
    const t = this.target!;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && last.steps === t.steps) return;
    this.checkpoints.push({ steps: t.steps, events: this.log.total, samples: this.samples.length, state: t.snapshot() });
    if (this.checkpoints.length > this.maxCheckpoints) {
      // Thin out every other one (the boot checkpoint stays) and space the next ones wider.
      this.checkpoints = this.checkpoints.filter((_, i) => i === 0 || i % 2 === 0 || i === this.checkpoints.length - 1);
      this.cpInterval *= 2;
    }
  }

  /**
   * A checkpoint copies all of memory, so while running at full speed at most one is taken per
   * CHECKPOINT_MS: replaying from the nearest one then costs about that long, and the copies no longer eat
   * into the speed of Run. When stepping, the step interval alone decides.
   */
  private maybeCheckpoint(): void {
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && this.target!.steps - last.steps < this.cpInterval) return;
    const now = performance.now();
    if (last && now - this.lastCheckpointAt < CHECKPOINT_MS) return;
    this.lastCheckpointAt = now;
    this.checkpoint();
  }

  private sample(): void {
    const t = this.target!;
    this.lastSampleAt = performance.now();
    const c = t.counters();
    const s: Sample = { step: t.steps, direct: c.direct, trapped: c.trapped, interpreted: c.interpreted, levels: c.levels };
    const last = this.samples[this.samples.length - 1];
    if (last && last.step === s.step) {
      this.samples[this.samples.length - 1] = s;
      return;
    }
    this.samples.push(s);
    if (this.samples.length > MAX_SAMPLES) {
      this.samples = this.samples.filter((_, i) => i % 2 === 0 || i === this.samples.length - 1);
      for (const cp of this.checkpoints) cp.samples = Math.min(cp.samples, this.samples.length);
      this.sampleMs *= 2;
      this.epoch++;
    }
  }

  private note(stop: RunStop): void {
    const t = this.target!;
    this.maxReached = Math.max(this.maxReached, t.steps);
    switch (stop) {
      case 'halted':
        this.state = 'halted';
        this.message = `Halted after ${t.steps.toLocaleString('en')} steps.`;
        break;
      case 'break':
        this.state = 'break';
        this.message = `Breakpoint at P = ${t.guestPsw().pc}.`;
        break;
      case 'error':
        this.state = 'error';
        this.message = t.errorMessage;
        break;
      case 'trap': {
        this.state = 'idle';
        const e = this.lastTrap();
        this.message = e ? `Trap at step ${e.step}: ${e.what}` : 'Trap.';
        break;
      }
      default:
        this.state = 'idle';
    }
  }

  private runnable(): boolean {
    if (!this.target) return false;
    return this.state !== 'halted' && this.state !== 'error' && this.state !== 'empty';
  }

  pause(): void {
    this.runToken++;
    if (this.state === 'running') {
      this.state = 'idle';
      this.message = `Paused at step ${this.target?.steps.toLocaleString('en')}.`;
    }
  }

  step(n: number): void {
    if (!this.runnable()) return;
    this.runToken++;
    const t = this.target!;
    this.maybeCheckpoint();
    const r = t.run(n, false, false);
    this.note(r === 'limit' ? 'limit' : r);
    if (r === 'limit') this.message = `Step ${t.steps}.`;
    this.sample();
  }

  /** Runs in slices until a stop; `untilTrap` stops right after the next trap is taken. */
  async run(untilTrap: boolean, maxSteps = 0): Promise<void> {
    if (!this.runnable()) return;
    const token = ++this.runToken;
    const t = this.target!;
    const limit = maxSteps;
    const stopAt = limit > 0 ? t.steps + limit : Infinity;
    const startStep = t.steps;
    const startEvents = this.log.total;
    this.state = 'running';
    this.message = untilTrap ? 'Running to the next trap...' : 'Running...';
    this.ipsSteps = 0;
    this.ipsTime = 0;
    let first = true;
    for (;;) {
      const t0 = performance.now();
      const s0 = t.steps;
      let stop: RunStop = 'limit';
      let now = t0;
      do {
        const n = Math.min(this.chunk, stopAt - t.steps);
        if (n <= 0) break;
        const c0 = now;
        const before = t.steps;
        // Breakpoints are skipped for the first instruction so that Run from a breakpoint moves on.
        stop = t.run(n, untilTrap, true);
        now = performance.now();
        this.tune(t.steps - before, now - c0, stop);
        this.maybeCheckpoint();
        // Chart samples by the clock, not by steps: a slow tower is not cut into tiny calls to sample it.
        if (now - this.lastSampleAt >= this.sampleMs) this.sample();
      } while (stop === 'limit' && now - t0 < SLICE_MS && t.steps < stopAt);
      const dt = performance.now() - t0;
      this.ipsSteps += t.steps - s0;
      this.ipsTime += dt;
      if (this.ipsTime > 250) {
        this.ips = (this.ipsSteps / this.ipsTime) * 1000;
        this.ipsSteps = 0;
        this.ipsTime = 0;
      } else if (first && dt > 0) this.ips = ((t.steps - s0) / dt) * 1000;
      first = false;
      this.sample();
      this.maxReached = Math.max(this.maxReached, t.steps);
      if (stop !== 'limit') {
        // A monitor tower may stop some steps after the first trap: land exactly on it.
        if (stop === 'trap') {
          const first = this.log.firstAfter(startEvents, startStep);
          if (first >= 0 && this.log.stepAt(first) < t.steps) this.travelTo(this.log.stepAt(first));
        }
        this.note(stop);
        return;
      }
      if (t.steps >= stopAt) {
        this.state = 'limit';
        this.message = `Step limit reached (${limit.toLocaleString('en')} steps). Run again to go on.`;
        return;
      }
      await this.yieldNow();
      if (token !== this.runToken) return;
    }
  }

  /**
   * Step over monitor (PG/1 towers): runs real instructions until the real P is fetched from the guest's window
   * again, at most `limit` of them (a monitor that never returns to its guest must not hang the worker).
   */
  stepOverMonitor(limit = 20_000_000): void {
    if (!this.runnable()) return;
    const t = this.target!;
    if (!t.runToGuest) {
      this.message = 'Step over monitor is for monitors written in PG/1.';
      return;
    }
    this.runToken++;
    this.maybeCheckpoint();
    const s0 = t.steps;
    const r = t.runToGuest(limit);
    this.maxReached = Math.max(this.maxReached, t.steps);
    this.sample();
    if (r === 'break') {
      this.state = 'idle';
      this.message = `Back in the guest after ${plural(t.steps - s0, 'real instruction')} (real step ${t.steps.toLocaleString('en')}).`;
    } else if (r === 'limit') {
      this.state = 'idle';
      this.message = `Still in the monitor after ${limit.toLocaleString('en')} real instructions: stopped there.`;
    } else this.note(r);
  }

  /** Travels to any step from 0 to the furthest reached: restore the nearest checkpoint, then replay. */
  travelTo(step: number): void {
    if (!this.target || !this.image) return;
    this.runToken++;
    const t = this.target;
    const goal = Math.max(0, Math.min(Math.floor(step), Math.max(this.maxReached, t.steps)));
    let i = this.checkpoints.length - 1;
    while (i > 0 && this.checkpoints[i].steps > goal) i--;
    const cp = this.checkpoints[i];
    const eventsBefore = this.log.total;
    t.restore(cp.state);
    this.checkpoints.length = i + 1;
    // Keep the log up to the checkpoint; replay rebuilds the rest exactly.
    this.log.truncate(cp.events);
    // Chart samples up to the goal stay true (replay is deterministic); only later ones go.
    this.samples = this.samples.filter((s) => s.step <= goal);
    let left = goal - t.steps;
    let stop: RunStop = 'limit';
    while (left > 0) {
      const before = t.steps;
      stop = t.run(Math.min(left, 5_000_000), false, false);
      left -= t.steps - before;
      this.maybeCheckpoint();
      if (stop !== 'limit') break;
      if (t.steps - before === 0) break;
    }
    this.sample();
    if (stop === 'halted' || stop === 'error') this.note(stop);
    else {
      this.state = 'idle';
      this.message = `At step ${t.steps.toLocaleString('en')} of ${this.maxReached.toLocaleString('en')} (travelled back ${plural(Math.max(0, eventsBefore - this.log.total), 'trap')}).`;
    }
    this.epoch++;
  }

  stepBack(n: number): void {
    if (!this.target) return;
    this.travelTo(this.target.steps - n);
    if (this.target.steps === 0) this.message = 'At the start (step 0).';
  }

  /** Back to the moment right after the most recent trap before now. */
  backToTrap(): void {
    if (!this.target) return;
    const i = this.log.lastBefore(this.target.steps);
    if (i >= 0) {
      const e = this.log.row(i, this.target.describe);
      this.travelTo(e.step);
      this.message = `Back at the trap of step ${e.step}: ${e.what}`;
      return;
    }
    this.travelTo(0);
    this.message = 'No earlier trap: back at step 0.';
  }

  setBreakpoints(addrs: number[]): void {
    this.breakpoints = addrs.slice();
    this.target?.setBreakpoints(addrs);
  }

  frame(req: FrameRequest): Frame {
    const t = this.target;
    const sameEpoch = req.epoch === this.epoch;
    if (!t) {
      return {
        epoch: this.epoch, state: this.state, message: this.message, steps: 0, maxSteps: 0, ips: 0,
        psw: { mode: 0, pc: 0, l: 0, b: 0 }, regs: new Array<number>(16).fill(0), q: this.cfg?.q ?? 0, levels: [], pcPhysical: -1,
        mem: { space: req.view.space, start: 0, words: [], valid: [] }, consoleFrom: 0, consoleText: '', consoleLen: 0,
        traps: { from: 0, rows: [] }, trapTail: [], recentHandled: {}, eventsFirst: 0, eventsTotal: 0, samples: [], samplesFrom: 0,
        counters: { direct: 0, trapped: 0, interpreted: 0, levels: [] }, trapCounts: [0, 0, 0, 0, 0, 0], trapFrame: new Array<number>(12).fill(0),
      };
    }
    const psw = t.guestPsw();
    const tower = t.towerFrame?.();
    // 'real' reads the real machine's memory (only a PG/1 tower has one to show; otherwise guest-physical).
    const realSpace = req.view.space === 'real' && t.realMem !== undefined;
    // With a level k (1..depth), monitor k's physical memory: real (k−1)×guest + a (PG1.md §8.1).
    const memLevel = realSpace && tower && t.levelMem && (req.view.level ?? 0) >= 1 && (req.view.level ?? 0) <= tower.depth ? req.view.level! : 0;
    const memBase = memLevel > 0 && tower ? (memLevel - 1) * tower.guest : 0;
    const gm = realSpace ? (memLevel > 0 ? t.levelMem!(memLevel) : t.realMem!()) : t.guestMem();
    const view = req.view;
    let start = Math.max(0, view.start | 0);
    const count = Math.max(1, Math.min(512, view.count | 0));
    const pcAddr = realSpace ? (tower?.fetch ?? 0) - memBase : view.space === 'virtual' ? psw.pc : psw.pc + psw.l;
    if (view.follow && (pcAddr < start || pcAddr >= start + count)) start = Math.max(0, pcAddr - 4);
    const words: number[] = [];
    const valid: boolean[] = [];
    // The bt monitor's translation cache, marked on the guest's own memory (not on a PG/1 tower's real one).
    const cached = realSpace ? null : (t.translatedWords?.() ?? null);
    const translated: boolean[] | undefined = cached ? [] : undefined;
    for (let a = start; a < start + count; a++) {
      const pa = view.space === 'virtual' ? a + psw.l : a;
      const ok = (view.space !== 'virtual' || a < psw.b) && pa >= 0 && pa < gm.length;
      valid.push(ok);
      words.push(ok ? gm[pa] : 0);
      translated?.push(ok && cached!.has(pa));
    }
    const con = t.console();
    const consoleFrom = sameEpoch && req.consoleLen <= con.length ? req.consoleLen : Math.max(0, con.length - 65536);
    const log = this.log;
    const running = this.state === 'running';
    // Text only for the rows on screen (the log's window) and, when stopped, the newest few (the trap flow's).
    const win = req.traps ?? { from: -1, count: 0 };
    const rowCount = Math.max(0, Math.min(500, Math.floor(win.count)));
    const from = win.from < 0 ? Math.max(log.first, log.total - rowCount) : Math.floor(win.from);
    const traps = { from, rows: log.rows(from, rowCount, t.describe) };
    const trapTail = running ? [] : log.rows(log.total - 8, 8, t.describe);
    const samplesFrom = sameEpoch ? Math.min(req.samplesTotal, this.samples.length) : 0;
    return {
      epoch: this.epoch,
      state: this.state,
      message: this.message,
      steps: t.steps,
      maxSteps: Math.max(this.maxReached, t.steps),
      ips: this.state === 'running' ? this.ips : 0,
      psw,
      regs: Array.from(t.guestRegs()),
      q: t.guestMem().length,
      levels: t.levels(),
      pcPhysical: psw.pc + psw.l,
      mem: { space: realSpace ? 'real' : view.space === 'real' ? 'physical' : view.space, start, words, valid, ...(realSpace ? { level: memLevel, base: memBase } : {}), ...(translated ? { translated } : {}) },
      consoleFrom,
      consoleText: con.slice(consoleFrom),
      consoleLen: con.length,
      traps,
      trapTail,
      recentHandled: running ? log.recentHandled(500) : {},
      eventsFirst: log.first,
      eventsTotal: log.total,
      samples: this.samples.slice(samplesFrom),
      samplesFrom,
      counters: t.counters(),
      trapCounts: t.trapCounts(),
      trapFrame: t.trapFrame(),
      ...(tower ? { tower } : {}),
      // Equivalence is compared only while nothing runs (it replays the bare machine to this step).
      ...(t.properties ? { properties: t.properties(this.state !== 'running') } : {}),
    };
  }

  /**
   * Sizes the next run call from the speed of the last one: about CALL_MS of work, so that the slice deadline (and
   * with it Pause) is met closely on a tight loop and on a depth-4 tower alike. Grows at most 4× per call.
   */
  private tune(steps: number, ms: number, stop: RunStop): void {
    if (stop !== 'limit' || steps <= 0) return;
    const want = ms > 0.02 ? (steps / ms) * CALL_MS : this.chunk * 4;
    this.chunk = Math.max(100, Math.min(20_000_000, this.chunk * 4, Math.round(want)));
  }

  /** Straight-line speed of the current target, with no slicing: the benchmark's reference. */
  bench(steps: number): { steps: number; ms: number } {
    if (!this.target) return { steps: 0, ms: 0 };
    const t = this.target;
    const s0 = t.steps;
    const t0 = performance.now();
    t.run(steps, false, false);
    return { steps: t.steps - s0, ms: performance.now() - t0 };
  }
}
