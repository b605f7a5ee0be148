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

const api: WorkerApi = {
  async load(cfg: SessionConfig) {
    return engine.load(cfg);
  },
  async reset() {
    return engine.boot();
  },
  async run(maxSteps: number) {
    // Not awaited: the call returns at once and the page watches progress through frames.
    void engine.run(false, maxSteps);
  },
  async pause() {
    engine.pause();
  },
  async step(n: number) {
    engine.step(n);
  },
  async stepToTrap() {
    void engine.run(true, 0);
  },
  async stepBack(n: number) {
    engine.stepBack(n);
  },
  async backToTrap() {
    engine.backToTrap();
  },
  async travelTo(step: number) {
    engine.travelTo(step);
  },
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
