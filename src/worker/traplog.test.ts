import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { toCsv } from '../app/export';
import { Engine } from './engine';
import type { SessionConfig, TrapEvent } from './protocol';
import { F, TrapLog, exportRecord, framePsws, type RawTrap } from './traplog';

/** A describer that says which numbers it was given (the targets' own are tested through the engine). */
const describe_ = (r: RawTrap, log: TrapLog): TrapEvent => ({
  step: r.step,
  level: r.level,
  cause: r.E[4],
  detail: r.E[5],
  ...framePsws(r.E),
  handled: 'kernel',
  path: [`row ${r.seq}`],
  what: log.str(r.what),
});

function frame(cause: number, detail: number): number[] {
  return [1, 10, 4096, 16, cause, detail, 0, 0, 0, 200, 0, 65536];
}

describe('trap log ring', () => {
  it('keeps the newest `capacity` rows when it wraps, numbered from the first ever written', () => {
    const log = new TrapLog(4);
    for (let i = 0; i < 10; i++) log.pushFrame(100 + i, 0, 0, log.intern(`I${i}`), frame(4, i));
    expect(log.total).toBe(10);
    expect(log.first).toBe(6);
    expect(log.size).toBe(4);
    const rows = log.rows(0, 100, describe_);
    expect(rows.map((r) => r.seq)).toEqual([6, 7, 8, 9]);
    expect(rows.map((r) => r.step)).toEqual([106, 107, 108, 109]);
    expect(rows.map((r) => r.detail)).toEqual([6, 7, 8, 9]);
    expect(rows.map((r) => r.what)).toEqual(['I6', 'I7', 'I8', 'I9']);
    expect(rows[0].old).toEqual({ mode: 1, pc: 10, l: 4096, b: 16 });
    expect(rows[0].new).toEqual({ mode: 0, pc: 200, l: 0, b: 65536 });
  });

  it('fetches a window of rows, clipped to those held', () => {
    const log = new TrapLog(8);
    for (let i = 0; i < 20; i++) log.pushFrame(i * 3, 1, 2, 0, frame(1, i));
    expect(log.rows(13, 3, describe_).map((r) => r.seq)).toEqual([13, 14, 15]);
    expect(log.rows(10, 4, describe_).map((r) => r.seq)).toEqual([12, 13]);
    expect(log.rows(18, 10, describe_).map((r) => r.seq)).toEqual([18, 19]);
    expect(log.rows(25, 3, describe_)).toEqual([]);
    expect(log.rows(14, 1, describe_)[0]).toMatchObject({ step: 42, level: 1, cause: 1, detail: 14 });
  });

  it('finds rows by step across the wrap (steps never decrease), and truncates for travelling back', () => {
    const log = new TrapLog(5);
    for (let i = 0; i < 12; i++) log.pushFrame(i * 10, 0, 0, 0, frame(4, i));
    expect(log.lastBefore(75)).toBe(7);
    expect(log.lastBefore(71)).toBe(7);
    expect(log.lastBefore(70)).toBe(-1); // row 7 (step 70) is the oldest held
    expect(log.firstAfter(0, 85)).toBe(9);
    expect(log.firstAfter(10, 85)).toBe(10);
    log.truncate(9);
    expect([log.first, log.total]).toEqual([7, 9]);
    log.pushFrame(999, 0, 0, 0, frame(5, 0));
    expect(log.rows(0, 99, describe_).map((r) => r.step)).toEqual([70, 80, 999]);
    // Back before the oldest row held: nothing left, and the next row keeps its number.
    log.truncate(3);
    expect([log.first, log.total, log.size]).toEqual([3, 3, 0]);
    expect(log.pushFrame(1, 0, 0, 0, frame(4, 0))).toBe(3);
  });

  it('drops a row’s extras and kind with the row', () => {
    const log = new TrapLog(2);
    const a = log.pushFrame(1, 0, 0, 0, frame(4, 0));
    log.attach(a, { path: 'traced' });
    log.setKind(a, 'hypercall');
    expect(log.extra(a)).toEqual({ path: 'traced' });
    expect(log.row(a, describe_).kind).toBe('hypercall');
    log.pushFrame(2, 0, 0, 0, frame(4, 0));
    const c = log.pushFrame(3, 0, 0, 0, frame(4, 0));
    expect(log.extra(a)).toBeUndefined();
    expect(log.int(c, F.kind)).toBe(0);
    expect(log.row(c, describe_).kind).toBeUndefined();
  });

  it('exports rows as the trap log’s CSV and JSON records', () => {
    const log = new TrapLog(3);
    for (let i = 0; i < 5; i++) log.pushFrame(i + 1, 0, 0, log.intern(i % 2 ? 'SVC 1' : 'LPSW [r1+0], x'), frame(4, i));
    const recs = log.rows(log.first, log.size, describe_).map(exportRecord);
    expect(recs).toEqual([
      { step: 3, level: 0, cause: 4, detail: 2, what: 'LPSW [r1+0], x', handled: 'kernel', path: 'row 2' },
      { step: 4, level: 0, cause: 4, detail: 3, what: 'SVC 1', handled: 'kernel', path: 'row 3' },
      { step: 5, level: 0, cause: 4, detail: 4, what: 'LPSW [r1+0], x', handled: 'kernel', path: 'row 4' },
    ]);
    expect(toCsv(recs).split('\n').slice(0, 2)).toEqual(['step,level,cause,detail,what,handled,path', '3,0,4,2,"LPSW [r1+0], x",kernel,row 2']);
  });
});

