import { describe, expect, it } from 'vitest';
import { parseIsaFile, formatIsaErrors } from './isafile';
import { isUser } from './isa';
import { Machine } from '../machine/machine';
import { encode } from './table';

const ok = (text: string) => {
  const r = parseIsaFile(text);
  if (!r.ok) throw new Error(formatIsaErrors('t.json', r.errors));
  return r.isa;
};
const bad = (text: string) => {
  const r = parseIsaFile(text);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
};

describe('ISA files', () => {
  it('loads the example of §10 and the instruction runs on the machine', () => {
    const isa = ok('{"name": "mine", "base": "pg1", "variants": {"GETMODE": "open"},\n "instructions": [{"mnemonic": "SMSW", "opcode": 48, "operands": "ra", "privileged": false, "effect": "ra = M;"}]}');
    expect(isa.name).toBe('mine');
    expect(isa.variants.GETMODE).toBe('open');
    const d = isa.byMnemonic.get('SMSW')!;
    expect(isUser(d) && d.operands).toEqual(['ra']);
    const m = new Machine({ q: 64, isa });
    m.boot({ words: [[16, encode(48, 3, 0, 0)]], entry: 16 });
    m.mode = 1;
    m.run(1);
    expect(m.regs[3]).toBe(1);
    expect(m.pc).toBe(17);
  });
  it('maps every operand shape', () => {
    const shapes: Record<string, string[]> = {
      '': [], ra: ['ra'], 'ra,rb': ['ra', 'rb'], 'ra,imm': ['ra', 'imm'], imm: ['imm'],
      'ra,[rb+imm]': ['ra', 'mem'], '[rb+imm]': ['mem'], 'ra, rb, imm': ['ra', 'rb', 'imm'],
    };
    const ins = Object.keys(shapes).map((s, i) => ({ mnemonic: `X${i}`, opcode: 0x40 + i, operands: s, privileged: false, effect: '' }));
    const isa = ok(JSON.stringify({ instructions: ins }));
    Object.values(shapes).forEach((kinds, i) => expect(isa.byMnemonic.get(`X${i}`)!.operands).toEqual(kinds));
  });
  it('a privileged instruction traps in user mode before its effect', () => {
    const isa = ok('{"instructions": [{"mnemonic": "ZAP", "opcode": 49, "operands": "ra", "privileged": true, "effect": "ra = 7;"}]}');
    const m = new Machine({ q: 64, isa });
    m.boot({ words: [[16, encode(49, 1, 0, 0)]], entry: 16 });
    m.mode = 1;
    m.run(1);
    expect(m.mem[4]).toBe(1);
    expect(m.regs[1]).toBe(0);
  });
  it('reports malformed JSON with line and column', () => {
    const e = bad('{\n  "base": "pg1",\n  "variants": {"GETMODE" "open"}\n}');
    expect(e[0]).toMatchObject({ line: 3, col: 26 });
    expect(e[0].message).toMatch(/malformed JSON: expected ':'/);
    expect(bad('')[0].message).toMatch(/malformed JSON/);
    expect(bad('{"base": "pg1",}')[0].message).toMatch(/malformed JSON/);
  });
  it('reports unknown presets, variants and fields', () => {
    expect(bad('{"base": "vax"}')[0].message).toMatch(/unknown base preset "vax"/);
    expect(bad('{"variants": {"FOO": "open"}}')[0].message).toMatch(/unknown instruction "FOO"/);
    expect(bad('{"variants": {"GETMODE": "wide"}}')[0].message).toMatch(/unknown variant/);
    expect(bad('{"variants": {"GETMODE": "user-nop"}}')[0].message).toMatch(/does not offer the variant "user-nop"/);
    expect(bad('{"instruction": []}')[0].message).toMatch(/unknown field "instruction"/);
  });
  it('names the instruction and the place for each problem in an instruction', () => {
    const text = JSON.stringify({
      instructions: [
        { mnemonic: 'A1', opcode: 0x30, operands: 'ra', effect: 'ra = 1;' },
        { mnemonic: 'A1', opcode: 0x31, operands: 'ra', effect: '' },
        { mnemonic: 'B1', opcode: 0x30, operands: 'ra', effect: '' },
        { mnemonic: 'C1', opcode: 0x22, operands: 'ra', effect: '' },
        { mnemonic: 'D1', opcode: 256, operands: 'ra', effect: '' },
        { mnemonic: 'r3', opcode: 0x32, operands: 'ra', effect: '' },
        { mnemonic: '9x', opcode: 0x33, operands: 'ra', effect: '' },
        { mnemonic: 'E1', opcode: 0x34, operands: 'ra,rc', effect: '' },
        { mnemonic: 'F1', opcode: 0x35, operands: 'ra', effect: 'ra = (1 + ;' },
        { mnemonic: 'G1', opcode: 0x36, operands: 'ra', effect: 'rb = imm;' },
        { mnemonic: 'add', opcode: 0x37, operands: '', effect: '' },
      ],
    }, null, 1);
    const e = bad(text);
    const m = e.map((x) => `${x.path}: ${x.message}`).join('\n');
    expect(m).toMatch(/instructions\[1\]\.mnemonic: instruction A1: the mnemonic A1 is already defined/);
    expect(m).toMatch(/instructions\[2\]\.opcode: instruction B1: opcode 48 \(0x30\) is taken by A1/);
    expect(m).toMatch(/instruction C1: opcode 34 \(0x22\) is taken by GETMODE/);
    expect(m).toMatch(/instruction D1: the opcode must be an integer from 0 to 255/);
    expect(m).toMatch(/instruction R3: r3 is a register name/);
    expect(m).toMatch(/instruction 9X: a mnemonic is letters/);
    expect(m).toMatch(/instruction E1: unknown operand shape "ra,rc"/);
    expect(m).toMatch(/instruction F1: effect, line 1 column 11: expected a value/);
    expect(m).toMatch(/instruction G1: effect, line 1 column 1: assigns rb, but the operands "ra" have no rb/);
    expect(m).toMatch(/instruction G1: effect, line 1 column 6: uses imm/);
    expect(m).toMatch(/instruction ADD: the mnemonic ADD is already defined/);
    for (const x of e) expect(x.line).toBeGreaterThan(0);
  });
  it('points into the file at the column of an effect syntax error', () => {
    const text = '{"instructions": [\n  {"mnemonic": "F", "opcode": 64, "operands": "ra",\n   "effect": "ra = 1;\\nra = ra +;"}]}';
    const e = bad(text);
    const line3 = text.split('\n')[2];
    expect(e[0]).toMatchObject({ line: 3, col: line3.indexOf('ra +;') + 'ra +'.length + 1 });
    expect(e[0].message).toMatch(/effect, line 2 column 10/);
  });
  it('never throws, whatever the input', () => {
    for (const t of ['null', '[]', '"x"', '{"instructions": 3}', '{"instructions": [3]}', '{"name": 3}', '{"instructions": [{}]}', '{"a":', '\u0000']) {
      expect(() => parseIsaFile(t)).not.toThrow();
      expect(parseIsaFile(t).ok).toBe(false);
    }
  });
});

describe('ISA file names and missing effects', () => {
  it('names an unnamed ISA after its file, and refuses an instruction with no effect', () => {
    const r = parseIsaFile('{"base": "pg1"}', '/tmp/labs/my-isa.json');
    expect(r.ok && r.isa.name).toBe('my-isa');
    const bad = parseIsaFile('{"base": "pg1", "instructions": [{"mnemonic": "FOO", "opcode": 48, "operands": ""}]}');
    expect(!bad.ok && bad.errors[0].message).toMatch(/FOO.*effect is missing/);
    const nop = parseIsaFile('{"base": "pg1", "instructions": [{"mnemonic": "FOO", "opcode": 48, "operands": "", "effect": ""}]}');
    expect(nop.ok).toBe(true);
  });
});
