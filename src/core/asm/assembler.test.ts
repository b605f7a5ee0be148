import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble, type AsmResult } from './assembler';
import { makeIsa, presetIsa, type UserInstrDef } from '../isa/isa';
import { encode } from '../isa/table';

const pg1 = presetIsa('pg1');
const op = (m: string): number => pg1.byMnemonic.get(m)!.op;

function words(r: AsmResult): number[] {
  return r.image.words.map(([, w]) => w);
}
function ok(src: string): AsmResult {
  const r = assemble(src);
  expect(r.errors).toEqual([]);
  expect(r.ok).toBe(true);
  return r;
}
/** The single error of a source, as [line, col, endCol, message]. */
function oneError(src: string): [number, number, number, string] {
  const r = assemble(src);
  expect(r.ok).toBe(false);
  expect(r.errors).toHaveLength(1);
  const e = r.errors[0];
  return [e.line, e.col, e.endCol, e.message];
}

describe('instructions', () => {
  it('encodes every operand kind at the default origin 16', () => {
    const r = ok(['NOP', 'LI r1, -2', 'LUI r2, 0xFFFF', 'MOV r3, r4', 'LD r1, [r2+3]', 'ST r5, [r6-1]', 'JEQ r1, r2, 7', 'SVC 9'].join('\n'));
    expect(r.image.words.map(([a]) => a)).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
    expect(words(r)).toEqual([
      encode(op('NOP'), 0, 0, 0),
      encode(op('LI'), 1, 0, -2),
      encode(op('LUI'), 2, 0, 0xffff),
      encode(op('MOV'), 3, 4, 0),
      encode(op('LD'), 1, 2, 3),
      encode(op('ST'), 5, 6, -1),
      encode(op('JEQ'), 1, 2, 7),
      encode(op('SVC'), 0, 0, 9),
    ]);
    expect(r.size).toBe(24);
  });

  it('takes mnemonics and registers in any case', () => {
    expect(words(ok('addi R2, 1\nAdDi r2, 1'))).toEqual([encode(op('ADDI'), 2, 0, 1), encode(op('ADDI'), 2, 0, 1)]);
  });

  it('writes memory operands as [rb], [rb+v], [rb-v] and [v]', () => {
    const r = ok('.equ K, 5\nLD r1, [r2]\nLD r1, [r2+K]\nLD r1, [r2-K]\nLD r1, [40]\nLD r1, [-3]\nLPSW [r3+K+1]\nLD r1, [r2+-1]');
    expect(words(r)).toEqual([
      encode(op('LD'), 1, 2, 0),
      encode(op('LD'), 1, 2, 5),
      encode(op('LD'), 1, 2, -5),
      encode(op('LD'), 1, 0, 40),
      encode(op('LD'), 1, 0, -3),
      encode(op('LPSW'), 0, 3, 6),
      encode(op('LD'), 1, 2, -1),
    ]);
  });

  it('accepts the whole range of each immediate kind and no more', () => {
    expect(words(ok('LI r1, -32768\nLI r1, 32767\nORI r1, 65535\nJMP 0'))).toEqual([
      encode(op('LI'), 1, 0, -32768),
      encode(op('LI'), 1, 0, 32767),
      encode(op('ORI'), 1, 0, 65535),
      encode(op('JMP'), 0, 0, 0),
    ]);
    expect(oneError('LI r1, 32768')).toEqual([1, 8, 13, 'immediate 32768 out of range -32768..32767']);
    expect(oneError('ORI r1, 70000')).toEqual([1, 9, 14, 'immediate 70000 out of range 0..65535']);
    expect(oneError('JMP -1')[3]).toBe('jump target -1 out of range 0..65535');
    expect(oneError('LD r1, [r2+40000]')[3]).toBe('offset 40000 out of range -32768..32767');
  });
});

