import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { assemble } from '../core/asm/assembler';
import { cli, LOOP_S, SUM_S, tempDir } from './testio';

const f = tempDir('pglab-cli-', {
  'sum.s': SUM_S,
  'loop.s': LOOP_S,
  'echo.s': 'again: IN r1, 0\nLI r2, -1\nJEQ r1, r2, done\nOUT r1, 0\nJMP again\ndone: HALT\n',
  'bad.s': 'NOP\nADDD r1, r2\nJMP nowhere\n',
  'big.s': '.org 100\nHALT\n',
  'getmode.s': 'LPSW [p]\np: .word 1, 30, 0, 100\n.org 30\nGETMODE r1\nSVC 0\n',
  'trapper.s': 'ST r0, [8]\nLI r1, h\nST r1, [9]\nST r0, [10]\nLI r1, 1000\nST r1, [11]\nSVC 1\nh: HALT\n',
  'mine.json': JSON.stringify({ name: 'mine', base: 'pg1', variants: { GETMODE: 'open' } }),
  'broken.json': '{"name": "x", "base": "nope"}',
});

describe('pglab run', () => {
  it('prints the console on stdout and a summary on stderr, exit 0 when halted', async () => {
    const r = await cli('run', f('sum.s'));
    expect(r).toEqual({ code: 0, out: '55', err: 'halted after 35 steps\n' });
  });

  it('prints the §10 run object with --json', async () => {
    const r = await cli('run', f('sum.s'), '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j).toEqual({
      status: 'halted',
      steps: 35,
      console: '55',
      psw: { mode: 's', pc: 24, l: 0, b: 65536 },
      regs: [0, 55, 11, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      stats: { direct: 35, trapped: 0, interpreted: 0, levels: [] },
    });
  });

  it('counts traps, and takes --mem as q', async () => {
    const j = JSON.parse((await cli('run', f('trapper.s'), '--json', '--mem', '128')).out);
    expect(j.status).toBe('halted');
    expect(j.stats.trapped).toBe(1);
    expect(j.psw.b).toBe(1000);
    const k = JSON.parse((await cli('run', f('sum.s'), '--json', '--mem=64')).out);
    expect(k.psw.b).toBe(64);
  });

  it('stops at the step limit with exit 3', async () => {
    const r = await cli('run', f('loop.s'), '--max-steps', '1000');
    expect(r.code).toBe(3);
    expect(r.err).toBe('step limit reached after 1000 steps (--max-steps 1000)\n');
    const j = JSON.parse((await cli('run', f('loop.s'), '--max-steps', '50', '--json')).out);
    expect(j.status).toBe('limit');
    expect(j.steps).toBe(50);
  });

  it('feeds --input to the input port', async () => {
    expect((await cli('run', f('echo.s'), '--input', 'abc')).out).toBe('abc');
  });

  it('honours --isa presets and ISA files', async () => {
    // GETMODE from user mode: privileged on pg1 (a trap with an empty vector: the step limit), open on x86.
    expect((await cli('run', f('getmode.s'), '--max-steps', '100')).code).toBe(3);
    const x = JSON.parse((await cli('run', f('getmode.s'), '--isa', 'x86', '--json', '--max-steps', '100')).out);
    expect(x.regs[1]).toBe(1);
    const m = JSON.parse((await cli('run', f('getmode.s'), '--isa', f('mine.json'), '--json', '--max-steps', '100')).out);
    expect(m.regs[1]).toBe(1);
  });

  it('reports assembly errors as FILE:LINE:COL: message, all of them, exit 2', async () => {
    const r = await cli('run', f('bad.s'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`${f('bad.s')}:2:1: unknown mnemonic 'ADDD' (did you mean ADD?)\n${f('bad.s')}:3:5: undefined label 'nowhere'\n`);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['a missing file', ['run', '/no/such/file.s'], /^pglab: cannot read \/no\/such\/file\.s: no such file\n$/],
    ['no file', ['run'], /^pglab: 'pglab run' needs a FILE\.s\n$/],
    ['two files', ['run', 'a.s', 'b.s'], /takes one FILE\.s, got 2/],
    ['an unknown option', ['run', 'x.s', '--fast'], /^pglab: unknown option '--fast' for 'pglab run'\n$/],
    ['a misspelt option', ['run', 'x.s', '--jsno'], /unknown option '--jsno' for 'pglab run' \(did you mean --json\?\)/],
    ['an option without its value', ['run', 'x.s', '--mem'], /^pglab: option --mem needs a value\n$/],
    ['--mem too small', ['run', 'x.s', '--mem', '63'], /^pglab: --mem must be an integer from 64 to 1048576, got '63'\n$/],
    ['--mem too large', ['run', 'x.s', '--mem', '1048577'], /--mem must be an integer from 64 to 1048576/],
    ['--mem not a number', ['run', 'x.s', '--mem', 'lots'], /--mem must be an integer/],
    ['--max-steps zero', ['run', 'x.s', '--max-steps', '0'], /^pglab: --max-steps must be a positive integer, got '0'\n$/],
    ['--max-steps negative', ['run', 'x.s', '--max-steps=-5'], /--max-steps must be a positive integer, got '-5'/],
    ['--max-steps fractional', ['run', 'x.s', '--max-steps', '1.5'], /--max-steps must be a positive integer/],
    ['an unknown preset', ['run', 'x.s', '--isa', 'vax'], /^pglab: unknown ISA preset 'vax'; presets are pg1, pdp10, x86, lra, or give an ISA file F\.json\n$/],
    ['a missing ISA file', ['run', 'x.s', '--isa', '/no/isa.json'], /^pglab: cannot read \/no\/isa\.json: no such file\n$/],
    ['a bad --vmm', ['run', 'x.s', '--vmm', 'para'], /^pglab: --vmm must be full or hybrid or a monitor FILE\.s \(written in PG\/1\), got 'para'\n$/],
    ['a bad --depth', ['run', 'x.s', '--vmm', 'full', '--depth', '9'], /^pglab: --depth must be an integer from 1 to 8, got '9'\n$/],
    ['--depth without --vmm', ['run', 'x.s', '--depth', '2'], /^pglab: --depth needs --vmm \(full, hybrid or a monitor FILE\.s\)\n$/],
    ['an unknown command', ['rn', 'x.s'], /^pglab: unknown command 'rn' \(did you mean run\?\); commands are run, asm, disasm/],
    ['a flag with a value', ['run', 'x.s', '--json=yes'], /^pglab: option --json takes no value\n$/],
  ];
  for (const [what, argv, re] of bad) {
    it(`rejects ${what} with exit 2 and a plain message`, async () => {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(re);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }

  it('rejects a program larger than memory', async () => {
    const r = await cli('run', f('big.s'), '--mem', '64');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`pglab: ${f('big.s')}: the program needs 101 words of memory (it reaches address 100), but memory has 64 words (--mem)\n`);
  });

  it('reports a bad ISA file at its place', async () => {
    const r = await cli('run', f('sum.s'), '--isa', f('broken.json'));
    expect(r.code).toBe(2);
    expect(r.err.startsWith(`${f('broken.json')}:`)).toBe(true);
  });
});

describe('pglab asm and disasm', () => {
  it('lists address, word and source line', async () => {
    const r = await cli('asm', f('sum.s'));
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('  16  0x02100000  start: LI r1, 0');
    expect(lines[7]).toBe('  23  0x01000000  HALT');
  });

  it('lists every word of a multi-word line and shortens long runs', async () => {
    writeFileSync(f('data.s'), '; data\n.word 1, 2\nlab:\n.zero 100\n');
    const r = await cli('asm', f('data.s'));
    expect(r.out.split('\n').slice(0, 6)).toEqual([
      '                  ; data',
      '  16  0x00000001  .word 1, 2',
      '  17  0x00000002',
      '                  lab:',
      '  18  0x00000000  .zero 100',
      '  19  0x00000000',
    ]);
    expect(r.out).toMatch(/\.\.\. +\(93 more words, up to address 117\)/);
  });

  it('disassembles to source that assembles to the same image', async () => {
    const r = await cli('disasm', f('sum.s'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/JLT r2, r3, loop/);
    const a = assemble('start: LI r1, 0\nLI r2, 1\nLI r3, 11\nloop: ADD r1, r2\nADDI r2, 1\nJLT r2, r3, loop\nOUT r1, 1\nHALT\n');
    expect(assemble(r.out).image).toEqual(a.image);
  });

  it('fail with exit 2 on assembly errors and unknown options', async () => {
    expect((await cli('asm', f('bad.s'))).code).toBe(2);
    expect((await cli('disasm', f('bad.s'))).err).toMatch(/bad\.s:2:1: unknown mnemonic/);
    expect((await cli('asm', f('sum.s'), '--json')).err).toBe("pglab: unknown option '--json' for 'pglab asm'\n");
  });
});

describe('pglab', () => {
  it('prints help with --help (exit 0) and with no command (exit 2)', async () => {
    const h = await cli('--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/pglab run FILE\.s/);
    expect(h.out).toMatch(/pglab disasm FILE\.s/);
    expect((await cli()).code).toBe(2);
    const c = await cli('run', '--help');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/^usage: pglab run FILE\.s/);
  });
});
