import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESCAPE } from '../testing/kernels';
import { cli, LOOP_S, SUM_S, tempDir } from './testio';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
const f = tempDir('pglab-equiv-', { 'sum.s': SUM_S, 'loop.s': LOOP_S, 'far.s': '.org 20000\nHALT\n' });

describe('pglab equiv', () => {
  it('exit 0 and the §10 object when equivalent', async () => {
    const r = await cli('equiv', f('sum.s'), '--json', '--depth', '3');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['equivalent', 'divergence', 'native', 'virtual']);
    expect(j.equivalent).toBe(true);
    expect(j.divergence).toBeNull();
    expect(j.native.console).toBe('55');
    expect(Object.keys(j.virtual)).toEqual(['status', 'steps', 'console', 'psw', 'regs', 'stats']);
    expect(j.virtual.stats.levels).toHaveLength(3);
    expect(Object.keys(j.virtual.stats.levels[0])).toEqual(['traps', 'reflected', 'interpreted']);
  });

  it('exit 1 with the first diverging field where the theorems fail', async () => {
    const x = await cli('equiv', path.join(examples, 'x86-getr.s'), '--isa', 'x86', '--vmm', 'hybrid', '--json');
    expect(x.code).toBe(1);
    expect(JSON.parse(x.out).divergence.field).toBe('console');
    const p = await cli('equiv', path.join(examples, 'pdp10-vmm.s'), '--isa', 'pdp10', '--vmm', 'full');
    expect(p.code).toBe(1);
    expect(p.out).toMatch(/^not equivalent: .* differ first in console/);
    expect((await cli('equiv', path.join(examples, 'pdp10-vmm.s'), '--isa', 'pdp10', '--vmm', 'hybrid')).code).toBe(0);
  });

  it('--lockstep names the instruction and its source line', async () => {
    const r = await cli('equiv', path.join(examples, 'pdp10-vmm.s'), '--isa', 'pdp10', '--lockstep', '--json');
    const j = JSON.parse(r.out);
    expect(j.lockstep).toMatchObject({ field: 'psw.mode', line: 22 });
    const t = await cli('equiv', path.join(examples, 'pdp10-vmm.s'), '--isa', 'pdp10', '--lockstep');
    expect(t.out).toMatch(/lockstep: the states first differ after step \d+, the instruction at P = \d+ \(address \d+, .*pdp10-vmm\.s:22\)/);
  });

  it('equal at a step limit too', async () => {
    const r = await cli('equiv', f('loop.s'), '--max-steps', '1000', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).virtual.status).toBe('limit');
  });

  it.each([
    ['--depth 0', ['--depth', '0'], /--depth must be an integer from 1 to 8/],
    ['--depth 9', ['--depth', '9'], /--depth must be an integer from 1 to 8/],
    ['an unknown --vmm', ['--vmm', 'para'], /--vmm must be full or hybrid/],
    ['--mem too large for the depth', ['--mem', '1048576', '--depth', '2'], /needs 1048608 words of real memory/],
  ])('exit 2 on %s', async (_, extra, msg) => {
    const r = await cli('equiv', f('sum.s'), ...extra);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.out).toBe('');
  });

  it('exit 2 when the program does not fit the VM', async () => {
    const r = await cli('equiv', f('far.s'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/needs 20001 words .* VM's size, --mem/);
  });
});

describe('pglab run --vmm', () => {
  it('runs the guest under N monitors and prints the §10 object with the per-level stats', async () => {
    const r = await cli('run', f('sum.s'), '--vmm', 'hybrid', '--depth', '2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.console).toBe('55');
    expect(j.psw).toEqual({ mode: 's', pc: 24, l: 0, b: 16384 }); // HALT at 16 + 7 leaves P after it
    expect(j.stats.levels).toHaveLength(2);
    expect(j.stats.direct + j.stats.trapped + j.stats.interpreted).toBe(j.steps);
  });

  it('exit 3 at the step limit, with the guest summary on stderr', async () => {
    const r = await cli('run', f('loop.s'), '--vmm', 'full', '--max-steps', '500');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/step limit reached after 500 steps in a full VM of 16384 words at depth 1/);
  });
});

