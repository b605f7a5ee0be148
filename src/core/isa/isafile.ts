import { effectExec, fieldUses, parseEffect } from './effect';
import { isPresetName, makeIsa, PRESET_NAMES, type Isa, type UserInstrDef } from './isa';
import { BASE_INSTRUCTIONS, VARIANTS, type OperandKind, type Variant } from './table';

/**
 * ISA files (PG1.md §10): JSON text that starts from a preset, may set variants, and adds instructions whose
 * effect is written in the effect language (effect.ts). The JSON is read by a small parser of our own so that
 * every value keeps its place in the file: errors then point at the line and column of the offending value,
 * down to the column of a syntax error inside an effect string.
 */

export interface IsaFileError {
  /** Where in the document, e.g. `instructions[2].effect`. */
  path: string;
  line?: number;
  col?: number;
  message: string;
}

export type IsaFileResult = { ok: true; isa: Isa } | { ok: false; errors: IsaFileError[] };

/** Operand shapes of the file format, and the table's operand kinds for each (assembly order). */
export const OPERAND_SHAPES: Readonly<Record<string, readonly OperandKind[]>> = {
  '': [],
  ra: ['ra'],
  'ra,rb': ['ra', 'rb'],
  'ra,imm': ['ra', 'imm'],
  imm: ['imm'],
  'ra,[rb+imm]': ['ra', 'mem'],
  '[rb+imm]': ['mem'],
  'ra,rb,imm': ['ra', 'rb', 'imm'],
};

// ---------------------------------------------------------------------------------------------------------------
// JSON with positions

type JNode =
  | { t: 'object'; at: number; entries: { key: string; keyAt: number; value: JNode }[] }
  | { t: 'array'; at: number; items: JNode[] }
  | { t: 'string'; at: number; value: string; /** source offset of each character of `value` */ offsets: number[] }
  | { t: 'number'; at: number; value: number }
  | { t: 'bool'; at: number; value: boolean }
  | { t: 'null'; at: number };

class JsonError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Arrays and objects nested deeper than this are refused with a plain error: an ISA file needs four levels, and
 * the parser (recursive) must never reach the JavaScript stack limit on hostile input.
 */
export const MAX_JSON_DEPTH = 64;
const ESCAPES = new Map<string, string>([['n', '\n'], ['t', '\t'], ['r', '\r'], ['b', '\b'], ['f', '\f'], ['"', '"'], ['\\', '\\'], ['/', '/']]);

function parseJson(src: string): JNode {
  let i = 0;
  let depth = 0;
  const ws = (): void => {
    while (i < src.length && (src[i] === ' ' || src[i] === '\t' || src[i] === '\n' || src[i] === '\r')) i++;
  };
  const found = (): string => (i >= src.length ? 'the end of the file' : `'${src[i]}'`);
  const closes = (close: '}' | ']'): boolean => {
    if (src[i] !== close) return false;
    i++;
    return true;
  };
  /** After an element: true at ',' (another follows), false at `close` (the end); either is consumed. */
  const more = (close: '}' | ']', after: string): boolean => {
    ws();
    if (src[i] === ',') {
      i++;
      return true;
    }
    if (closes(close)) return false;
    throw new JsonError(i, `expected ',' or '${close}' after ${after}, found ${found()}`);
  };
  const value = (): JNode => {
    ws();
    const at = i;
    const c = src[i];
    if ((c === '{' || c === '[') && ++depth > MAX_JSON_DEPTH) throw new JsonError(i, `nested too deeply (more than ${MAX_JSON_DEPTH} levels of arrays and objects)`);
    try {
      return container(at, c);
    } finally {
      if (c === '{' || c === '[') depth--;
    }
  };
  const container = (at: number, c: string): JNode => {
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      const entries: { key: string; keyAt: number; value: JNode }[] = [];
      ws();
      if (closes('}')) return { t: 'object', at, entries };
      for (;;) {
        ws();
        if (src[i] !== '"') throw new JsonError(i, `expected a property name in double quotes, found ${found()}`);
        const keyAt = i;
        const key = (string() as { value: string }).value;
        ws();
        if (src[i] !== ':') throw new JsonError(i, `expected ':' after the property name "${key}", found ${found()}`);
        i++;
        const v = value();
        if (seen.has(key)) throw new JsonError(keyAt, `the property "${key}" appears twice`);
        seen.add(key);
        entries.push({ key, keyAt, value: v });
        if (!more('}', 'a property value')) return { t: 'object', at, entries };
      }
    }
    if (c === '[') {
      i++;
      const items: JNode[] = [];
      ws();
      if (closes(']')) return { t: 'array', at, items };
      for (;;) {
        items.push(value());
        if (!more(']', 'an array element')) return { t: 'array', at, items };
      }
    }
    if (c === '"') return string();
    const num = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 400));
    if (num) {
      i += num[0].length;
      return { t: 'number', at, value: Number(num[0]) };
    }
    for (const [word, node] of [['true', true], ['false', false], ['null', null]] as const) {
      if (src.startsWith(word, i)) {
        i += word.length;
        return node === null ? { t: 'null', at } : { t: 'bool', at, value: node };
      }
    }
    throw new JsonError(i, i >= src.length ? 'unexpected end of the file' : `unexpected ${found()}`);
  };
  const string = (): JNode => {
    const at = i;
    i++;
    let value = '';
    const offsets: number[] = [];
    for (;;) {
      if (i >= src.length) throw new JsonError(at, 'a string is not closed');
      const c = src[i];
      if (c === '"') {
        i++;
        return { t: 'string', at, value, offsets };
      }
      if (c === '\n') throw new JsonError(i, 'a string is not closed before the end of the line (write \\n for a new line)');
      if (c === '\\') {
        const e = src[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
          offsets.push(i);
          value += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        const esc = e === undefined ? undefined : ESCAPES.get(e);
        if (esc === undefined) throw new JsonError(i, `bad escape '\\${e ?? ''}' in a string`);
        offsets.push(i);
        value += esc;
        i += 2;
        continue;
      }
      offsets.push(i);
      value += c;
      i++;
    }
  };
  const v = value();
  ws();
  if (i < src.length) throw new JsonError(i, `unexpected ${found()} after the end of the document`);
  return v;
}

