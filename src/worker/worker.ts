/// <reference lib="webworker" />
/**
 * The one worker of the app: every run goes through it, behind Comlink. The workbench's page holds one for its
 * engine session; each lab view holds one more of the same script for its runs (client.ts), so that a view's
 * runaway run can be ended by terminating its worker without touching the others.
 */
import * as Comlink from 'comlink';
import { Engine } from './engine';
import { EquivSession, TowerSession, amplificationSeries, checkLesson, classifyText, timeDepths } from './lab';
import { techniqueCosts } from '../lessons/costs';
import type { FrameRequest, SessionConfig, WorkerApi } from './protocol';
import { parseIsaFile } from '../core/isa/isafile';
import { pgSeries } from './pgseries';

/**
 * Yields to the worker's event loop through a MessageChannel: unlike setTimeout(0) it is not clamped, so the
 * machine keeps ~all of its speed, and a Pause posted by the page is handled between two slices (<= ~10 ms).
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldNow = (): Promise<void> =>
  new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });

const engine = new Engine(yieldNow);
// The lab's sessions: the page gives each lab view a worker of its own (client.ts), so these are one per worker.
const tower = new TowerSession();
const lockstep = new EquivSession();

/** A bug must not leave the page waiting on a worker that silently stopped: report it as the machine's state. */
function guard<A extends unknown[], R>(f: (...a: A) => R | Promise<R>): (...a: A) => Promise<R> {
  return async (...a: A): Promise<R> => {
    try {
      return await f(...a);
    } catch (e) {
      engine.state = 'error';
      engine.message = `Internal error: ${e instanceof Error ? e.message : String(e)}`;
      engine.epoch++;
      throw e;
    }
  };
}

const api: WorkerApi = {
  async load(cfg: SessionConfig) {
    return engine.load(cfg);
  },
  async reset() {
    return engine.boot();
  },
  async run(maxSteps: number) {
    // Not awaited: the call returns at once and the page watches progress through frames.
    void guard(() => engine.run(false, maxSteps))().catch(() => undefined);
  },
  async pause() {
    engine.pause();
  },
  step: guard((n: number) => engine.step(n)),
  async stepToTrap() {
    void guard(() => engine.run(true, 0))().catch(() => undefined);
  },
  stepOverMonitor: guard(() => engine.stepOverMonitor()),
  stepBack: guard((n: number) => engine.stepBack(n)),
  backToTrap: guard(() => engine.backToTrap()),
  travelTo: guard((step: number) => engine.travelTo(step)),
  async setBreakpoints(addrs: number[]) {
    engine.setBreakpoints(addrs);
  },
  async frame(req: FrameRequest) {
    return engine.frame(req);
  },
  async trapRows(from: number, count: number) {
    return engine.trapRows(from, count);
  },
  async bench(steps: number) {
    return engine.bench(steps);
  },
  // A thrown error rejects the call on the page (Comlink carries the message): the view shows it.
  checkLesson: async (id, source) => checkLesson(id, source),
  beyondCosts: async () => techniqueCosts(),
  series: async (r) => amplificationSeries(r),
  towerOpen: async (r) => tower.open(r),
  towerStep: async (n) => tower.step(n),
  equivOpen: async (r) => lockstep.open(r),
  equivStep: async (n) => lockstep.step(n),
  classify: async (text) => classifyText(text),
  timeDepths: async (r) => timeDepths(r),
  pgSeries: async (text) => {
    const parsed = parseIsaFile(text);
    if (!parsed.ok) throw new Error('The ISA file has errors (see the ISA lab).');
    return pgSeries(parsed.isa);
  },
};

Comlink.expose(api);
