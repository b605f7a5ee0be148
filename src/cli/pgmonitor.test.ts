import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, LOOP_S, SUM_S, tempDir } from './testio';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FULL = path.join(root, 'monitors/full.s');
const f = tempDir('pglab-pgmon-', {
  'sum.s': SUM_S,
  'loop.s': LOOP_S,
  'nolabel.s': '.org 16\nstart: HALT\nguest_entry: .word 0\nguest:\n',
  'broken.s': '.org 16\nstart: HALT\n  LD r1, [r99]\nguest:\n',
  // The image reaches past `guest`: line 4 emits the word at guest.
  'long.s': '.org 16\nstart: HALT\nvpsw: .word 0, 0, 0, 0\nguest: guest_entry: .word 0\n',
  'mon.S': readFileSync(FULL, 'utf8'),
});

describe('--vmm PATH.s: a monitor written in PG/1 (§8.1)', () => {
  it('run --json: the guest state and the §8.1 stats', async () => {
    const r = await cli('run', f('sum.s'), '--vmm', FULL, '--depth', '2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['status', 'steps', 'console', 'psw', 'regs', 'stats']);
    expect(j.status).toBe('halted');
    expect(j.console).toBe('55');
    expect(j.psw).toEqual({ mode: 's', pc: 24, l: 0, b: 16384 }); // P after the HALT at 23
    expect(j.regs[1]).toBe(55);
    expect(Object.keys(j.stats)).toEqual(['real', 'levels', 'guest']);
    expect(j.stats.levels.length).toBe(2);
    const bare = JSON.parse((await cli('run', f('sum.s'), '--mem', '16384', '--json')).out);
    expect(j.stats.guest.instructions).toBe(bare.steps);
    expect(j.stats.real.steps).toBe(j.steps);
    expect(j.stats.levels[0].instructions + j.stats.levels[1].instructions + j.stats.guest.instructions).toBe(j.steps);
  });

  it('run without --json: console on stdout, summary on stderr; any path ending in .s', async () => {
    const r = await cli('run', f('sum.s'), '--vmm', f('mon.S'), '--depth', '3', '--mem', '1024');
    expect(r.code).toBe(0);
    expect(r.out).toBe('55');
    expect(r.err).toMatch(/^halted after \d+ real steps in a VM of 1024 words under .*mon\.S at depth 3: real \d+ steps, \d+ traps; instructions by level: level 1 \d+, level 2 \d+, level 3 \d+, guest 35\n$/);
  });

  it('equiv: exit 0 when equivalent, 1 when not; JSON shape', async () => {
    const r = await cli('equiv', f('sum.s'), '--vmm', FULL, '--depth', '3', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.equivalent).toBe(true);
    expect(j.divergence).toBe(null);
    expect(Object.keys(j.virtual.stats)).toEqual(['real', 'levels', 'guest']);
    const x = await cli('equiv', path.join(root, 'examples/x86-getr.s'), '--isa', 'x86', '--vmm', FULL);
    expect(x.code).toBe(1);
    expect(x.out).toMatch(/^not equivalent: .* differ first in console/);
  });

  it('a step limit counts real steps: exit 3', async () => {
    const r = await cli('run', f('loop.s'), '--vmm', FULL, '--max-steps', '5000');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^step limit reached after 5000 real steps/);
  });

  it('default step limits: §4\'s 10,000,000 bare and under the built-in monitors; 10,000,000 × 3^(N−1) real steps for a PG/1 tower', async () => {
    const steps = async (...args: string[]) => {
      const r = await cli('run', f('loop.s'), ...args, '--json');
      expect(r.code).toBe(3);
      return JSON.parse(r.out).steps as number;
    };
    expect(await steps()).toBe(10_000_000);
    expect(await steps('--vmm', 'full', '--depth', '2')).toBe(10_000_000);
    expect(await steps('--vmm', 'hybrid')).toBe(10_000_000);
    expect(await steps('--vmm', FULL)).toBe(10_000_000);
    expect(await steps('--vmm', FULL, '--depth', '2')).toBe(30_000_000);
    expect(await steps('--vmm', FULL, '--depth', '2', '--max-steps', '12345')).toBe(12_345);
    // Needs about 21.6 M real steps at depth 3 (hybrid.s interprets an interpreter interpreting the kernel):
    // past a flat 10,000,000, inside 90,000,000. The bare run keeps its own default.
    const e = await cli('equiv', path.join(root, 'examples/pdp10-retu.s'), '--isa', 'pdp10', '--vmm', path.join(root, 'monitors/hybrid.s'), '--depth', '3', '--json');
    expect(e.code).toBe(0);
    const j = JSON.parse(e.out);
    expect(j.virtual.steps).toBeGreaterThan(10_000_000);
    expect(j.native.status).toBe('halted');
  });

  it('--depth may exceed the built-in limit of 8 while memory fits', async () => {
    const r = await cli('run', f('sum.s'), '--vmm', FULL, '--depth', '9', '--mem', '64', '--max-steps', '1000', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out).stats.levels.length).toBe(9);
    expect((await cli('run', f('sum.s'), '--vmm', 'full', '--depth', '9')).err).toMatch(/--depth must be an integer from 1 to 8/);
  });

  it('errors: exit 2, FILE:LINE:COL for the monitor, a plain message for memory', async () => {
    const nolabel = await cli('run', f('sum.s'), '--vmm', f('nolabel.s'));
    expect(nolabel.code).toBe(2);
    expect(nolabel.err).toBe(`${f('nolabel.s')}:1:1: monitor ABI: label 'vpsw' is not defined\n`);
    const broken = await cli('equiv', f('sum.s'), '--vmm', f('broken.s'));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(new RegExp(`^${f('broken.s').replace(/[.\\/]/g, '\\$&')}:3:\\d+: `));
    const long = await cli('run', f('sum.s'), '--vmm', f('long.s'));
    expect(long.code).toBe(2);
    expect(long.err).toMatch(/long\.s:4:1: monitor ABI: the monitor's image must end below 'guest'/);
    const big = await cli('run', f('sum.s'), '--vmm', FULL, '--depth', '3', '--mem', '1048576');
    expect(big.code).toBe(2);
    expect(big.err).toMatch(/^pglab: a VM of 1048576 words under 3 monitors .* more than the 1048576 the machine has/);
    const missing = await cli('run', f('sum.s'), '--vmm', f('none.s'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*none\.s: no such file/);
    expect((await cli('run', f('sum.s'), '--vmm', FULL, '--depth', '0')).err).toMatch(/--depth must be a positive integer, got '0'/);
    expect((await cli('equiv', f('sum.s'), '--vmm', FULL, '--lockstep')).code).toBe(2);
  });
});
