import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine';
import type { FrameRequest, SessionConfig } from './protocol';

const PG1 = JSON.stringify({ name: 'pg1', base: 'pg1' });

const kernel = readFileSync(new URL('../../examples/kernel.s', import.meta.url), 'utf8');
const expected = readFileSync(new URL('../../examples/kernel.expected', import.meta.url), 'utf8');
const noYield = () => Promise.resolve();
const cfg = (p: Partial<SessionConfig> = {}): SessionConfig => ({ source: kernel, isa: PG1, monitor: 'none', depth: 0, q: 65536, input: '', maxSteps: 0, ...p });
const req = (_e: Engine): FrameRequest => ({ view: { space: 'virtual', start: 0, count: 16, follow: true }, epoch: -1, consoleLen: 0, samplesTotal: 0 });

describe('workbench engine', () => {
  it('runs the kernel example bare to its expected console, logging every trap with its step', async () => {
    const e = new Engine(noYield);
    expect(e.load(cfg()).ok).toBe(true);
    await e.run(false);
    const f = e.frame(req(e));
    expect(f.state).toBe('halted');
    expect(f.consoleText).toBe(expected);
    expect(f.eventsTotal).toBeGreaterThan(2);
    for (const ev of e.allTraps()) expect(ev.step).toBeGreaterThan(0);
  });

  it('refuses a program with assembly errors and reports line and column', () => {
    const e = new Engine(noYield);
    const r = e.load(cfg({ source: 'start: LI r1, 1\n  BOGUS r2\n' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].line).toBe(2);
    expect(e.frame(req(e)).state).toBe('error');
  });

  it('steps back to the exact earlier state, and to the previous trap', async () => {
    const e = new Engine(noYield);
    e.load(cfg());
    e.step(37);
    const at37 = e.frame(req(e));
    e.step(200);
    e.stepBack(200);
    const back = e.frame(req(e));
    expect(back.steps).toBe(37);
    expect(back.regs).toEqual(at37.regs);
    expect(back.psw).toEqual(at37.psw);
    await e.run(false);
    const total = e.allTraps().length;
    const last = e.allTraps()[total - 1];
    e.backToTrap();
    expect(e.target!.steps).toBe(last.step);
    expect(e.allTraps().length).toBe(total);
    e.backToTrap();
    expect(e.target!.steps).toBe(e.allTraps()[total - 2].step);
  });

  it('stops exactly after the next trap, with the old and new PSW', async () => {
    const e = new Engine(noYield);
    e.load(cfg());
    await e.run(true);
    const ev = e.allTraps()[e.allTraps().length - 1];
    expect(e.target!.steps).toBe(ev.step);
    expect(e.frame(req(e)).psw).toEqual(ev.new);
  });

  it('travels back more than 10,000 steps in a long loop', async () => {
    const src = 'start: LUI r1, 4\n LI r2, 0\nloop: ADDI r2, 1\n JLT r2, r1, loop\n HALT\n';
    const e = new Engine(noYield);
    e.load(cfg({ source: src }));
    await e.run(false);
    const end = e.target!.steps;
    e.stepBack(12_345);
    const f = e.frame(req(e));
    expect(f.steps).toBe(end - 12_345);
    // r2 counts loop iterations; two instructions per iteration after the first two.
    expect(f.regs[2]).toBe(Math.floor((end - 12_345 - 2 + 1) / 2));
  });

  it('runs the kernel under a full VMM and shows every level', async () => {
    const e = new Engine(noYield);
    expect(e.load(cfg({ monitor: 'full', depth: 2, q: 16384 })).ok).toBe(true);
    await e.run(false);
    const f = e.frame(req(e));
    expect(f.consoleText).toBe(expected);
    expect(f.levels.map((l) => l.level)).toEqual([0, 1, 2]);
    expect(f.levels[2].base).toBeGreaterThan(0);
    expect(e.allTraps().some((x) => x.handled === 'reflected')).toBe(true);
    expect(e.allTraps().some((x) => x.handled === 'interpreted')).toBe(true);
  });
});

describe('step to next trap under monitors', () => {
  it('lands on the first trap after the current step, at any level', async () => {
    const e = new Engine(noYield);
    e.load(cfg({ monitor: 'full', depth: 2, q: 16384 }));
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = e.target!.steps;
      await e.run(true);
      const now = e.target!.steps;
      seen.push(now);
      expect(now).toBeGreaterThan(before);
      // No trap happened strictly between the start and where it stopped.
      expect(e.allTraps().filter((x) => x.step > before && x.step < now)).toEqual([]);
      expect(e.allTraps().some((x) => x.step === now)).toBe(true);
    }
    expect(new Set(seen).size).toBe(4);
  });
});

