import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble } from '../core/asm/assembler';
import { presetIsa } from '../core/isa/isa';
import { runBare } from '../core/run';
import { countPerFetch, buildTower } from '../core/vmm/tower';
import { Engine } from './engine';
import { DISPATCH_PATH_MAX, PG_MONITOR_SOURCES } from './pgtower';
import type { FrameRequest, SessionConfig, TrapEvent } from './protocol';

const PG1 = JSON.stringify({ name: 'pg1', base: 'pg1' });
const read = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const firstTrap = read('examples/first-trap.s');
const kernel = read('examples/kernel.s');
const noYield = () => Promise.resolve();
const cfg = (p: Partial<SessionConfig> = {}): SessionConfig => ({ source: firstTrap, isa: PG1, monitor: 'full.s', depth: 1, q: 4096, input: '', maxSteps: 0, ...p });
const req = (space: 'virtual' | 'physical' | 'real' = 'virtual', start = 0, count = 16): FrameRequest => ({
  view: { space, start, count, follow: false },
  epoch: -1,
  consoleLen: 0,
  eventsTotal: 0,
  samplesTotal: 0,
});

/**
 * first-trap.s under full.s at depth 1, run to next trap until the guest's SVC: the first trap with cause 4 (SVC)
 * (up to 20 traps).
 */
async function toGuestSvc(): Promise<{ e: Engine; ev: TrapEvent }> {
  const e = new Engine(noYield);
  e.load(cfg());
  let ev: TrapEvent | undefined;
  for (let i = 0; i < 20; i++) {
    await e.run(true);
    ev = e.events[e.events.length - 1];
    if (ev.cause === 4) break;
  }
  if (!ev) throw new Error('no trap');
  return { e, ev };
}