describe('--time real|virtual (§11)', () => {
  const timer = path.join(examples, 'timer.s');

  it('equiv: a kernel preempting a user loop with the timer is equivalent under virtual time (the default)', async () => {
    for (const extra of [[], ['--time', 'virtual'], ['--time=virtual', '--vmm', 'hybrid', '--depth', '3']]) {
      const r = await cli('equiv', timer, ...extra);
      expect(r.code, extra.join(' ')).toBe(0);
      expect(r.out).toMatch(/^equivalent/);
    }
  });

  it('equiv --time real: the guest sees the real clock and timer, and the console differs', async () => {
    const r = await cli('equiv', timer, '--time', 'real', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.equivalent).toBe(false);
    expect(j.divergence.field).toBe('console');
    expect(j.native.console).toBe('A:50 B:1098 A:98 B:1194 A:147 B:1292 \n');
  });

  it('run --vmm … --time real runs; --time without a monitor and a bad value are bad input', async () => {
    const ok = await cli('run', timer, '--vmm', 'full', '--time', 'real');
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/\(real time\)/);
    const bare = await cli('run', timer, '--time', 'real');
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/--time needs --vmm/);
    const bad = await cli('equiv', timer, '--time', 'wall');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--time must be real or virtual/);
  });

  it('the help of run and equiv lists --time', async () => {
    for (const c of ['run', 'equiv']) expect((await cli(c, '--help')).out).toMatch(/--time real\|virtual/);
  });
});

describe('resource control in the CLI (§8)', () => {
  beforeAll(() => {
    writeFileSync(f('escape.s'), ESCAPE);
    writeFileSync(f('setr-open.json'), '{"name": "setr-open", "base": "pg1", "variants": {"SETR": "open"}}');
  });
  const breach = { kind: 'access', step: 6, access: 'store', address: 12, level: 1 };

  it('run --json: the first access outside the allocation, as resourceControl', async () => {
    const r = await cli('run', f('escape.s'), '--isa', f('setr-open.json'), '--vmm', 'full', '--mem', '1024', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).resourceControl).toEqual(breach);
  });

  it('run (text): one stderr line says it', async () => {
    const r = await cli('run', f('escape.s'), '--isa', f('setr-open.json'), '--vmm', 'full', '--mem', '1024');
    expect(r.err).toMatch(/^resource control broken: at guest step 6 the guest stored to real address 12, outside its allocation/m);
  });

  it('equiv --json: under the virtual side; a run that keeps resource control prints only the §10 keys', async () => {
    const r = await cli('equiv', f('escape.s'), '--isa', f('setr-open.json'), '--mem', '1024', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.virtual.resourceControl).toEqual(breach);
    expect(j.native.resourceControl).toBeUndefined();
    const ok = JSON.parse((await cli('run', f('sum.s'), '--vmm', 'full', '--json')).out);
    expect(Object.keys(ok)).toEqual(['status', 'steps', 'console', 'psw', 'regs', 'stats']);
    const withProps = JSON.parse((await cli('run', f('sum.s'), '--vmm', 'full', '--json', '--properties')).out);
    expect(Object.keys(withProps)).toEqual(['status', 'steps', 'console', 'psw', 'regs', 'stats', 'properties']);
    expect(withProps.properties.resourceControl).toEqual({ kept: true, breach: null });
  });

  it('--json --properties has the three VMM properties: resource control names the breach, equivalence the divergence', async () => {
    const r = await cli('run', f('escape.s'), '--isa', f('setr-open.json'), '--vmm', 'full', '--mem', '1024', '--json', '--properties');
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['status', 'steps', 'console', 'psw', 'regs', 'stats', 'resourceControl', 'properties']);
    expect(j.properties.resourceControl).toEqual({ kept: false, breach });
    expect(j.properties.efficiency.direct + j.properties.efficiency.trapped + j.properties.efficiency.interpreted).toBe(j.steps);
    expect(j.properties.efficiency.ratio).toBe(j.stats.direct / j.steps);
    const e = JSON.parse((await cli('equiv', f('escape.s'), '--isa', f('setr-open.json'), '--mem', '1024', '--json', '--lockstep', '--properties')).out);
    expect(e.properties.equivalence).toMatchObject({ checked: true, equivalent: false, divergence: { field: e.divergence.field, step: e.lockstep.step } });
    // A bare run has no monitor, so no properties: exactly the §10 keys.
    const bare = JSON.parse((await cli('run', f('sum.s'), '--json')).out);
    expect(Object.keys(bare)).toEqual(['status', 'steps', 'console', 'psw', 'regs', 'stats']);
  });
});
