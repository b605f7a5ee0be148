import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, tempDir } from './testio';

const f = tempDir('pglab-check-', {
  'mine.json': JSON.stringify({
    name: 'mine',
    base: 'pg1',
    instructions: [{ mnemonic: 'SMSW', opcode: 48, operands: 'ra', privileged: false, effect: 'ra = M;' }],
  }),
  'broken.json': '{"name": "x",\n "base": "nope"}',
  'typo.json': '{"instructions": [{"mnemonic": "X", "opcode": 64, "operands": "ra", "effect": "ra = (1 +;"}]}',
  'smsw.s': '; isa: mine.json\n        GETMODE r2\n        SMSW r1\n        HALT\n',
});

describe('pglab check', () => {
  it('prints the §10 object with --json, exit 0', async () => {
    const r = await cli('check', '--isa', 'x86', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.isa).toBe('x86');
    const keys = ['mnemonic', 'privileged', 'controlSensitive', 'modeSensitive', 'locationSensitive', 'behaviourSensitive', 'userSensitive', 'innocuous', 'unresolved', 'witness'];
    for (const i of j.instructions) for (const k of keys) expect(i).toHaveProperty(k);
    expect(j.theorem1).toMatchObject({ holds: false, violators: ['SETR', 'GETMODE', 'GETR'], unresolved: [] });
    expect(j.theorem2).toMatchObject({ holds: false, unresolved: [] });
    // §7: SETR is user-nop on x86, judged as it is: control sensitive from supervisor mode, not user sensitive.
    expect(j.theorem3).toMatchObject({ holds: false, violators: ['GETR'], unresolved: [] });
    const setr = j.instructions.find((i: { mnemonic: string }) => i.mnemonic === 'SETR');
    expect(setr).toMatchObject({ privileged: false, controlSensitive: true, userSensitive: false, unresolved: false });
    for (const i of j.instructions) expect(i.unresolved).toBe(false);
    const gm = j.instructions.find((i: { mnemonic: string }) => i.mnemonic === 'GETMODE');
    expect(gm.witness).toMatch(/mode sensitive/);
    expect(gm.witnesses.modeSensitive.states).toHaveLength(2);
  });

  it('prints a readable table by default, pg1 when no --isa', async () => {
    const r = await cli('check');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ISA pg1:/);
    expect(r.out).toMatch(/\nGETMODE +yes +- +yes +- +yes +- +-\n/);
    expect(r.out).toMatch(/Theorem 1: condition holds \(proved\)/);
    expect(r.out).toMatch(/sufficient condition, not "if and only if"/);
  });

  it('loads user instructions from an ISA file, in check and in run', async () => {
    const r = await cli('check', '--isa', f('mine.json'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.isa).toBe('mine');
    expect(j.theorem1.violators).toEqual(['SMSW']);
    const run = await cli('run', f('smsw.s'), '--isa', f('mine.json'), '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).regs.slice(1, 3)).toEqual([0, 0]);
  });

  it('writes counterexample programs with --programs, and they diverge under pglab equiv', async () => {
    const out = f('progs');
    const r = await cli('check', '--isa', 'pdp10', '--programs', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Theorem 1, RETU \(full monitor\): wrote .*theorem1-RETU\.s/);
    expect(readdirSync(out)).toEqual(['theorem1-RETU.s']);
    const prog = path.join(out, 'theorem1-RETU.s');
    expect(readFileSync(prog, 'utf8')).toMatch(/^; isa: pdp10\n; Counterexample for Theorem 1/);
    const e = await cli('equiv', prog, '--isa', 'pdp10', '--vmm', 'full', '--mem', '64', '--json');
    expect(e.code).toBe(1);
    expect(JSON.parse(e.out).equivalent).toBe(false);
    const h = await cli('equiv', prog, '--isa', 'pdp10', '--vmm', 'hybrid', '--mem', '64');
    expect(h.code).toBe(0);
  });

  it('lists counterexamples in the JSON too', async () => {
    const r = await cli('check', '--isa', 'lra', '--json', '--programs', f('lra'));
    const j = JSON.parse(r.out);
    expect(j.counterexamples.map((c: { theorem: number; mnemonic: string }) => `${c.theorem}:${c.mnemonic}`)).toEqual(['1:LRA', '3:LRA']);
    expect(j.counterexamples[0].file).toMatch(/theorem1-LRA\.s$/);
  });

  it('bad input: exit 2 with FILE:LINE:COL messages', async () => {
    const r = await cli('check', '--isa', f('broken.json'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f('broken.json')}:2:10: unknown base preset "nope"`);
    const t = await cli('check', '--isa', f('typo.json'));
    expect(t.code).toBe(2);
    const col = readFileSync(f('typo.json'), 'utf8').indexOf('+;') + 2;
    expect(t.err).toContain(`typo.json:1:${col}: instruction X: effect, line 1 column 10: expected a value`);
    expect((await cli('check', '--isa', 'vax')).code).toBe(2);
    expect((await cli('check', 'file.s')).code).toBe(2);
  });
});
