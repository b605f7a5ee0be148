/**
 * The workbench's engine under the monitors beyond 1974 (binary translation, hardware assist, the full monitor
 * with hypercalls): what the views are given to show each one's work, and the refusal of assist without guest mode.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cause } from '../core/isa/table';
import { Engine } from './engine';
import type { FrameRequest, SessionConfig } from './protocol';
import { eventLabel } from './vmm';

const example = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');
const X86 = JSON.stringify({ name: 'x86', base: 'x86' });
const X86_ASSIST = example('x86-assist.json');
const noYield = () => Promise.resolve();
const cfg = (p: Partial<SessionConfig>): SessionConfig => ({ source: '', isa: X86, monitor: 'none', depth: 1, q: 65536, input: '', maxSteps: 0, ...p });
const req = (space: 'virtual' | 'physical' = 'physical', start = 0, count = 128): FrameRequest => ({
  view: { space, start, count, follow: false },
  epoch: -1,
  consoleLen: 0,
  samplesTotal: 0,
});

async function runToEnd(c: SessionConfig): Promise<Engine> {
  const e = new Engine(noYield);
  const r = e.load(c);
  expect(r).toMatchObject({ ok: true });
  await e.run(false);
  return e;
}

describe('assist monitor in the workbench', () => {
  it('shows each guest-mode exit: cause 7, the sensitive instruction, emulated by the monitor; counts the exits', async () => {
    const e = await runToEnd(cfg({ source: example('x86-getr.s'), isa: X86_ASSIST, monitor: 'assist' }));
    const f = e.frame(req());
    expect(f.state).toBe('halted');
    expect(f.consoleText).toBe(example('x86-getr.expected'));
    const exits = e.allTraps().filter((x) => x.cause === Cause.EXIT);
    expect(exits.length).toBeGreaterThan(0);
    expect(exits.map((x) => x.what)).toContain('GETR');
    const getr = exits.find((x) => x.what === 'GETR')!;
    expect(getr.path.join(' / ')).toMatch(/guest mode.*guest-mode exit: GETR is sensitive \(cause 7 EXIT\).*dispatcher 1.*emulated GETR on VM 1's virtual state \(assist monitor 1\)/);
    expect(f.counters.exits).toBe(exits.length);
    expect(f.properties?.equivalence.equivalent).toBe(true);
  });

  it('refuses an ISA without guest mode with the core message, and does not fall back to another monitor', () => {
    const e = new Engine(noYield);
    const r = e.load(cfg({ source: example('x86-getr.s'), monitor: 'assist' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/assist monitor needs an ISA with hardware assist.*x86 has none/);
    expect(e.target).toBeNull();
    expect(e.frame(req()).state).toBe('error');
  });
});

describe('full monitor with hypercalls', () => {
  it('labels each served hypercall "hypercall N NAME" and counts them; without the flag the SVCs are reflected', async () => {
    const on = await runToEnd(cfg({ source: example('x86-para.s'), monitor: 'full', hypercalls: true }));
    const f = on.frame(req());
    expect(f.consoleText).toBe(example('x86-para.expected'));
    const calls = on.allTraps().filter((x) => x.what.startsWith('hypercall '));
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c.cause).toBe(Cause.SVC);
      expect(c.what).toMatch(new RegExp(`^hypercall ${c.detail - 0xff00} [A-Z]+$`));
      expect(c.path.join(' / ')).toMatch(/SVC 0xFF0\d: a call to the monitor/);
    }
    expect(f.counters.hypercalls).toBe(calls.filter((c) => c.handled === 'interpreted').length);
    // Equivalence is the end states' (the bare kernel serves its own hypercalls in more steps); not before the halt.
    expect(f.properties?.equivalence).toMatchObject({ checked: true, equivalent: true, how: expect.stringMatching(/run to its end/) });
    on.travelTo(calls[0].step);
    expect(on.frame(req()).properties?.equivalence).toMatchObject({ checked: false, how: expect.stringMatching(/not checked before the halt/) });
    const off = await runToEnd(cfg({ source: example('x86-para.s'), monitor: 'full' }));
    expect(off.allTraps().some((x) => x.what.startsWith('hypercall'))).toBe(false);
    expect(off.frame(req()).counters.hypercalls).toBeUndefined();
  });

  it('eventLabel leaves an ordinary SVC alone', () => {
    expect(eventLabel({ cause: Cause.SVC, detail: 3, what: 'SVC' })).toBe('SVC');
    expect(eventLabel({ cause: Cause.SVC, detail: 0xff01, what: 'hypercall GETR' })).toBe('hypercall 1 GETR');
  });
});

describe('bt monitor', () => {
  it('marks the guest words in the translation cache, in both address spaces, and counts translated instructions', async () => {
    const src = example('x86-kernel.s');
    const e = await runToEnd(cfg({ source: src, monitor: 'bt' }));
    const f = e.frame(req('physical', 0, 512));
    expect(f.consoleText).toBe(example('x86-kernel.expected'));
    expect(f.counters.translated).toBeGreaterThan(0);
    const marked = f.mem.translated!.map((t, i) => (t ? i : -1)).filter((a) => a >= 0);
    expect(marked.length).toBeGreaterThan(0);
    // Marked words are code the kernel ran (nonzero instruction words), never the trap frame.
    for (const a of marked) expect(f.mem.words[a]).not.toBe(0);
    expect(marked.every((a) => a >= 12)).toBe(true);
    // Writing over a translated word: it is no longer translated code (the block is stale).
    const t = e.target!;
    const a = marked[0];
    t.guestMem()[a] = 0;
    expect(e.frame(req('physical', 0, 512)).mem.translated![a]).toBe(false);
  });

  it('under the other monitors the memory map carries no translation marks', async () => {
    const e = await runToEnd(cfg({ source: example('x86-kernel.s'), monitor: 'full' }));
    expect(e.frame(req()).mem.translated).toBeUndefined();
    expect(e.frame(req()).counters.translated).toBeUndefined();
  });
});