describe('frames', () => {
  it('carry only the console and samples the page has not seen, and only the trap rows asked for, until history is rewritten', async () => {
    const e = new Engine(noYield);
    e.load(cfg());
    e.step(400);
    const f1 = e.frame(req(e));
    expect(f1.consoleText.length).toBeGreaterThan(0);
    const seen = { view: { space: 'virtual' as const, start: 0, count: 16, follow: true }, epoch: f1.epoch, consoleLen: f1.consoleLen, samplesTotal: f1.samplesFrom + f1.samples.length };
    const f2 = e.frame(seen);
    expect(f2.consoleText).toBe('');
    expect(f2.traps.rows).toEqual([]);
    expect(f2.samples).toEqual([]);
    const f2b = e.frame({ ...seen, traps: { from: -1, count: 2 } });
    expect(f2b.traps.rows.map((r) => r.seq)).toEqual([f2b.eventsTotal - 2, f2b.eventsTotal - 1]);
    expect(f2b.traps.from).toBe(f2b.eventsTotal - 2);
    e.stepBack(100);
    const f3 = e.frame(seen);
    expect(f3.epoch).not.toBe(f1.epoch);
    expect(f3.consoleFrom).toBe(0);
    expect(f3.consoleText.length).toBeLessThanOrEqual(f1.consoleText.length);
  });

  it('follows P: the memory window is moved to show the instruction at P', () => {
    const e = new Engine(noYield);
    e.load(cfg());
    e.step(1);
    const f = e.frame({ view: { space: 'physical', start: 5000, count: 16, follow: true }, epoch: -1, consoleLen: 0, samplesTotal: 0 });
    expect(f.pcPhysical).toBeGreaterThanOrEqual(f.mem.start);
    expect(f.pcPhysical).toBeLessThan(f.mem.start + f.mem.words.length);
    const g = e.frame({ view: { space: 'physical', start: 5000, count: 16, follow: false }, epoch: -1, consoleLen: 0, samplesTotal: 0 });
    expect(g.mem.start).toBe(5000);
  });
});

describe('bad input', () => {
  it('a program that writes over its own code runs as the machine says, and stepping back restores the old code', async () => {
    // The ST replaces `LI r1, 1` at `patch` with the word of `LI r1, 2` (taken from `new`).
    const src = ['start: LD r2, [new]', ' ST r2, [patch]', 'patch: LI r1, 1', ' OUT r1, 1', ' HALT', 'new: LI r1, 2'].join('\n');
    const e = new Engine(noYield);
    expect(e.load(cfg({ source: src })).ok).toBe(true);
    const before = e.frame({ view: { space: 'physical', start: 16, count: 8, follow: false }, epoch: -1, consoleLen: 0, samplesTotal: 0 });
    await e.run(false);
    expect(e.frame(req(e)).consoleText).toBe('2');
    e.travelTo(1);
    const back = e.frame({ view: { space: 'physical', start: 16, count: 8, follow: false }, epoch: -1, consoleLen: 0, samplesTotal: 0 });
    expect(back.mem.words).toEqual(before.mem.words);
    expect(back.consoleText).toBe('');
  });

  it('a trap with no trap vector stops with an explanation instead of trapping forever', async () => {
    const e = new Engine(noYield);
    e.load(cfg({ source: 'start: SVC 3\n HALT\n' }));
    await e.run(false);
    const f = e.frame(req(e));
    expect(f.state).toBe('error');
    expect(f.message).toMatch(/E\[8\.\.11\]/);
    expect(f.steps).toBe(1);
  });

  it('a memory size out of range is refused with the allowed range', () => {
    const e = new Engine(noYield);
    const r = e.load(cfg({ q: 10 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/64/);
  });
});

describe('step to next trap in a trap-free stretch under two monitors', () => {
  it('runs on to the first real trap instead of stopping at the resume of the guest', async () => {
    const src = 'start: LUI r1, 1\n LI r2, 0\nloop: ADDI r2, 1\n JLT r2, r1, loop\n SVC 7\n HALT\n';
    const e = new Engine(noYield);
    e.load(cfg({ source: src, monitor: 'full', depth: 2, q: 16384 }));
    e.step(3);
    await e.run(true);
    const ev = e.allTraps()[e.allTraps().length - 1];
    expect(e.target!.steps).toBeGreaterThan(100_000);
    expect(ev.what).toBe('SVC');
  });
});

describe('the session carries the ISA text', () => {
    const smsw = (privileged: boolean) => ({ mnemonic: 'SMSW', opcode: 0x30, operands: 'ra', privileged, effect: 'ra = M;' });
    const text = (getmode: 'privileged' | 'open', privileged: boolean) =>
      JSON.stringify({ name: 'tweaked', base: 'pg1', variants: { GETMODE: getmode }, instructions: [smsw(privileged)] });
    const prog = 'GETMODE r1\nSMSW r2\nHALT\n';
    const runIt = async (isa: string) => {
      const e = new Engine(noYield);
      const r = e.load(cfg({ source: prog, isa, monitor: 'full', depth: 1 }));
      expect(r.ok).toBe(true);
      await e.run(false);
      return { f: e.frame(req(e)), e };
    };

    it('privileged GETMODE and SMSW trap under the full monitor and are interpreted: the guest reads its virtual mode', async () => {
      const { f, e } = await runIt(text('privileged', true));
      expect(f.state).toBe('halted');
      expect(f.regs[1]).toBe(0);
      expect(f.regs[2]).toBe(0);
      expect(e.allTraps().filter((x) => x.handled === 'interpreted').map((x) => x.what.split(' ')[0])).toEqual(['GETMODE', 'SMSW', 'HALT']);
    });

    it('open GETMODE and SMSW run directly: no trap, and the guest reads the real mode (user)', async () => {
      const { f, e } = await runIt(text('open', false));
      expect(f.state).toBe('halted');
      expect(f.regs[1]).toBe(1);
      expect(f.regs[2]).toBe(1);
      expect(e.allTraps().filter((x) => x.handled === 'interpreted' && x.what !== 'HALT')).toEqual([]);
    });

    it('an instruction the ISA does not define is an assembly error, not a silent preset', () => {
      const r = new Engine(noYield).load(cfg({ source: prog, isa: PG1 }));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0].message).toMatch(/SMSW/);
    });

    it('refuses an ISA text with errors, and a preset name, instead of falling back to pg1', () => {
      for (const isa of ['{"base": "pg1", "variants": {"GETMODE": "opne"}}', 'pg1']) {
        const e = new Engine(noYield);
        const r = e.load(cfg({ isa }));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.message).toMatch(/ISA file has errors/);
        expect(e.frame(req(e)).state).toBe('error');
      }
    });
  });
