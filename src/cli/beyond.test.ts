/** The CLI of the techniques beyond 1974: --vmm bt|assist, hypercalls, the extra counters and check's guestMode. */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './testio';

const ex = (name: string) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples', name);

describe('pglab beyond 1974', () => {
  it('equiv --vmm bt: x86-kernel.s is equivalent under binary translation, not under the full monitor', async () => {
    expect((await cli('equiv', ex('x86-kernel.s'), '--isa', 'x86')).code).toBe(1);
    const r = await cli('equiv', ex('x86-kernel.s'), '--isa', 'x86', '--vmm', 'bt', '--json', '--depth', '2');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.virtual.stats.translated).toBeGreaterThan(0);
    const s = j.virtual.stats;
    expect(s.direct + s.trapped + s.interpreted + s.translated).toBe(j.virtual.steps);
  });
  it('--vmm assist needs an assist ISA (exit 2), and with one counts guest-mode exits', async () => {
    const bad = await cli('run', ex('x86-getr.s'), '--isa', 'x86', '--vmm', 'assist');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/hardware assist/);
    const r = await cli('equiv', ex('x86-getr.s'), '--isa', ex('x86-assist.json'), '--vmm', 'assist', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).virtual.stats.exits).toBeGreaterThan(0);
  });
  it('run --json under the full monitor: hypercalls only when the guest makes them', async () => {
    const para = JSON.parse((await cli('run', ex('x86-para.s'), '--isa', 'x86', '--vmm', 'full', '--hypercalls', '--json')).out);
    expect(para.stats.hypercalls).toBe(4);
    const pure = JSON.parse((await cli('run', ex('x86-para.s'), '--isa', 'x86', '--vmm', 'full', '--json')).out);
    expect(pure.stats.hypercalls).toBeUndefined();
    const bad = await cli('run', ex('x86-para.s'), '--isa', 'x86', '--vmm', 'hybrid', '--hypercalls');
    expect(bad.code).toBe(2);
    const plain = JSON.parse((await cli('run', ex('x86-kernel.s'), '--isa', 'x86', '--vmm', 'full', '--json')).out);
    expect(Object.keys(plain.stats)).toEqual(['direct', 'trapped', 'interpreted', 'levels']);
  });
  it('check --json on an assist ISA keeps the §10 keys and adds guestMode', async () => {
    const r = await cli('check', '--isa', ex('x86-assist.json'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.theorem1.holds).toBe(false);
    expect(j.guestMode.holds).toBe(true);
    const plain = JSON.parse((await cli('check', '--isa', 'x86', '--json')).out);
    expect(plain.guestMode).toBeUndefined();
  });
});
