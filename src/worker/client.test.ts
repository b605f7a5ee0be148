import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunChannel, type Spawned } from './client';
import type { LabApi } from './protocol';

/** A stand-in for a worker: each call waits until the test answers it; terminate() is recorded. */
class FakeWorker {
  static all: FakeWorker[] = [];
  calls: { source: string; resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  terminated = false;
  constructor() {
    FakeWorker.all.push(this);
  }
  spawned(): Spawned {
    const api = {
      checkLesson: (_id: string, source: string) => new Promise((resolve, reject) => this.calls.push({ source, resolve, reject })),
    } as unknown as LabApi;
    return { api, terminate: () => (this.terminated = true) };
  }
}
const spawn = () => new FakeWorker().spawned();

beforeEach(() => {
  FakeWorker.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const lesson = (source: string) => (x: LabApi) => x.checkLesson('machine', source);

describe('RunChannel', () => {
  it('delivers the answer to the call that is running', async () => {
    const ch = new RunChannel('t', 1000, { spawn });
    const p = ch.call(lesson('a'));
    expect(ch.busy).toBe(true);
    FakeWorker.all[0].calls[0].resolve(42);
    expect(await p).toEqual({ ok: true, value: 42 });
    expect(ch.busy).toBe(false);
  });

  it('an error thrown in the worker comes back as a failed outcome with its message', async () => {
    const ch = new RunChannel('t', 1000, { spawn });
    const p = ch.call(lesson('a'));
    FakeWorker.all[0].calls[0].reject(new Error('The program does not assemble'));
    expect(await p).toEqual({ ok: false, message: 'The program does not assemble' });
  });

  for (const keepWorker of [false, true]) {
    const what = keepWorker ? 'on a channel that keeps its worker, it is not terminated' : 'its worker is terminated';
    it(`a newer call makes the running one stale: it resolves null and ${what}; a late stale answer is dropped`, async () => {
      const ch = new RunChannel('t', 1000, { spawn, keepWorker });
      const first = ch.call(lesson('a'));
      const second = ch.call(lesson('b'));
      expect(await first).toBeNull();
      expect(FakeWorker.all).toHaveLength(keepWorker ? 1 : 2);
      expect(FakeWorker.all[0].terminated).toBe(!keepWorker);
      // The newer call runs on the kept worker as its second call, or on a new worker.
      const newer = keepWorker ? FakeWorker.all[0].calls[1] : FakeWorker.all[1].calls[0];
      FakeWorker.all[0].calls[0].resolve('stale');
      newer.resolve('fresh');
      expect(await second).toEqual({ ok: true, value: 'fresh' });
    });
  }

  it('a call past the limit is stopped, its worker terminated, and the next call gets a new worker', async () => {
    const ch = new RunChannel('t', 1000, { spawn, keepWorker: true });
    const p = ch.call(lesson('loop'));
    vi.advanceTimersByTime(1000);
    const r = await p;
    expect(r).toMatchObject({ ok: false, stopped: true });
    expect(r && !r.ok && r.message).toMatch(/Stopped after 1 s/);
    expect(FakeWorker.all[0].terminated).toBe(true);
    const next = ch.call(lesson('ok'));
    expect(FakeWorker.all).toHaveLength(2);
    FakeWorker.all[1].calls[0].resolve('done');
    expect(await next).toEqual({ ok: true, value: 'done' });
  });

  it('cancel() abandons the running call', async () => {
    const ch = new RunChannel('t', 1000, { spawn });
    const p = ch.call(lesson('a'));
    ch.cancel();
    expect(await p).toBeNull();
    expect(FakeWorker.all[0].terminated).toBe(true);
    expect(ch.busy).toBe(false);
  });
});
