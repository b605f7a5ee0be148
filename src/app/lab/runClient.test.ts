import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunChannel } from './runClient';

/** A stand-in for the browser's Worker: records what it is sent; the test plays the worker's replies. */
class FakeWorker {
  static all: FakeWorker[] = [];
  sent: { id: number; req: unknown }[] = [];
  terminated = false;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(m: { id: number; req: unknown }) {
    this.sent.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  reply(id: number, value: unknown) {
    this.onmessage?.({ data: { id, ok: true, value } });
  }
}

beforeEach(() => {
  FakeWorker.all = [];
  vi.stubGlobal('Worker', FakeWorker);
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const lesson = (source: string) => ({ op: 'lesson' as const, lessonId: 'machine', source });

describe('RunChannel', () => {
  it('delivers the answer to the request that is running', async () => {
    const ch = new RunChannel('t', 1000);
    const p = ch.call(lesson('a'));
    expect(ch.busy).toBe(true);
    const w = FakeWorker.all[0];
    w.reply(w.sent[0].id, 42);
    expect(await p).toEqual({ ok: true, value: 42 });
    expect(ch.busy).toBe(false);
  });

  it('a newer request makes the running one stale: it resolves null and its worker is terminated', async () => {
    const ch = new RunChannel('t', 1000);
    const first = ch.call(lesson('a'));
    const second = ch.call(lesson('b'));
    expect(await first).toBeNull();
    expect(FakeWorker.all[0].terminated).toBe(true);
    const w = FakeWorker.all[1];
    // A late reply from the terminated worker would carry the old id; only the new worker's reply counts.
    FakeWorker.all[0].reply(FakeWorker.all[0].sent[0].id, 'stale');
    w.reply(w.sent[0].id, 'fresh');
    expect(await second).toEqual({ ok: true, value: 'fresh' });
  });

  it('a request past the limit is stopped, its worker terminated, and the next request gets a new worker', async () => {
    const ch = new RunChannel('t', 1000);
    const p = ch.call(lesson('loop'));
    vi.advanceTimersByTime(1000);
    const r = await p;
    expect(r).toMatchObject({ ok: false, stopped: true });
    expect(r && !r.ok && r.message).toMatch(/Stopped after 1 s/);
    expect(FakeWorker.all[0].terminated).toBe(true);
    const next = ch.call(lesson('ok'));
    expect(FakeWorker.all).toHaveLength(2);
    FakeWorker.all[1].reply(FakeWorker.all[1].sent[0].id, 'done');
    expect(await next).toEqual({ ok: true, value: 'done' });
  });

  it('cancel() abandons the running request', async () => {
    const ch = new RunChannel('t', 1000);
    const p = ch.call(lesson('a'));
    ch.cancel();
    expect(await p).toBeNull();
    expect(FakeWorker.all[0].terminated).toBe(true);
    expect(ch.busy).toBe(false);
  });
});
