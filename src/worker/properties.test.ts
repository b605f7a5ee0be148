/**
 * The three VMM properties as the worker hands them to the page: in the workbench's Frame under a monitor (live,
 * equivalence compared only while nothing runs) and in the Equivalence view's lockstep snapshot with the per-step
 * trace of Theorem 1's diagram.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { EquivSession } from './lab';
import type { FrameRequest, SessionConfig } from './protocol';

const SETR_OPEN = JSON.stringify({ name: 'setr-open', base: 'pg1', variants: { SETR: 'open' } });
const PG1 = JSON.stringify({ name: 'pg1', base: 'pg1' });
const kernel = readFileSync(new URL('../../examples/kernel.s', import.meta.url), 'utf8');
const ESCAPE = `start: LI r1, 0\n LI r2, 1000\n LI r3, 77\n JMP go\n.org 100\n ST r3, [r0+12]\n HALT\n.org 115\ngo: SETR r1, r2\n ST r3, [r0+12]\n HALT\n`;
const noYield = () => Promise.resolve();
const cfg = (p: Partial<SessionConfig>): SessionConfig => ({ source: kernel, isa: PG1, monitor: 'full', depth: 1, q: 1024, input: '', maxSteps: 0, ...p });
const req: FrameRequest = { view: { space: 'virtual', start: 0, count: 16, follow: true }, epoch: -1, consoleLen: 0, samplesTotal: 0 };

describe('VMM properties in the worker', () => {
  it('the workbench frame: resource control broken at step 6, real address 12, with SETR open', async () => {
    const e = new Engine(noYield);
    expect(e.load(cfg({ source: ESCAPE, isa: SETR_OPEN })).ok).toBe(true);
    expect(e.frame(req).properties?.equivalence.checked).toBe(false);
    await e.run(false);
    const p = e.frame(req).properties!;
    expect(p.resourceControl).toEqual({ kept: false, breach: { kind: 'access', step: 6, access: 'store', address: 12, level: 1 } });
    expect(p.equivalence.checked).toBe(true);
    // Back in time the breach has not happened yet.
    e.travelTo(3);
    expect(e.frame(req).properties!.resourceControl.kept).toBe(true);
  });

  it('the workbench frame: the kernel example is efficient and equivalent; no properties on a bare machine', async () => {
    const e = new Engine(noYield);
    e.load(cfg({ q: 16384 }));
    await e.run(false);
    const p = e.frame(req).properties!;
    expect(p.equivalence).toMatchObject({ checked: true, equivalent: true });
    expect(p.efficiency.direct + p.efficiency.trapped + p.efficiency.interpreted).toBe(p.efficiency.steps);
    expect(p.efficiency.trappedBy.length).toBeGreaterThan(0);
    const b = new Engine(noYield);
    b.load(cfg({ monitor: 'none', depth: 0 }));
    expect(b.frame(req).properties).toBeUndefined();
  });

  it('the lockstep snapshot: properties and a trace with source lines', () => {
    const s = new EquivSession();
    s.open({ source: 'start: LI r1, 1\n SVC 3\n', isaText: PG1, kind: 'full', depth: 1, w: 1024, input: '' });
    const snap = s.step(2);
    expect(snap.trace!.map((t) => [t.instruction, t.how, t.line])).toEqual([
      ['LI', 'direct', 1],
      ['SVC', 'trap-reflected', 2],
    ]);
    expect(snap.properties!.efficiency).toMatchObject({ steps: 2, direct: 1, trapped: 1 });
    expect(snap.properties!.equivalence).toMatchObject({ checked: true, equivalent: true });
  });
});