describe('values', () => {
  it('reads decimal, negative, hex, binary and character values', () => {
    const r = ok(".word 10, -10, 0x1F, 0XfF, 0b101, 'a', '\\n', '\\t', '\\0', '\\\\', '\\'', ';'");
    expect(words(r)).toEqual([10, -10, 31, 255, 5, 97, 10, 9, 0, 92, 39, 59]);
  });

  it('resolves labels, .equ names, name+n, name-n and forward references', () => {
    const r = ok(['start: JMP end', '.equ TWO, 2', '.equ SIX, TWO+4', '.word end, end+1, end-TWO, SIX', 'end: HALT'].join('\n'));
    expect(r.symbols.get('end')).toBe(21);
    expect(r.symbols.get('SIX')).toBe(6);
    expect(words(r)).toEqual([encode(op('JMP'), 0, 0, 21), 21, 22, 19, 6, encode(op('HALT'), 0, 0, 0)]);
  });

  it('lets .equ refer to a later label', () => {
    const r = ok('.equ AFTER, here+1\nLI r1, AFTER\nhere: HALT');
    expect(words(r)[0]).toBe(encode(op('LI'), 1, 0, 18));
  });

  it('keeps labels case-sensitive', () => {
    const r = ok('Loop: NOP\nloop: NOP\nJMP Loop\nJMP loop');
    expect(words(r).slice(2)).toEqual([encode(op('JMP'), 0, 0, 16), encode(op('JMP'), 0, 0, 17)]);
    expect(oneError('Loop: NOP\nJMP LOOP')).toEqual([2, 5, 9, "undefined label 'LOOP' (did you mean Loop?)"]);
  });
});

describe('labels', () => {
  it('may share a line with a statement, stand alone, or stack', () => {
    const r = ok('a:\nb: c: ADDI r2, 1\n  d:   ; comment\nHALT');
    expect(r.symbols.get('a')).toBe(16);
    expect(r.symbols.get('b')).toBe(16);
    expect(r.symbols.get('c')).toBe(16);
    expect(r.symbols.get('d')).toBe(17);
  });

  it('sets the entry to start, else to the first emitted word', () => {
    expect(ok('.org 40\nNOP\nstart: HALT').image.entry).toBe(41);
    expect(ok('.org 40\nNOP\n.org 30\nHALT').image.entry).toBe(40);
    expect(ok('; nothing').image.entry).toBe(16);
    expect(ok('; nothing').size).toBe(0);
  });
});

describe('directives', () => {
  it('.org moves the location counter, forwards or back', () => {
    const r = ok('.org 100\nNOP\n.org 0x20\nHALT');
    expect(r.image.words.map(([a]) => a)).toEqual([32, 100]);
    expect(r.size).toBe(101);
  });

  it('.word takes any 32-bit value', () => {
    expect(words(ok('.word -2147483648, 4294967295, 0x80000000'))).toEqual([-2147483648, -1, -2147483648]);
    expect(oneError('.word 4294967296')).toEqual([1, 7, 17, 'value 4294967296 out of range -2147483648..4294967295']);
    expect(oneError('.word -2147483649')[3]).toBe('value -2147483649 out of range -2147483648..4294967295');
  });

  it('.string stores one character a word, then 0, with escapes', () => {
    expect(words(ok('.string "a\\"b\\n; c"'))).toEqual([97, 34, 98, 10, 59, 32, 99, 0]);
    expect(words(ok('.string ""'))).toEqual([0]);
  });

  it('.zero reserves zero words', () => {
    const r = ok('.zero 3\nx: HALT\n.zero 0');
    expect(r.image.words).toEqual([[16, 0], [17, 0], [18, 0], [19, encode(op('HALT'), 0, 0, 0)]]);
    expect(r.symbols.get('x')).toBe(19);
  });

  it('directives are case-insensitive', () => {
    expect(words(ok('.WORD 1\n.Zero 1'))).toEqual([1, 0]);
  });

  it('maps lines and addresses both ways', () => {
    const r = ok('; c\nLI r1, 1\n.word 7, 8\nlab:\n.zero 0\nHALT');
    expect([...r.lineOfAddr]).toEqual([[16, 2], [17, 3], [18, 3], [19, 6]]);
    expect([...r.addrOfLine]).toEqual([[2, 16], [3, 17], [6, 19]]);
  });
});