describe('PG/1 monitor tower in the workbench', () => {
  it('the shipped monitors are the files in monitors/ (imported as text)', () => {
    expect(PG_MONITOR_SOURCES['full.s']).toBe(read('monitors/full.s'));
    expect(PG_MONITOR_SOURCES['hybrid.s']).toBe(read('monitors/hybrid.s'));
  });

  for (const [monitor, depth] of [['full.s', 1], ['full.s', 2], ['hybrid.s', 2]] as const) {
    it(`runs kernel.s under ${monitor} at depth ${depth} to the bare machine's console; the clock is real instructions`, async () => {
      const e = new Engine(noYield);
      expect(e.load(cfg({ source: kernel, monitor, depth, q: 16384 })).ok).toBe(true);
      await e.run(false);
      const f = e.frame(req());
      expect(f.state).toBe('halted');
      const img = assemble(kernel, presetIsa('pg1'));
      if (!img.ok) throw new Error('kernel.s');
      const bare = runBare(img.image, { q: 16384 });
      expect(f.consoleText).toBe(bare.json.console);
      expect(f.regs).toEqual(bare.json.regs);
      const t = f.tower!;
      expect(t.depth).toBe(depth);
      // Every real instruction is counted for exactly one level; the guest's own count is its bare count.
      expect(t.counts.reduce((a, b) => a + b, 0)).toBe(f.steps);
      // full.s runs the guest directly (its count is its bare count); hybrid.s interprets virtual supervisor mode.
      if (monitor === 'full.s') expect(t.counts[depth]).toBe(bare.json.steps);
      else expect(t.counts[depth]).toBeLessThan(bare.json.steps);
      expect(f.steps).toBeGreaterThan(bare.json.steps * 2);
    });
  }

  it('per-level counts equal the core reference that attributes fetch by fetch (depth 2)', async () => {
    const e = new Engine(noYield);
    e.load(cfg({ source: kernel, depth: 2, q: 16384 }));
    // Sliced runs of many sizes, as the workbench does them.
    for (const n of [1, 7, 300, 5000]) e.step(n);
    await e.run(false);
    const counts = e.frame(req()).tower!.counts;
    const img = assemble(kernel, presetIsa('pg1'));
    if (!img.ok) throw new Error('kernel.s');
    const b = buildTower(PG_MONITOR_SOURCES['full.s'], img.image, { depth: 2, mem: 16384 });
    if (!b.ok) throw new Error('tower');
    expect(counts).toEqual(countPerFetch(b.tower));
  });

  it('Step to next trap stops inside full.s right after the real trap; the event is the real E[0..11]; Step over monitor returns to the guest', async () => {
    const { e, ev } = await toGuestSvc();
    expect(ev.cause).toBe(4);
    const f = e.frame(req('real', 0, 12));
    const t = f.tower!;
    expect(f.steps).toBe(ev.step);
    // The hardware's frame as the event saw it is real memory at 0..11 now.
    expect(f.mem.space).toBe('real');
    expect(f.mem.words).toEqual(ev.real!.frame);
    expect(t.realFrame).toEqual(ev.real!.frame);
    expect(ev.real!.from).toBe(2); // the guest (level depth + 1)
    expect(ev.real!.to).toBe(1); // full.s's dispatcher
    expect(ev.old.mode).toBe(1); // the guest runs in real user mode
    expect(t.level).toBe(1);
    expect(t.fetch).toBe(t.realFrame[9] + t.realFrame[10]);
    // The guest's SVC: its guest-physical P is the old real P + l minus the guest's base.
    const img = assemble(firstTrap, presetIsa('pg1'));
    if (!img.ok) throw new Error('asm');
    const svcLine = img.lineOfAddr.get(ev.old.pc + ev.old.l - t.regions[1].start);
    expect(firstTrap.split('\n')[svcLine! - 1]).toMatch(/SVC/);
    e.stepOverMonitor();
    const g = e.frame(req()).tower!;
    expect(g.level).toBe(2);
    expect(g.fetch).toBeGreaterThanOrEqual(t.regions[1].start);
    expect(e.frame(req()).steps).toBeGreaterThan(f.steps);
  });

  it("traces the dispatcher's path through full.s after a guest SVC and the LPSW that resumes the guest, leaving the state untouched", async () => {
    const { e, ev } = await toGuestSvc();
    const asm = assemble(PG_MONITOR_SOURCES['full.s'], presetIsa('pg1'));
    const labels = new Set(asm.symbols.keys());
    const r = ev.real!;
    const f = e.frame(req('real', 0, 12));
    expect(f.steps).toBe(ev.step); // the replay put the machine back
    const path = r.dispatch!;
    expect(path.length).toBeGreaterThan(1);
    expect(path.length).toBeLessThanOrEqual(DISPATCH_PATH_MAX);
    expect(path[0]).toMatchObject({ level: 1, label: 'dispatcher', real: f.tower!.fetch, step: ev.step });
    for (const p of path) expect(labels.has(p.label)).toBe(true);
    for (let i = 1; i < path.length; i++) expect(path[i].step).toBeGreaterThan(path[i - 1].step);
    // The resuming instruction is full.s's LPSW; stepping over the monitor lands exactly after it.
    const res = r.resume!;
    expect(res.mnemonic).toBe('LPSW');
    expect(res.level).toBe(1);
    expect(res.to).toBe(2);
    e.stepOverMonitor();
    const g = e.frame(req('real', res.from, 4));
    expect(g.steps).toBe(res.step + 1);
    expect(g.tower!.realPsw).toEqual(res.psw);
    const w = g.mem.words;
    expect({ mode: w[0] === 0 ? 0 : 1, pc: w[1], l: w[2], b: w[3] }).toEqual(res.psw);
    // Full-speed Run does not trace (it would pay a replay per trap).
    await e.run(false);
    expect(e.events[e.events.length - 1].real!.dispatch).toBeUndefined();
  });

  it("the memory view's level k is monitor k's physical memory: real (k−1)×guest + a, its own trap frame at 0..11", () => {
    const e = new Engine(noYield);
    e.load(cfg({ source: kernel, depth: 2, q: 16384 }));
    e.step(5000);
    const g = e.frame(req()).tower!.guest;
    for (const k of [1, 2]) {
      const lv = e.frame({ ...req('real', 0, 40), view: { space: 'real', level: k, start: 0, count: 40, follow: false } });
      const real = e.frame(req('real', (k - 1) * g, 40));
      expect(lv.mem.level).toBe(k);
      expect(lv.mem.base).toBe((k - 1) * g);
      expect(lv.mem.words).toEqual(real.mem.words);
    }
    // Level 2's trap frame is not the real one (monitor 2 set its own vector at its address 8..11).
    const l2 = e.frame({ ...req('real', 0, 12), view: { space: 'real', level: 2, start: 0, count: 12, follow: false } });
    const l1 = e.frame({ ...req('real', 0, 12), view: { space: 'real', level: 1, start: 0, count: 12, follow: false } });
    expect(l1.mem.words).toEqual(l1.tower!.realFrame);
    expect(l2.mem.words.slice(8, 12)).not.toEqual(l1.mem.words.slice(8, 12));
  });

  it('Step back returns to the exact real state (real P, registers, counts)', () => {
    const e = new Engine(noYield);
    e.load(cfg({ source: kernel, q: 16384 }));
    e.step(401);
    const at = e.frame(req('real', 0, 64));
    e.step(3000);
    e.stepBack(3000);
    const back = e.frame(req('real', 0, 64));
    expect(back.steps).toBe(401);
    expect(back.tower!.realPsw).toEqual(at.tower!.realPsw);
    expect(back.tower!.counts).toEqual(at.tower!.counts);
    expect(back.mem.words).toEqual(at.mem.words);
  });

  it('a monitor file of your own: loads when it keeps the ABI, and reports the loader error when it does not', () => {
    const e = new Engine(noYield);
    const bad = e.load(cfg({ monitor: 'file', monitorSource: 'start: HALT\nguest_entry: .word 0\nguest:\n', monitorFile: 'mine.s' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain("mine.s:1:1: monitor ABI: label 'vpsw' is not defined");
    const good = e.load(cfg({ monitor: 'file', monitorSource: PG_MONITOR_SOURCES['full.s'], monitorFile: 'mine.s' }));
    expect(good.ok).toBe(true);
    expect(e.frame(req()).tower?.monitorName).toBe('mine.s');
  });
});