const PG1 = JSON.stringify({ name: 'pg1', base: 'pg1' });
const kernel = readFileSync(new URL('../../examples/kernel.s', import.meta.url), 'utf8');
const cfg = (p: Partial<SessionConfig> = {}): SessionConfig => ({ source: kernel, isa: PG1, monitor: 'none', depth: 0, q: 65536, input: '', maxSteps: 0, ...p });
const noYield = () => Promise.resolve();

describe('the engine’s trap log', () => {
  it('wraps on a long run and still travels back to a trap exactly (replay writes the same rows again)', async () => {
    const full = new Engine(noYield);
    full.load(cfg({ monitor: 'full', depth: 2 }));
    await full.run(false);
    const all = full.allTraps();
    const small = new Engine(noYield, 16);
    small.load(cfg({ monitor: 'full', depth: 2 }));
    await small.run(false);
    expect(small.log.total).toBe(all.length);
    expect(small.log.size).toBe(16);
    const tail = small.allTraps();
    expect(tail.map(({ seq: _s, ...r }) => r)).toEqual(all.slice(-16).map(({ seq: _s, ...r }) => r));
    const target = tail[3];
    small.travelTo(target.step);
    expect(small.target!.steps).toBe(target.step);
    expect(small.log.total).toBeGreaterThan(target.seq!);
    const again = small.trapRows(target.seq!, 1).rows[0];
    expect(again).toEqual(target);
  });

  it('under a monitor, a run call does not rebuild the tower’s breakpoints each time', async () => {
    const e = new Engine(noYield);
    e.load(cfg({ monitor: 'full', depth: 1, source: 'start: LI r2, 0\nloop: ADDI r2, 1\nJMP loop\n' }));
    e.setBreakpoints([999_999]); // outside the program: never hit
    const stack = (e.target as unknown as { stack: { setBreakpoints(a: readonly number[]): void } }).stack;
    e.step(1);
    const spy = vi.spyOn(stack, 'setBreakpoints');
    const calls = vi.spyOn(e.target!, 'run');
    await e.run(false, 300_000);
    // Run makes many calls with breakpoints (Step made one without): the set changed once, so one rebuild.
    expect(calls.mock.calls.length).toBeGreaterThan(3);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(e.frame({ view: { space: 'virtual', start: 0, count: 4, follow: false }, epoch: -1, consoleLen: 0, samplesTotal: 0 }).state).toBe('limit');
  });
});
