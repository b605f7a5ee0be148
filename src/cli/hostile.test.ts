/**
 * Hostile input through the CLI (issue 11): every case ends with the right result for valid input, or exit 2 and
 * a plain message — never "internal error", never a stack trace, never a hang or unbounded memory.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { cli, tempDir } from './testio';
import { MAX_INPUT_BYTES } from './options';

const f = tempDir('pglab-hostile-');

const plain = (err: string): void => {
  expect(err).not.toMatch(/internal error|RangeError|Maximum call stack|\n\s+at /);
};

describe('hostile input', () => {
  it('a 3000-deep chain of .equ assembles and runs (iterative evaluation)', async () => {
    const lines = ['.equ a0, 1'];
    for (let i = 1; i < 3000; i++) lines.push(`.equ a${i}, a${i - 1}+1`);
    lines.push('start: LI r1, a2999', 'HALT');
    writeFileSync(f('deep.s'), lines.join('\n') + '\n');
    const r = await cli('run', f('deep.s'), '--json');
    plain(r.err);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).regs[1]).toBe(3000);
    // Declared in reverse order (each .equ names one further down), and 100,000 deep: the same.
    const rev = ['start: LI r1, b0', 'HALT'];
    for (let i = 0; i < 100_000; i++) rev.push(`.equ b${i}, b${i + 1}`);
    rev.push('.equ b100000, 7');
    writeFileSync(f('rev.s'), rev.join('\n') + '\n');
    const r2 = await cli('run', f('rev.s'), '--json');
    plain(r2.err);
    expect(r2.code).toBe(0);
    expect(JSON.parse(r2.out).regs[1]).toBe(7);
  });

  it('a 3000-deep circular chain of .equ is a plain error, exit 2', async () => {
    const lines = ['.equ c0, c2999'];
    for (let i = 1; i < 3000; i++) lines.push(`.equ c${i}, c${i - 1}`);
    lines.push('HALT');
    writeFileSync(f('circ.s'), lines.join('\n') + '\n');
    const r = await cli('asm', f('circ.s'));
    plain(r.err);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/circ\.s:\d+:\d+: circular \.equ/);
  });

  it('options named like JavaScript properties are unknown options, exit 2', async () => {
    writeFileSync(f('ok.s'), 'HALT\n');
    for (const [opt, val] of [
      ['--toString', '5'],
      ['--__proto__', '1'],
      ['--constructor', 'x'],
      ['--hasOwnProperty', '1'],
      ['--valueOf', '1'],
    ]) {
      for (const cmd of ['run', 'equiv', 'check', 'asm']) {
        const args = cmd === 'check' ? [cmd, opt, val] : [cmd, f('ok.s'), opt, val];
        const r = await cli(...args);
        expect(r.code, `${cmd} ${opt}`).toBe(2);
        expect(r.err, `${cmd} ${opt}`).toMatch(new RegExp(`unknown option '${opt}'`));
        plain(r.err);
      }
    }
  });

  it('effect-language errors never print native code: hints come from own-property tables only', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const isa = { name: 'h', base: 'pg1', instructions: [{ mnemonic: 'H', opcode: 48, operands: 'ra', effect: `ra = ${name};` }] };
      writeFileSync(f('h.json'), JSON.stringify(isa));
      const r = await cli('check', '--isa', f('h.json'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`unknown name '${name}'`));
      expect(r.err).not.toMatch(/native code|function /);
    }
  });

  it('undefined-label hints take linear-ish time: 5000 labels and 5000 undefined names well under 1 s', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`label_${i}: NOP`);
    for (let i = 0; i < 5000; i++) lines.push(`  JMP lable_${i}`);
    writeFileSync(f('many.s'), lines.join('\n') + '\n');
    const t = performance.now();
    const r = await cli('asm', f('many.s'));
    const ms = performance.now() - t;
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(5000);
    // The hints are still there, and right.
    expect(r.err).toMatch(/many\.s:5001:\d+: undefined label 'lable_0' \(did you mean label_0\?\)/);
    expect(r.err).toMatch(/undefined label 'lable_4999' \(did you mean label_4999\?\)/);
    // Quadratic hints took 12-24 s here; linear ones take ~0.4 s. The bound leaves room for a loaded machine.
    expect(ms).toBeLessThan(4000);
  });

  it('pglab asm /dev/zero and a huge file stop with "input too large", exit 2, without reading it all', async () => {
    if (existsSync('/dev/zero')) {
      const r = await cli('asm', '/dev/zero');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/\/dev\/zero: input too large \(the limit is 8388608 bytes/);
    }
    const big = f('big.s');
    writeFileSync(big, 'NOP\n'.repeat(MAX_INPUT_BYTES / 4 + 1));
    for (const cmd of ['asm', 'run', 'disasm']) {
      const r = await cli(cmd, big);
      expect(r.code, cmd).toBe(2);
      expect(r.err, cmd).toMatch(/input too large/);
    }
    writeFileSync(f('big.json'), ' '.repeat(MAX_INPUT_BYTES + 10) + '{}');
    const r = await cli('check', '--isa', f('big.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/input too large/);
  });

  it('deeply nested JSON in an ISA file is a plain error with its place, exit 2', async () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ]) {
      writeFileSync(f('nest.json'), `{"name": "n", "instructions": ${open.repeat(100_000)}1${close.repeat(100_000)}}`);
      const r = await cli('check', '--isa', f('nest.json'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/nest\.json:1:\d+: .*nested too deeply/);
      plain(r.err);
    }
  });
});
