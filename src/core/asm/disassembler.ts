import type { Isa } from '../isa/isa';
import { fieldOp, fieldRa, fieldRb, fieldSimm, fieldUimm, usesField, type InstrDef } from '../isa/table';
import type { Image } from '../machine/machine';
import { DEFAULT_ORIGIN, parseRegister } from './assembler';

/**
 * The disassembler, driven by the same ISA table as the assembler. A word is shown as an instruction only when
 * it is the canonical encoding of one (a known opcode, unused fields zero), so that re-assembling the text
 * gives back exactly the same word; anything else is shown as `.word 0x…`.
 */

/** Address -> name, or the assembler's name -> address map (inverted on the fly). */
export type SymbolNames = ReadonlyMap<number, string> | ReadonlyMap<string, number>;

function byAddress(symbols: SymbolNames | undefined): ReadonlyMap<number, string> {
  if (!symbols || symbols.size === 0) return new Map();
  const first = symbols.keys().next().value;
  if (typeof first === 'number') return symbols as ReadonlyMap<number, string>;
  const out = new Map<number, string>();
  for (const [name, addr] of symbols as ReadonlyMap<string, number>) if (!out.has(addr)) out.set(addr, name);
  return out;
}

/** The instruction a word canonically encodes, or null. */
export function decodeWord(word: number, isa: Isa): InstrDef | null {
  const d = isa.byOp[fieldOp(word)];
  if (!d) return null;
  const use = usesField(d.operands);
  if ((!use.ra && fieldRa(word) !== 0) || (!use.rb && fieldRb(word) !== 0) || (!use.imm && fieldUimm(word) !== 0)) return null;
  return d;
}

export function hexWord(word: number): string {
  return '0x' + (word >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** One word as assembly text: `ADDI r2, 1`, `LD r1, [r2-1]`, `JMP loop`, or `.word 0x…`. */
export function disassembleWord(word: number, isa: Isa, symbols?: SymbolNames): string {
  return wordText(word, isa, byAddress(symbols));
}

function wordText(word: number, isa: Isa, names: ReadonlyMap<number, string>): string {
  const d = decodeWord(word, isa);
  return d ? instructionText(d, word, names) : `.word ${hexWord(word)}`;
}

/** Assembly text of a word known to encode instruction d, its operands written from the table's kinds. */
export function instructionText(d: InstrDef, word: number, names: ReadonlyMap<number, string> = new Map()): string {
  const ra = fieldRa(word);
  const rb = fieldRb(word);
  const simm = fieldSimm(word);
  const uimm = fieldUimm(word);
  const ops = d.operands.map((k) => {
    switch (k) {
      case 'ra':
        return `r${ra}`;
      case 'rb':
        return `r${rb}`;
      case 'simm':
        return String(simm);
      case 'uimm':
      case 'imm':
        return String(uimm);
      case 'target':
        return names.get(uimm) ?? String(uimm);
      case 'mem':
        if (rb === 0) return `[${simm}]`;
        if (simm === 0) return `[r${rb}]`;
        return simm < 0 ? `[r${rb}${simm}]` : `[r${rb}+${simm}]`;
    }
  });
  return ops.length ? `${d.mnemonic} ${ops.join(', ')}` : d.mnemonic;
}

/** Runs of at least this many zero words that nothing jumps into are written as `.zero n`. */
const ZERO_RUN = 4;

/**
 * A whole image as source text that re-assembles to the same words at the same addresses and the same entry:
 * `.org` where the addresses jump, a label for each jump target inside the image (the assembler's names when
 * `symbols` is given, else `L<address>`), and `start:` when the entry is not the first word.
 */
export function disassemble(image: Image, isa: Isa, symbols?: SymbolNames): string {
  const words = [...image.words].sort((a, b) => a[0] - b[0]);
  const present = new Set(words.map(([a]) => a));
  const given = byAddress(symbols);
  const first = words.length ? words[0][0] : DEFAULT_ORIGIN;
  const needStart = image.entry !== first;

  // Names: jump targets inside the image, and the entry when it must be marked.
  const used = new Set<string>();
  const names = new Map<number, string>();
  const reserved = (n: string): boolean => parseRegister(n) >= 0 || isa.byMnemonic.has(n.toUpperCase()) || used.has(n);
  const nameFor = (addr: number, preferred?: string): void => {
    if (names.has(addr)) return;
    let n = preferred && preferred !== 'start' && !reserved(preferred) ? preferred : `L${addr}`;
    for (let k = 2; reserved(n) || n === 'start'; k++) n = `L${addr}_${k}`;
    used.add(n);
    names.set(addr, n);
  };
  if (needStart) {
    names.set(image.entry, 'start');
    used.add('start');
  }
  for (const [, w] of words) {
    const d = decodeWord(w, isa);
    if (d && d.operands.includes('target') && present.has(fieldUimm(w))) nameFor(fieldUimm(w), given.get(fieldUimm(w)));
  }

  const out: string[] = [`; disassembled by pglab (isa ${isa.name})`];
  let lc = DEFAULT_ORIGIN;
  const label = (addr: number): void => {
    const n = names.get(addr);
    if (n) out.push(`${n}:`);
  };
  // The entry may sit where no word is (a `start:` after the last word, or in a gap).
  const entryOutside = needStart && !present.has(image.entry);
  let entryDone = !entryOutside;
  const placeEntry = (before: number): void => {
    if (!entryDone && image.entry < before) {
      if (lc !== image.entry) out.push(`        .org ${image.entry}`);
      out.push('start:');
      lc = image.entry;
      entryDone = true;
    }
  };

  for (let i = 0; i < words.length; ) {
    const [addr, w] = words[i];
    placeEntry(addr);
    if (addr !== lc) out.push(`        .org ${addr}`);
    label(addr);
    // A run of zero words at consecutive addresses with no label inside.
    let j = i;
    while (j < words.length && words[j][1] === 0 && words[j][0] === addr + (j - i) && (j === i || !names.has(words[j][0]))) j++;
    if (j - i >= ZERO_RUN) {
      out.push(pad(`        .zero ${j - i}`, `; ${addr}..${addr + (j - i) - 1}`));
      lc = addr + (j - i);
      i = j;
      continue;
    }
    out.push(pad(`        ${wordText(w, isa, names)}`, `; ${addr}: ${hexWord(w)}${charNote(w, isa)}`));
    lc = addr + 1;
    i++;
  }
  placeEntry(Infinity);
  return out.join('\n') + '\n';
}

/** A data word that is a printable character gets it in the comment, so strings can be read. */
function charNote(w: number, isa: Isa): string {
  if (decodeWord(w, isa)) return '';
  if (w >= 32 && w < 127) return ` '${String.fromCharCode(w)}'`;
  return w === 10 ? " '\\n'" : w === 9 ? " '\\t'" : '';
}

function pad(text: string, comment: string): string {
  return text.padEnd(36) + comment;
}