describe('errors', () => {
  const cases: Array<[string, string, [number, number, number, string]]> = [
    ['unknown mnemonic, with a suggestion', 'NOP\n  ADDD r1, r2', [2, 3, 7, "unknown mnemonic 'ADDD' (did you mean ADD?)"]],
    ['unknown mnemonic, no suggestion', 'FROBNICATE', [1, 1, 11, "unknown mnemonic 'FROBNICATE'"]],
    ['unknown directive', '.wrod 1', [1, 1, 6, "unknown directive '.wrod' (did you mean .word?)"]],
    ['too few operands', 'ADDI r1', [1, 1, 5, 'ADDI takes 2 operands (ADDI ra, simm), got 1']],
    ['too many operands', 'HALT r1', [1, 6, 8, 'HALT takes no operands, got 1']],
    ['register expected', 'ADD r1, 5', [1, 9, 10, 'expected a register (r0..r15), got the number 5']],
    ['no such register', 'MOV r1, r16', [1, 9, 12, 'no register r16: registers are r0..r15']],
    ['value expected', 'LI r1, r2', [1, 8, 10, 'expected a value (number, character or label), got register r2']],
    ['memory expected', 'LD r1, r2', [1, 8, 10, 'expected a memory operand like [r2+1], got \'r2\'']],
    ['unclosed memory operand', 'LD r1, [r2+1', [1, 8, 13, "expected ']' to close the memory operand"]],
    ['bad memory operand', 'LD r1, [r2 r3]', [1, 12, 14, "expected '+' or '-' after r2, got 'r3'"]],
    ['missing operand', 'ADD r1,, r2', [1, 8, 9, 'missing operand']],
    ['undefined label', 'JMP nowhere', [1, 5, 12, "undefined label 'nowhere'"]],
    ['duplicate label', 'x: NOP\n x: NOP', [2, 2, 3, "duplicate label 'x' (first defined on line 1)"]],
    ['duplicate .equ', 'x: NOP\n.equ x, 3', [2, 6, 7, "duplicate name 'x' (first defined on line 1)"]],
    ['label that is a register', 'R3: NOP', [1, 1, 3, "'R3' is a register and cannot be a label"]],
    ['label that is a mnemonic', 'add: NOP', [1, 1, 4, "'add' is a mnemonic and cannot be a label"]],
    ['.equ name that is a mnemonic', '.equ halt, 1', [1, 6, 10, "'halt' is a mnemonic and cannot be a label"]],
    ['bad number', 'LI r1, 12abc', [1, 8, 13, "bad number '12abc'"]],
    ['bad hex number', 'LI r1, 0x', [1, 8, 10, "bad number '0x'"]],
    ['bad binary number', 'LI r1, 0b102', [1, 8, 13, "bad number '0b102'"]],
    ['unterminated string', '.string "abc', [1, 9, 13, 'unterminated string']],
    ['unterminated character', "LI r1, 'a", [1, 8, 10, 'unterminated character literal']],
    ['empty character', "LI r1, ''", [1, 8, 10, 'empty character literal']],
    ['long character', "LI r1, 'ab'", [1, 8, 12, 'a character literal holds one character (use .string for text)']],
    ['bad escape', '.string "a\\q"', [1, 11, 13, "unknown escape '\\q' (use \\n \\t \\r \\0 \\\\ \\' \\\")"]],
    ['unexpected character', 'LI r1, 3 * 4', [1, 10, 11, "unexpected character '*'"]],
    ['trailing junk', 'LI r1, 3 4', [1, 10, 11, "unexpected '4'"]],
    ['dangling sign', 'LI r1, x+\nx: NOP', [1, 9, 10, "'+' must be followed by a value"]],
    ['.string without a string', '.string 5', [1, 9, 10, '.string takes a quoted string, got the number 5']],
    ['.equ without a value', '.equ X', [1, 1, 7, '.equ takes a name and a value: .equ NAME, v']],
    ['.org too far', '.org 1048576', [1, 6, 13, '.org address 1048576 out of range 0..1048575']],
    ['.org forward reference', '.org later\nlater: NOP', [1, 6, 11, ".org needs a value known at this point, but 'later' is defined later (line 2)"]],
    ['.zero negative', '.zero -1', [1, 7, 9, '.zero count -1 out of range 0..1048576']],
    ['circular .equ', '.equ A, A+1', [1, 6, 7, "circular .equ: 'A' depends on itself"]],
    ['statement where a label belongs', '5: NOP', [1, 1, 2, "expected a mnemonic, a directive or a label, got '5'"]],
    ['overlapping .org', 'NOP\nNOP\n.org 17\nHALT', [4, 1, 5, 'overlapping .org: address 17 is already used by line 2']],
    ['larger than any memory', '.org 1048575\nNOP\nNOP', [3, 1, 4, 'the program is larger than any memory: it reaches address 1048576, past 1048575']],
    ['.zero larger than any memory', '.zero 1048576', [1, 1, 14, 'the program is larger than any memory: it reaches address 1048591, past 1048575']],
  ];
  for (const [name, src, want] of cases) {
    it(name, () => expect(oneError(src)).toEqual(want));
  }

  it('reports all errors, sorted by line and column, and never throws', () => {
    const r = assemble('JMP a\nLI r1, b\n\nFOO\nLI r1, 99999\n.string "x');
    expect(r.errors.map((e) => [e.line, e.col])).toEqual([[1, 5], [2, 8], [4, 1], [5, 8], [6, 9]]);
  });

  it('an .org that is fine alone still overlaps a later statement', () => {
    const r = assemble('.org 20\n.word 1, 2, 3\n.org 18\n.zero 3');
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([[4, 'overlapping .org: address 20 is already used by line 2']]);
  });

  it('never throws on token soup, and every error points inside its line', () => {
    const piece = fc.constantFrom('LI', 'ld', 'JMP', '.org', '.word', '.zero', '.string', '.equ', 'r1', 'R15', 'r16', 'x', 'start',
      ':', ',', '[', ']', '+', '-', '0x1F', '12', '-3', '70000', "'a'", "'\\n'", '"hi"', '"', "'", ';', ' ', '\n', '\t', '*', '0b2');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (ps) => {
        const src = ps.join(' ');
        const r = assemble(src);
        const lines = src.split('\n');
        expect(r.ok).toBe(r.errors.length === 0);
        for (const e of r.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(lines.length);
          expect(e.col).toBeGreaterThanOrEqual(1);
          expect(e.endCol).toBeGreaterThan(e.col);
          expect(e.col).toBeLessThanOrEqual(lines[e.line - 1].length + 1);
        }
        const sorted = [...r.errors].sort((a, b) => a.line - b.line || a.col - b.col);
        expect(r.errors).toEqual(sorted);
      }),
      { numRuns: 2000 },
    );
  });

  it('survives arbitrary text', () => {
    for (const s of ['[', ']', ':', ',', '"', "'", '\\', 'LD [', 'LD r1, [', 'LD r1, []', '.equ', 'x: x: x:', '\u0000', '+']) {
      expect(() => assemble(s)).not.toThrow();
    }
  });
});

