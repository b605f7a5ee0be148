/**
 * The page's side of run.worker.ts. One channel per view (lessons, recursion series, recursion tower, equivalence), each with its
 * own worker, so a long lesson check does not hold up the Recursion plot. A channel runs one request at a time:
 * a newer request makes the running one stale, and since a worker cannot be interrupted mid-run, the stale run
 * is ended by terminating its worker (the next request starts a fresh one). A request that runs past the
 * channel's limit is terminated the same way and reported as stopped.
 */
import type { RunReply, RunRequest } from './run.worker';

export type RunOutcome<T> = { ok: true; value: T } | { ok: false; message: string } | { ok: false; stopped: true; message: string };

interface Pending {
  id: number;
  resolve: (r: RunOutcome<unknown> | null) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class RunChannel {
  private worker: Worker | null = null;
  private seq = 0;
  private pending: Pending | null = null;

  constructor(
    private readonly name: string,
    /** Wall-clock limit of one request, ms. */
    readonly limitMs: number,
  ) {}

  private get(): Worker {
    if (!this.worker) {
      const w = new Worker(new URL('./run.worker.ts', import.meta.url), { type: 'module', name: `pglab-${this.name}` });
      w.onmessage = (e: MessageEvent<RunReply>) => {
        const p = this.pending;
        if (!p || p.id !== e.data.id) return;
        this.settle(e.data.ok ? { ok: true, value: e.data.value } : { ok: false, message: e.data.message });
      };
      this.worker = w;
    }
    return this.worker;
  }

  private settle(r: RunOutcome<unknown> | null): void {
    const p = this.pending;
    if (!p) return;
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
   * Runs the request; resolves null when it was overtaken (a newer call or cancel()), so the caller drops it.
   * A worker's state (the Equivalence view's lockstep) is lost when its run is overtaken or stopped.
   */
  call<T>(req: RunRequest): Promise<RunOutcome<T> | null> {
    this.cancel();
    const id = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        this.settle({ ok: false, stopped: true, message: `Stopped after ${Math.round(this.limitMs / 1000)} s: the run took too long, so its worker was terminated.` });
      }, this.limitMs);
      this.pending = { id, resolve: resolve as Pending['resolve'], timer };
      this.get().postMessage({ id, req });
    });
  }

  /** Abandons the running request, if any: its worker is terminated so it stops using the processor. */
  cancel(): void {
    if (!this.pending) return;
    this.kill();
    this.settle(null);
  }
}

/** Lesson checks take well under a second on a correct or a looping answer; 20 s means something is wrong. */
export const lessonRuns = new RunChannel('lessons', 20_000);
export const seriesRuns = new RunChannel('series', 30_000);
export const equivRuns = new RunChannel('equiv', 30_000);
/** The Recursion view's tower has its own worker, so stepping it does not cancel the amplification series. */
export const towerRuns = new RunChannel('tower', 30_000);
