import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from './assembler';
import { disassemble, disassembleWord } from './disassembler';
import { makeIsa, presetIsa, PRESET_NAMES, type Isa, type UserInstrDef } from '../isa/isa';
import { encode, type InstrDef, type OperandKind } from '../isa/table';

const pg1 = presetIsa('pg1');
const op = (m: string): number => pg1.byMnemonic.get(m)!.op;

const user: UserInstrDef[] = [
  { op: 0x30, mnemonic: 'SMSW', operands: ['ra'], doc: '', exec: '', privileged: false, slow: () => 0, effectSource: '' },
  { op: 0x31, mnemonic: 'POKE', operands: ['ra', 'rb', 'imm'], doc: '', exec: '', privileged: true, slow: () => 0, effectSource: '' },
  { op: 0x32, mnemonic: 'PEEK', operands: ['mem'], doc: '', exec: '', privileged: false, slow: () => 0, effectSource: '' },
];
const mine = makeIsa({ name: 'mine', base: 'x86', extra: user });

describe('disassembleWord', () => {
  it('writes instructions as the assembler reads them', () => {
    expect(disassembleWord(encode(op('ADDI'), 2, 0, 1), pg1)).toBe('ADDI r2, 1');
    expect(disassembleWord(encode(op('LI'), 2, 0, -5), pg1)).toBe('LI r2, -5');
    expect(disassembleWord(encode(op('LD'), 1, 2, 3), pg1)).toBe('LD r1, [r2+3]');
    expect(disassembleWord(encode(op('LD'), 1, 2, -1), pg1)).toBe('LD r1, [r2-1]');
    expect(disassembleWord(encode(op('LD'), 1, 2, 0), pg1)).toBe('LD r1, [r2]');
    expect(disassembleWord(encode(op('ST'), 1, 0, 40), pg1)).toBe('ST r1, [40]');
    expect(disassembleWord(encode(op('JMP'), 0, 0, 18), pg1)).toBe('JMP 18');
    expect(disassembleWord(encode(op('HALT'), 0, 0, 0), pg1)).toBe('HALT');
    expect(disassembleWord(encode(op('ORI'), 1, 0, 0xffff), pg1)).toBe('ORI r1, 65535');
  });

  it('names jump targets from either kind of symbol map', () => {
    const w = encode(op('JNZ'), 3, 0, 18);
    expect(disassembleWord(w, pg1, new Map([[18, 'loop']]))).toBe('JNZ r3, loop');
    expect(disassembleWord(w, pg1, new Map([['loop', 18]]))).toBe('JNZ r3, loop');
    expect(disassembleWord(w, pg1, new Map([['other', 19]]))).toBe('JNZ r3, 18');
  });

  it('writes non-canonical words as .word', () => {
    expect(disassembleWord(0x7f000000, pg1)).toBe('.word 0x7F000000'); // no such opcode
    expect(disassembleWord(encode(op('NOP'), 0, 0, 5), pg1)).toBe('.word 0x00000005'); // NOP with an immediate
    expect(disassembleWord(encode(op('JMP'), 1, 0, 5), pg1)).toBe('.word 0x13100005'); // JMP with ra
    expect(disassembleWord(encode(op('MOV'), 1, 2, 1), pg1)).toBe('.word 0x05120001'); // MOV with an immediate
    expect(disassembleWord(-1, pg1)).toBe('.word 0xFFFFFFFF');
  });

  it('knows user-defined instructions of the ISA', () => {
    expect(disassembleWord(encode(0x31, 1, 2, 0x8000), mine)).toBe('POKE r1, r2, 32768');
    expect(disassembleWord(encode(0x30, 4, 0, 0), mine)).toBe('SMSW r4');
    expect(disassembleWord(encode(0x30, 4, 0, 0), pg1)).toBe('.word 0x30400000');
  });

  it('is inverted by the assembler on any 32-bit word, in every ISA', () => {
    for (const isa of [...PRESET_NAMES.map((p) => presetIsa(p)), mine]) {
      fc.assert(
        fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (w) => {
          const r = assemble(disassembleWord(w, isa), isa);
          expect(r.errors).toEqual([]);
          expect(r.image.words).toEqual([[16, w]]);
        }),
        { numRuns: 500 },
      );
    }
  });

  it('is inverted by the assembler on every opcode with random fields', () => {
    const ops = fc.constantFrom(...mine.instructions.map((d) => d.op));
    fc.assert(
      fc.property(ops, fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 0xffff }), (o, ra, rb, imm) => {
        const w = encode(o, ra, rb, imm);
        expect(assemble(disassembleWord(w, mine), mine).image.words).toEqual([[16, w]]);
      }),
    );
  });
});

// ----------------------------------------------------------------------------------------------------------
// Round trip on generated programs: asm -> disasm -> asm gives the same words, addresses and entry.

type Item =
  | { t: 'instr'; def: InstrDef; regs: number[]; vals: number[]; useLabel: number | null }
  | { t: 'word'; vals: number[] }
  | { t: 'string'; text: string }
  | { t: 'zero'; n: number }
  | { t: 'org'; skip: number }
  | { t: 'label' };