function lineCol(src: string, at: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let k = 0; k < at && k < src.length; k++) {
    if (src[k] === '\n') {
      line++;
      start = k + 1;
    }
  }
  return { line, col: at - start + 1 };
}

// ---------------------------------------------------------------------------------------------------------------
// The ISA file

const TOP_KEYS = ['name', 'base', 'variants', 'instructions', 'doc', 'assist'];
const INSTR_KEYS = ['mnemonic', 'opcode', 'operands', 'privileged', 'effect', 'doc'];
const DIRECTIVES = new Set(['ORG', 'WORD', 'ZERO', 'STRING', 'EQU']);

/** Parses an ISA file. Never throws: every problem comes back with its path, place and a plain message. */
export function parseIsaFile(text: string, fileName = 'isa'): IsaFileResult {
  const errors: IsaFileError[] = [];
  const err = (path: string, at: number | null, message: string): void => {
    errors.push(at === null ? { path, message } : { path, ...lineCol(text, at), message });
  };
  let root: JNode;
  try {
    root = parseJson(text);
  } catch (e) {
    if (e instanceof JsonError) {
      err('', e.at, `malformed JSON: ${e.message}`);
      return { ok: false, errors };
    }
    return { ok: false, errors: [{ path: '', message: `malformed JSON: ${String(e)}` }] };
  }
  if (root.t !== 'object') {
    err('', root.at, 'an ISA file is a JSON object: {"name", "base", "variants", "instructions"}');
    return { ok: false, errors };
  }
  const field = (o: JNode & { t: 'object' }, k: string): JNode | undefined => o.entries.find((e) => e.key === k)?.value;
  for (const e of root.entries) {
    if (!TOP_KEYS.includes(e.key)) err(e.key, e.keyAt, `unknown field "${e.key}" (an ISA file has ${TOP_KEYS.slice(0, 4).join(', ')})`);
  }

  // Unnamed ISAs take the file's name without folders or extension, as users see it in their file manager.
  let name = fileName.replace(/^.*[\\/]/, '').replace(/\.json$/i, '') || 'isa';
  const nameNode = field(root, 'name');
  if (nameNode) {
    if (nameNode.t === 'string' && nameNode.value.trim() !== '') name = nameNode.value;
    else err('name', nameNode.at, 'name must be a non-empty string');
  }

  let base: (typeof PRESET_NAMES)[number] = 'pg1';
  const baseNode = field(root, 'base');
  if (baseNode) {
    if (baseNode.t !== 'string') err('base', baseNode.at, `base must be a preset name: ${PRESET_NAMES.join(', ')}`);
    else if (!isPresetName(baseNode.value)) err('base', baseNode.at, `unknown base preset "${baseNode.value}" (the presets are ${PRESET_NAMES.join(', ')})`);
    else base = baseNode.value;
  }

  // Hardware assist (an optional extension of §10's format): a guest mode for monitors, see isa.ts.
  let assist = false;
  const assistNode = field(root, 'assist');
  if (assistNode) {
    if (assistNode.t !== 'bool') err('assist', assistNode.at, 'assist must be true or false');
    else assist = assistNode.value;
  }

  const variants: Record<string, Variant> = {};
  const varNode = field(root, 'variants');
  if (varNode) {
    if (varNode.t !== 'object') err('variants', varNode.at, 'variants must be an object such as {"GETMODE": "open"}');
    else {
      for (const e of varNode.entries) {
        const path = `variants.${e.key}`;
        const d = BASE_INSTRUCTIONS.find((x) => x.mnemonic === e.key.toUpperCase());
        const offered = BASE_INSTRUCTIONS.filter((x) => x.variants && x.variants.length > 1).map((x) => x.mnemonic);
        if (!d) {
          err(path, e.keyAt, `unknown instruction "${e.key}" (variants can be set for ${offered.join(', ')})`);
          continue;
        }
        if (e.value.t !== 'string' || !(VARIANTS as readonly string[]).includes(e.value.value)) {
          err(path, e.value.at, `unknown variant for ${d.mnemonic} (the variants are ${VARIANTS.join(', ')})`);
          continue;
        }
        const v = e.value.value as Variant;
        if (!d.variants?.includes(v)) {
          err(path, e.value.at, `${d.mnemonic} does not offer the variant "${v}" (it offers ${(d.variants ?? ['none']).join(', ')})`);
          continue;
        }
        variants[d.mnemonic] = v;
      }
    }
  }

  const extra: UserInstrDef[] = [];
  const insNode = field(root, 'instructions');
  if (insNode && insNode.t !== 'array') err('instructions', insNode.at, 'instructions must be an array of objects');
  const items = insNode?.t === 'array' ? insNode.items : [];
  const takenOp = new Map<number, string>(BASE_INSTRUCTIONS.map((d) => [d.op, d.mnemonic]));
  const takenMn = new Set<string>(BASE_INSTRUCTIONS.map((d) => d.mnemonic));
  items.forEach((node, k) => {
    const path = `instructions[${k}]`;
    if (node.t !== 'object') {
      err(path, node.at, 'each instruction is an object {"mnemonic", "opcode", "operands", "privileged", "effect"}');
      return;
    }
    const mnNode = field(node, 'mnemonic');
    let mn = '';
    if (!mnNode || mnNode.t !== 'string') err(`${path}.mnemonic`, mnNode?.at ?? node.at, `instruction ${k + 1} needs a "mnemonic" string`);
    else mn = mnNode.value.toUpperCase();
    const who = mn ? `instruction ${mn}` : `instruction ${k + 1}`;
    const before = errors.length;
    for (const e of node.entries) {
      if (!INSTR_KEYS.includes(e.key)) err(`${path}.${e.key}`, e.keyAt, `${who}: unknown field "${e.key}" (an instruction has ${INSTR_KEYS.join(', ')})`);
    }
    if (mnNode && mnNode.t === 'string') {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(mnNode.value)) err(`${path}.mnemonic`, mnNode.at, `${who}: a mnemonic is letters, digits and _, starting with a letter or _`);
      else if (/^R([0-9]|1[0-5])$/.test(mn)) err(`${path}.mnemonic`, mnNode.at, `${who}: ${mnNode.value} is a register name`);
      else if (DIRECTIVES.has(mn)) err(`${path}.mnemonic`, mnNode.at, `${who}: ${mnNode.value} is an assembler directive name`);
      else if (takenMn.has(mn)) err(`${path}.mnemonic`, mnNode.at, `${who}: the mnemonic ${mn} is already defined`);
      else takenMn.add(mn);
    }
    const opNode = field(node, 'opcode');
    let op = -1;
    if (!opNode) err(`${path}.opcode`, node.at, `${who}: needs an "opcode" from 0 to 255`);
    else {
      let v = NaN;
      if (opNode.t === 'number') v = opNode.value;
      else if (opNode.t === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(opNode.value.trim())) v = Number(opNode.value.trim());
      if (!Number.isInteger(v) || v < 0 || v > 255) err(`${path}.opcode`, opNode.at, `${who}: the opcode must be an integer from 0 to 255`);
      else if (takenOp.has(v)) err(`${path}.opcode`, opNode.at, `${who}: opcode ${v} (0x${v.toString(16)}) is taken by ${takenOp.get(v)}`);
      else {
        op = v;
        takenOp.set(v, mn || who);
      }
    }
    const shNode = field(node, 'operands');
    let kinds: readonly OperandKind[] | null = null;
    if (!shNode) kinds = [];
    else if (shNode.t !== 'string') err(`${path}.operands`, shNode.at, `${who}: operands must be a string such as "ra,rb"`);
    else {
      const shape = shNode.value.replace(/\s+/g, '').toLowerCase();
      kinds = Object.prototype.hasOwnProperty.call(OPERAND_SHAPES, shape) ? OPERAND_SHAPES[shape] : null;
      if (!kinds) {
        err(`${path}.operands`, shNode.at, `${who}: unknown operand shape "${shNode.value}" (the shapes are ${Object.keys(OPERAND_SHAPES).map((s) => `"${s}"`).join(', ')})`);
      }
    }
    const prNode = field(node, 'privileged');
    let privileged = false;
    if (prNode) {
      if (prNode.t !== 'bool') err(`${path}.privileged`, prNode.at, `${who}: privileged must be true or false`);
      else privileged = prNode.value;
    }
    const docNode = field(node, 'doc');
    if (docNode && docNode.t !== 'string') err(`${path}.doc`, docNode.at, `${who}: doc must be a string`);
    const efNode = field(node, 'effect');
    let source = '';
    let program = null;
    if (!efNode) err(path, node.at, `${who}: effect is missing (write "effect": "" for an instruction that does nothing)`);
    else if (efNode.t !== 'string') err(`${path}.effect`, efNode.at, `${who}: effect must be a string of statements`);
    else {
      source = efNode?.t === 'string' ? efNode.value : '';
      // Place of an effect offset in the file: the character's own place, or the closing quote at the end.
      const at = (o: number): number | null => {
        if (!efNode || efNode.t !== 'string') return node.at;
        return o < efNode.offsets.length ? efNode.offsets[o] : efNode.offsets.length ? efNode.offsets[efNode.offsets.length - 1] + 1 : efNode.at + 1;
      };
      const r = parseEffect(source);
      if (!r.ok) {
        err(`${path}.effect`, at(r.error.offset), `${who}: effect, line ${r.error.line} column ${r.error.col}: ${r.error.message}`);
      } else {
        program = r.program;
        if (kinds) {
          const has = { ra: kinds.includes('ra'), rb: kinds.includes('rb') || kinds.includes('mem'), imm: kinds.includes('imm') || kinds.includes('mem') };
          const seen = new Set<string>();
          for (const u of fieldUses(r.program)) {
            if (has[u.name] || seen.has(u.name)) continue;
            seen.add(u.name);
            err(
              `${path}.effect`,
              at(u.pos.offset),
              `${who}: effect, line ${u.pos.line} column ${u.pos.col}: ${u.assigned ? 'assigns' : 'uses'} ${u.name}, but the operands "${shNode && shNode.t === 'string' ? shNode.value : ''}" have no ${u.name}`,
            );
          }
        }
      }
    }
    if (errors.length > before || !program || !kinds || op < 0 || !mn) return;
    const doc = docNode?.t === 'string' ? docNode.value : `User-defined${privileged ? ' (privileged)' : ''}: ${source.trim().replace(/\s+/g, ' ')}`;
    extra.push({
      op,
      mnemonic: mn,
      operands: kinds,
      doc,
      exec: '',
      privileged,
      slow: effectExec(program),
      effectSource: source,
    });
  });

  if (errors.length) return { ok: false, errors };
  try {
    return { ok: true, isa: makeIsa({ name, base, variants, extra, assist }) };
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: String((e as Error).message ?? e) }] };
  }
}

/** Formats errors as `FILE:LINE:COL: message` lines (§10). */
export function formatIsaErrors(file: string, errors: readonly IsaFileError[]): string {
  return errors.map((e) => (e.line !== undefined ? `${file}:${e.line}:${e.col}: ${e.message}` : `${file}: ${e.message}`)).join('\n');
}
