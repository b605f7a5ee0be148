/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { Engine } from './engine';
import type { FrameRequest, SessionConfig, WorkerApi } from './protocol';

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
  stepBack: guard((n: number) => engine.stepBack(n)),
  backToTrap: guard(() => engine.backToTrap()),
  travelTo: guard((step: number) => engine.travelTo(step)),
  async setBreakpoints(addrs: number[]) {
    engine.setBreakpoints(addrs);
  },
  async frame(req: FrameRequest) {
    return engine.frame(req);
  },
  async bench(steps: number) {
    return engine.bench(steps);
  },
};

Comlink.expose(api);