function valueFor(kind: OperandKind, r: number): number {
  // r is a random 32-bit unsigned; fold it into the kind's range.
  switch (kind) {
    case 'simm':
    case 'mem':
      return (r % 65536) - 32768;
    case 'imm':
      return (r % (65536 + 32768)) - 32768;
    default:
      return r % 65536;
  }
}

function itemArb(isa: Isa): fc.Arbitrary<Item> {
  const defs = isa.instructions;
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({
      t: fc.constant('instr' as const),
      def: fc.constantFrom(...defs),
      regs: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 3, maxLength: 3 }),
      vals: fc.array(fc.nat({ max: 0xffffffff }), { minLength: 3, maxLength: 3 }),
      useLabel: fc.option(fc.nat({ max: 1000 })),
    }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('word' as const), vals: fc.array(fc.integer({ min: -0x80000000, max: 0xffffffff }), { minLength: 1, maxLength: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('string' as const), text: fc.string({ maxLength: 6 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('zero' as const), n: fc.nat({ max: 8 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('org' as const), skip: fc.nat({ max: 40 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('label' as const) }) },
  );
}

function quote(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\0/g, '\\0');
}

function render(items: Item[], withStart: number | null): string {
  const labels = items.filter((i) => i.t === 'label').length;
  const out: string[] = [];
  let lab = 0;
  let lc = 16;
  items.forEach((it, idx) => {
    if (withStart === idx) out.push('start:');
    switch (it.t) {
      case 'label':
        out.push(`lab${lab++}:`);
        break;
      case 'org':
        lc += it.skip;
        out.push(`  .org ${lc}`);
        break;
      case 'zero':
        out.push(`  .zero ${it.n}`);
        lc += it.n;
        break;
      case 'word':
        out.push(`  .word ${it.vals.join(', ')}`);
        lc += it.vals.length;
        break;
      case 'string':
        out.push(`  .string "${quote(it.text)}"`);
        lc += it.text.length + 1;
        break;
      case 'instr': {
        let ri = 0;
        const ops = it.def.operands.map((k, j) => {
          if (k === 'ra' || k === 'rb') return `r${it.regs[ri++]}`;
          if (k === 'target' && it.useLabel !== null && labels > 0) return `lab${it.useLabel % labels}`;
          const v = valueFor(k, it.vals[j]);
          if (k === 'mem') return `[r${it.regs[2]}${v < 0 ? '' : '+'}${v}]`;
          return String(v);
        });
        out.push(`  ${it.def.mnemonic}${ops.length ? ' ' + ops.join(', ') : ''}`);
        lc += 1;
        break;
      }
    }
  });
  return out.join('\n');
}

describe('disassemble', () => {
  for (const isa of [pg1, mine]) {
    it(`re-assembles generated programs to the same image (${isa.name})`, () => {
      fc.assert(
        fc.property(fc.array(itemArb(isa), { maxLength: 40 }), fc.option(fc.nat({ max: 40 })), (items, s) => {
          const src = render(items, s);
          const a = assemble(src, isa);
          expect(a.errors).toEqual([]);
          const text = disassemble(a.image, isa, a.symbols);
          const b = assemble(text, isa);
          expect(b.errors).toEqual([]);
          expect(b.image.words).toEqual(a.image.words);
          expect(b.image.entry).toBe(a.image.entry);
          // Without the assembler's names too.
          const c = assemble(disassemble(a.image, isa), isa);
          expect(c.image).toEqual(a.image);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('writes labels for jump targets, .org for gaps and start for a later entry', () => {
    const a = assemble('x: NOP\n.org 30\nstart: JMP x\nJZ r1, start\n.zero 6\nJMP 5', pg1);
    const text = disassemble(a.image, pg1, a.symbols);
    expect(text).toMatch(/^x:\n\s+NOP/m);
    expect(text).toMatch(/^\s+\.org 30\nstart:\n\s+JMP x/m);
    expect(text).toMatch(/JZ r1, start/);
    expect(text).toMatch(/\.zero 6/);
    expect(text).toMatch(/JMP 5\b/);
    expect(disassemble(a.image, pg1)).toMatch(/JMP L16/);
  });

  it('keeps an entry that lies outside the image', () => {
    for (const src of ['NOP\nstart:', 'NOP\n.org 40\nstart:\n.org 50\nHALT', '.org 90\nstart:', 'JMP 3\n.org 3\nstart:']) {
      const a = assemble(src, pg1);
      expect(a.errors).toEqual([]);
      const b = assemble(disassemble(a.image, pg1), pg1);
      expect(b.errors).toEqual([]);
      expect(b.image).toEqual(a.image);
    }
  });

  it('does not let a label called start move the entry', () => {
    const a = assemble('JMP 17\nHALT', pg1);
    const text = disassemble(a.image, pg1, new Map([[17, 'start']]));
    expect(assemble(text, pg1).image).toEqual(a.image);
  });
});