describe('user-defined instructions', () => {
  const smsw: UserInstrDef = {
    op: 0x30, mnemonic: 'SMSW', operands: ['ra'], doc: '', exec: '', privileged: false, slow: () => 0, effectSource: 'ra = M;',
  };
  const poke: UserInstrDef = {
    op: 0x31, mnemonic: 'POKE', operands: ['ra', 'imm'], doc: '', exec: '', privileged: true, slow: () => 0, effectSource: '',
  };
  const isa = makeIsa({ name: 'mine', extra: [smsw, poke] });

  it('assembles them from isa.byMnemonic, with imm taking -32768..65535', () => {
    const r = assemble('smsw r3\nPOKE r1, -32768\nPOKE r1, 65535', isa);
    expect(r.errors).toEqual([]);
    expect(words(r)).toEqual([encode(0x30, 3, 0, 0), encode(0x31, 1, 0, 0x8000), encode(0x31, 1, 0, 0xffff)]);
    expect(assemble('POKE r1, 65536', isa).errors[0].message).toBe('immediate 65536 out of range -32768..65535');
  });

  it('are unknown to an ISA without them, and reserved as label names in one with them', () => {
    expect(assemble('SMSW r3').errors[0].message).toMatch(/unknown mnemonic 'SMSW'/);
    expect(assemble('smsw: NOP', isa).errors[0].message).toBe("'smsw' is a mnemonic and cannot be a label");
  });
});
