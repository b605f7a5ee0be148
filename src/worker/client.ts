/**
 * The page's side of the lab's runs: one channel per view (lessons, recursion series, recursion tower,
 * equivalence, classification), each with its own worker (worker.ts, the same script as the workbench's) behind
 * Comlink. A channel runs one call at a time. A newer call makes the running one stale; since a worker cannot be
 * interrupted mid-run, the stale run is ended by terminating its worker (the next call starts a fresh one),
 * except on a channel that keeps its worker (classification: its cache is worth more than the second a stale
 * run costs). A call that runs past the channel's limit is terminated the same way and reported as stopped.
 */
import * as Comlink from 'comlink';
import type { LabApi } from './protocol';

export type RunOutcome<T> = { ok: true; value: T } | { ok: false; message: string } | { ok: false; stopped: true; message: string };

/** A started worker: its API, and how to end it. Injected by tests. */
export interface Spawned {
  api: LabApi;
  terminate(): void;
}

export function spawnWorker(name: string): Spawned {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `pglab-${name}` });
  return { api: Comlink.wrap<LabApi>(w), terminate: () => w.terminate() };
}

interface Pending {
  id: number;
  resolve: (r: RunOutcome<unknown> | null) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class RunChannel {
  private worker: Spawned | null = null;
  private seq = 0;
  private pending: Pending | null = null;

  constructor(
    private readonly name: string,
    /** Wall-clock limit of one call, ms. */
    readonly limitMs: number,
    private readonly opts: { keepWorker?: boolean; spawn?: (name: string) => Spawned } = {},
  ) {}

  private get(): Spawned {
    if (!this.worker) this.worker = (this.opts.spawn ?? spawnWorker)(this.name);
    return this.worker;
  }

  private settle(id: number, r: RunOutcome<unknown> | null): void {
    const p = this.pending;
    if (!p || p.id !== id) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.resolve(r);
  }

  private kill(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  /**
   * Runs `f` on the channel's worker; resolves null when it was overtaken (a newer call or cancel()), so the
   * caller drops it. A worker's sessions (the lockstep, the tower) are lost when its run is overtaken or stopped.
   */
  call<T>(f: (api: LabApi) => Promise<T>): Promise<RunOutcome<T> | null> {
    this.cancel();
    const id = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        this.settle(id, { ok: false, stopped: true, message: `Stopped after ${Math.round(this.limitMs / 1000)} s: the run took too long, so its worker was terminated.` });
      }, this.limitMs);
      this.pending = { id, resolve: resolve as Pending['resolve'], timer };
      f(this.get().api).then(
        (value) => this.settle(id, { ok: true, value }),
        (e: unknown) => this.settle(id, { ok: false, message: String((e as Error)?.message ?? e) }),
      );
    });
  }

  /** Abandons the running call, if any: its worker is terminated (unless kept) so it stops using the processor. */
  cancel(): void {
    const p = this.pending;
    if (!p) return;
    if (!this.opts.keepWorker) this.kill();
    this.settle(p.id, null);
  }
}

/** Lesson checks take well under a second on a correct or a looping answer; 20 s means something is wrong. */
export const lessonRuns = new RunChannel('lessons', 20_000);
export const seriesRuns = new RunChannel('series', 30_000);
/** Lessons 8–10's chart: five runs of a small guest, well under a second. */
export const costRuns = new RunChannel('costs', 30_000);
export const pgSeriesRuns = new RunChannel('pgseries', 60_000);
export const equivRuns = new RunChannel('equiv', 30_000);
/** The Recursion view's tower has its own worker, so stepping it does not cancel the amplification series. */
export const towerRuns = new RunChannel('tower', 30_000);
/** The Recursion view's time comparison (7 runs of the program) has its own worker too. */
export const timeRuns = new RunChannel('time', 30_000);
/** Classification takes one to two seconds; a stale one finishes in the background and fills the cache. */
export const classifyRuns = new RunChannel('classify', 120_000, { keepWorker: true });
