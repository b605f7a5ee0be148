import { presetIsa, type Isa } from '../isa/isa';
import { encode, type InstrDef, type OperandKind } from '../isa/table';
import type { Image } from '../machine/machine';

/**
 * The PG/1 assembler (PG1.md §9), driven by the ISA table: every mnemonic and operand shape comes from
 * `isa.byMnemonic`, so user-defined instructions assemble like the built-in ones.
 *
 * Two passes. Pass 1 lexes and parses every line, places labels and statements (every statement's size is
 * known without evaluating values, except `.org` and `.zero`, whose values must be known at that point).
 * Pass 2 evaluates operands (forward references resolve here) and encodes words. Errors are collected, never
 * thrown, so an editor can mark all of them at once.
 */

export interface AsmError {
  /** 1-based line. */
  line: number;
  /** 1-based column of the offending token. */
  col: number;
  /** Exclusive end column, for editor markers. */
  endCol: number;
  message: string;
}

export interface AsmResult {
  ok: boolean;
  errors: AsmError[];
  image: Image;
  /** Labels and `.equ` names, in their original spelling. */
  symbols: Map<string, number>;
  /** Address -> 1-based source line that emitted it. */
  lineOfAddr: Map<number, number>;
  /** Line -> first address it emitted. */
  addrOfLine: Map<number, number>;
  /** Highest emitted address + 1 (0 if nothing was emitted). */
  size: number;
}

/** Above the trap frame E[0..11] (§9). */
export const DEFAULT_ORIGIN = 16;
/** The largest memory a PG/1 machine may have (§1): no program may reach past it. */
export const MAX_ADDRESS = 1_048_575;
export const DIRECTIVES = ['.org', '.word', '.zero', '.string', '.equ'] as const;

const REGISTER_RE = /^r([0-9]|1[0-5])$/i;
const LOOKS_LIKE_REGISTER_RE = /^r\d+$/i;

/** The register number of a name like `r7` (any case), or -1. */
export function parseRegister(name: string): number {
  const m = REGISTER_RE.exec(name);
  return m ? Number(m[1]) : -1;
}

// ---------------------------------------------------------------------------------------------------------
// Lexer

type TokKind = 'ident' | 'dir' | 'num' | 'char' | 'str' | 'punct';

interface Tok {
  kind: TokKind;
  text: string;
  /** 0-based start and exclusive end within the line. */
  start: number;
  end: number;
  /** num, char: the value. */
  value?: number;
  /** str: the decoded character codes (UTF-16 units, one per word). */
  codes?: number[];
}

class AsmFail {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly message: string,
  ) {}
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34 };
const NUMBER_RE = /^(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)$/;

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdentChar(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

/** Reads a quoted literal starting at `i` (the quote); returns the code units and the index after it. */
function readQuoted(s: string, i: number, quote: string): { codes: number[]; next: number } {
  const codes: number[] = [];
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === quote) return { codes, next: j + 1 };
    if (c === '\\') {
      const e = s[j + 1];
      if (e === undefined) break;
      const v = ESCAPES[e];
      if (v === undefined) throw new AsmFail(j, j + 2, `unknown escape '\\${e}' (use \\n \\t \\r \\0 \\\\ \\' \\")`);
      codes.push(v);
      j += 2;
    } else {
      codes.push(s.charCodeAt(j));
      j++;
    }
  }
  throw new AsmFail(i, s.length, quote === '"' ? 'unterminated string' : 'unterminated character literal');
}

/** Splits one line (comment removed) into tokens. Throws AsmFail at the first bad character. */
function lex(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\u00a0') {
      i++;
      continue;
    }
    if (c === ';') break;
    const start = i;
    if (isIdentStart(c)) {
      while (i < s.length && isIdentChar(s[i])) i++;
      toks.push({ kind: 'ident', text: s.slice(start, i), start, end: i });
    } else if (c === '.' && i + 1 < s.length && isIdentStart(s[i + 1])) {
      i++;
      while (i < s.length && isIdentChar(s[i])) i++;
      toks.push({ kind: 'dir', text: s.slice(start, i), start, end: i });
    } else if (c >= '0' && c <= '9') {
      while (i < s.length && isIdentChar(s[i])) i++;
      const text = s.slice(start, i);
      if (!NUMBER_RE.test(text)) throw new AsmFail(start, i, `bad number '${text}'`);
      toks.push({ kind: 'num', text, start, end: i, value: Number(text) });
    } else if (c === "'") {
      const { codes, next } = readQuoted(s, i, "'");
      i = next;
      if (codes.length !== 1) {
        throw new AsmFail(start, i, codes.length === 0 ? 'empty character literal' : 'a character literal holds one character (use .string for text)');
      }
      toks.push({ kind: 'char', text: s.slice(start, i), start, end: i, value: codes[0] });
    } else if (c === '"') {
      const { codes, next } = readQuoted(s, i, '"');
      i = next;
      toks.push({ kind: 'str', text: s.slice(start, i), start, end: i, codes });
    } else if (c === ',' || c === ':' || c === '[' || c === ']' || c === '+' || c === '-') {
      i++;
      toks.push({ kind: 'punct', text: c, start, end: i });
    } else {
      // Control and invisible characters (a binary file, a stray BOM) are named by code point, not printed raw.
      const ch = String.fromCodePoint(s.codePointAt(start)!);
      const shown = /^[\p{C}\p{Z}]$/u.test(ch) ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`;
      throw new AsmFail(start, start + ch.length, `unexpected character ${shown}`);
    }
  }
  return toks;
}

// ---------------------------------------------------------------------------------------------------------
// Expressions: `v`, `-v`, `name+n`, `name-n`, and in general a sum of numbers, characters and names.

interface Term {
  sign: 1 | -1;
  tok: Tok;
}
interface Expr {
  terms: Term[];
  start: number;
  end: number;
}

function describe(t: Tok): string {
  return t.kind === 'str' ? 'a string' : `'${t.text}'`;
}

function parseExpr(toks: Tok[], from: number, to: number, what: string): Expr {
  if (from >= to) {
    const at = toks[from - 1];
    throw new AsmFail(at ? at.end : 0, at ? at.end + 1 : 1, `missing ${what}`);
  }
  const terms: Term[] = [];
  let i = from;
  let sign: 1 | -1 = 1;
  const isSign = (t: Tok | undefined): boolean => !!t && t.kind === 'punct' && (t.text === '-' || t.text === '+');
  for (;;) {
    // Unary signs: `-4`, `[r2+-1]`, `a - -b`.
    while (i < to && isSign(toks[i])) {
      if (toks[i].text === '-') sign = sign === 1 ? -1 : 1;
      i++;
    }
    const t = toks[i];
    if (!t || i >= to) {
      const prev = toks[i - 1];
      throw new AsmFail(prev.start, prev.end, `'${prev.text}' must be followed by a value`);
    }
    if (t.kind === 'ident' && parseRegister(t.text) >= 0) {
      throw new AsmFail(t.start, t.end, `expected ${what}, got register ${t.text}`);
    }
    if (t.kind !== 'num' && t.kind !== 'char' && t.kind !== 'ident') {
      throw new AsmFail(t.start, t.end, `expected ${what}, got ${describe(t)}`);
    }
    terms.push({ sign, tok: t });
    i++;
    if (i >= to) break;
    const op = toks[i];
    if (!isSign(op)) throw new AsmFail(op.start, op.end, `unexpected ${describe(op)}`);
    sign = op.text === '-' ? -1 : 1;
    i++;
  }
  return { terms, start: toks[from].start, end: toks[to - 1].end };
}

// ---------------------------------------------------------------------------------------------------------
// Statements

type Operand =
  | { kind: 'reg'; reg: number; start: number; end: number }
  | { kind: 'value'; expr: Expr; start: number; end: number }
  | { kind: 'mem'; reg: number; offset: Expr | null; start: number; end: number };

interface Stmt {
  line: number;
  addr: number;
  size: number;
  /** Where to point when the statement as a whole is wrong (overlap, too large). */
  start: number;
  end: number;
  kind: 'instr' | 'word' | 'string' | 'zero';
  def?: InstrDef;
  operands?: Operand[];
  exprs?: Expr[];
  codes?: number[];
}

interface Sym {
  name: string;
  line: number;
  start: number;
  end: number;
  kind: 'label' | 'equ';
  value: number | null;
  expr?: Expr;
  /** For .equ: 0 not evaluated, 1 evaluating, 2 done (value set or failed). */
  state: 0 | 1 | 2;
}

/** Splits operand tokens at top-level commas. */
function splitOperands(toks: Tok[], from: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = from;
  let depth = 0;
  for (let i = from; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'punct' && t.text === '[') depth++;
    else if (t.kind === 'punct' && t.text === ']') depth--;
    else if (t.kind === 'punct' && t.text === ',' && depth <= 0) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  if (start < toks.length || out.length > 0) out.push([start, toks.length]);
  return out;
}

const KIND_WORD: Record<OperandKind, string> = {
  ra: 'ra',
  rb: 'rb',
  simm: 'simm',
  uimm: 'uimm',
  target: 't',
  mem: '[rb+simm]',
  imm: 'imm',
};

export function operandSyntax(d: InstrDef): string {
  return d.operands.map((k) => KIND_WORD[k]).join(', ');
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The nearest candidate within a small edit distance, for "did you mean" hints. */
export function nearest(word: string, candidates: Iterable<string>, fold = true): string | null {
  const w = fold ? word.toUpperCase() : word;
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, fold ? c.toUpperCase() : c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = w.length <= 3 ? 1 : 2;
  return best !== null && bestD <= limit && bestD < w.length ? best : null;
}

/** w and every string obtained from it by deleting one character. */
function deletions(w: string): string[] {
  const out = [w];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

const rowA = new Int32Array(64);
const rowB = new Int32Array(64);
/** Edit distance of a and b when it is at most max (strings of at most 62 characters); otherwise max + 1. */
function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max || a.length > 62 || b.length > 62) return max + 1;
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length], max + 1);
}

/**
 * "Did you mean" over a large fixed set of names, for many queries (undefined labels), in time linear in the
 * program: an index from each name, and each name with one character deleted, to the names. Two strings share
 * such a key when one typo separates them (a character added, dropped or changed, or two swapped), so a query
 * looks up its own keys instead of comparing with every name; candidates are then checked with the same limits
 * as `nearest`. (Two typos in one name go without a hint; the comparisons are bounded overall as well.)
 */
export class Hinter {
  private static readonly BUDGET = 2_000_000;
  private readonly names: string[];
  private readonly upper: string[];
  private readonly index = new Map<string, number[]>();
  private budget = Hinter.BUDGET;

  constructor(names: Iterable<string>) {
    this.names = [...names];
    this.upper = this.names.map((n) => n.toUpperCase());
    this.upper.forEach((u, k) => {
      if (u.length > 62) return;
      for (const d of deletions(u)) {
        const list = this.index.get(d);
        if (!list) this.index.set(d, [k]);
        else if (list[list.length - 1] !== k) list.push(k);
      }
    });
  }

  nearest(word: string): string | null {
    const w = word.toUpperCase();
    if (w.length > 62 || this.budget <= 0) return null;
    const limit = w.length <= 3 ? 1 : 2;
    let best = -1;
    let bestD = limit + 1;
    for (const d of deletions(w)) {
      const list = this.index.get(d);
      if (!list) continue;
      for (const k of list) {
        if (--this.budget <= 0) return null;
        const dist = boundedDistance(w, this.upper[k], limit);
        if (dist < bestD || (dist === bestD && k < best)) {
          bestD = dist;
          best = k;
        }
      }
    }
    return best >= 0 && bestD <= limit && bestD < w.length ? this.names[best] : null;
  }
}

function hint(s: string | null): string {
  return s ? ` (did you mean ${s}?)` : '';
}

function fmtRange(lo: number, hi: number): string {
  return `${lo}..${hi}`;
}

// ---------------------------------------------------------------------------------------------------------

export function assemble(source: string, isa: Isa = presetIsa('pg1')): AsmResult {
  const errors: AsmError[] = [];
  const err = (line: number, start: number, end: number, message: string): void => {
    errors.push({ line, col: start + 1, endCol: Math.max(end, start + 1) + 1, message });
  };
  const lines = source.split(/\r\n|\r|\n/);
  const syms = new Map<string, Sym>();
  const stmts: Stmt[] = [];
  let lc = DEFAULT_ORIGIN;
  let tooLarge = false;

  const isReserved = (name: string): string | null => {
    if (parseRegister(name) >= 0) return `'${name}' is a register and cannot be a label`;
    if (isa.byMnemonic.has(name.toUpperCase())) return `'${name}' is a mnemonic and cannot be a label`;
    return null;
  };

  const define = (line: number, t: Tok, kind: 'label' | 'equ', value: number | null, expr?: Expr): void => {
    const bad = isReserved(t.text);
    if (bad) return err(line, t.start, t.end, bad);
    const old = syms.get(t.text);
    if (old) {
      return err(line, t.start, t.end, `duplicate ${kind === 'equ' ? 'name' : 'label'} '${t.text}' (first defined on line ${old.line})`);
    }
    syms.set(t.text, { name: t.text, line, start: t.start, end: t.end, kind, value, expr, state: value === null ? 0 : 2 });
  };

  // Values needed in pass 1 (.org, .zero) may use only names defined above them. A name not yet defined is
  // recorded here and explained after pass 1, when we know whether it is defined later or not at all.
  let earlyMiss: { tok: Tok } | null = null;

  // "Did you mean" hints for undefined names come from one index of every name, built on first use (the names
  // are all known by then): linear in the program, not a scan of every name for every mistake.
  let hints: Hinter | null = null;
  const undefinedName = (line: number, tok: Tok): void => {
    hints ??= new Hinter(syms.keys());
    err(line, tok.start, tok.end, `undefined label '${tok.text}'${hint(hints.nearest(tok.text))}`);
  };

  /** Evaluates an expression; reports undefined names (unless `early`) and returns null on failure. */
  const evaluate = (e: Expr, line: number, early: boolean): number | null => {
    let v = 0;
    for (const { sign, tok } of e.terms) {
      let x: number | null;
      if (tok.kind === 'ident') {
        const s = syms.get(tok.text);
        if (!s) {
          if (early) {
            earlyMiss = { tok };
            return null;
          }
          undefinedName(line, tok);
          return null;
        }
        x = resolve(s, early);
        if (x === null) {
          if (early && s.state !== 2) earlyMiss = { tok };
          return null;
        }
      } else {
        x = tok.value!;
      }
      v += sign * x;
    }
    return v;
  };

  /**
   * The value of a name. An .equ may name another .equ, which names another, as deep as the program likes: the
   * chain is followed with an explicit stack (one frame per .equ being evaluated), never with recursion, so a
   * 100,000-deep chain is as good as a short one. A name met again while it is being evaluated is circular.
   */
  const resolve = (s0: Sym, early: boolean): number | null => {
    if (s0.kind === 'label' || s0.state === 2) return s0.value;
    if (s0.state === 1) {
      err(s0.line, s0.start, s0.end, `circular .equ: '${s0.name}' depends on itself`);
      s0.state = 2;
      return null;
    }
    const frames: { s: Sym; i: number; v: number }[] = [];
    const enter = (s: Sym): void => {
      s.state = 1;
      earlyMiss = null;
      frames.push({ s, i: 0, v: 0 });
    };
    let result: number | null = null;
    /** Ends the top frame with its value (null: failed); its caller's term then takes the value. */
    const leave = (v0: number | null): void => {
      let v = v0;
      for (;;) {
        const { s } = frames.pop()!;
        if (s.state === 1) {
          // In pass 1 a name defined further down is not an error yet: leave the .equ for later.
          if (v === null && early && earlyMiss) s.state = 0;
          else {
            s.value = v;
            s.state = 2;
          }
        }
        result = s.value;
        const caller = frames[frames.length - 1];
        if (!caller) return;
        const { sign, tok } = caller.s.expr!.terms[caller.i];
        if (result === null) {
          // The caller fails too (as evaluate stops at its first failing term): end it, in this loop.
          if (early && s.state !== 2) earlyMiss = { tok };
          v = null;
          continue;
        }
        caller.v += sign * result;
        caller.i++;
        return;
      }
    };
    enter(s0);
    while (frames.length) {
      const f = frames[frames.length - 1];
      const terms = f.s.expr!.terms;
      if (f.i === terms.length) {
        leave(f.v);
        continue;
      }
      const { sign, tok } = terms[f.i];
      if (tok.kind !== 'ident') {
        f.v += sign * tok.value!;
        f.i++;
        continue;
      }
      const t = syms.get(tok.text);
      if (!t) {
        if (early) earlyMiss = { tok };
        else undefinedName(f.s.line, tok);
        leave(null);
        continue;
      }
      if (t.kind === 'label' || t.state === 2) {
        if (t.value === null) leave(null);
        else {
          f.v += sign * t.value;
          f.i++;
        }
        continue;
      }
      if (t.state === 1) {
        err(t.line, t.start, t.end, `circular .equ: '${t.name}' depends on itself`);
        t.state = 2;
        leave(null);
        continue;
      }
      enter(t);
    }
    return result;
  };

  const evalEarly = (e: Expr, line: number, what: string): number | null => {
    earlyMiss = null;
    const v = evaluate(e, line, true);
    if (v === null && earlyMiss) pendingEarly.push({ tok: (earlyMiss as { tok: Tok }).tok, line, what });
    return v;
  };
  const pendingEarly: Array<{ tok: Tok; line: number; what: string }> = [];

  const place = (st: Stmt): void => {
    if (st.size > 0 && !tooLarge && st.addr + st.size - 1 > MAX_ADDRESS) {
      tooLarge = true;
      err(
        st.line, st.start, st.end,
        `the program is larger than any memory: it reaches address ${st.addr + st.size - 1}, past ${MAX_ADDRESS}`,
      );
    }
    stmts.push(st);
    lc = st.addr + st.size;
  };

  // -------------------------------------------------------------------------------------------- pass 1
  for (let li = 0; li < lines.length; li++) {
    const line = li + 1;
    let toks: Tok[];
    try {
      toks = lex(lines[li]);
    } catch (e) {
      if (!(e instanceof AsmFail)) throw e;
      err(line, e.start, e.end, e.message);
      continue;
    }
    try {
      let i = 0;
      while (i + 1 < toks.length && toks[i].kind === 'ident' && toks[i + 1].kind === 'punct' && toks[i + 1].text === ':') {
        define(line, toks[i], 'label', lc);
        i += 2;
      }
      if (i >= toks.length) continue;
      const head = toks[i];
      const ops = splitOperands(toks, i + 1);
      for (const [a, b] of ops) {
        if (a >= b) {
          const at = toks[a] ?? toks[a - 1];
          throw new AsmFail(at.start, at.end, 'missing operand');
        }
      }
      if (head.kind === 'dir') {
        directive(line, head, toks, ops);
      } else if (head.kind === 'ident') {
        const def = isa.byMnemonic.get(head.text.toUpperCase());
        if (!def) {
          throw new AsmFail(head.start, head.end, `unknown mnemonic '${head.text}'${hint(nearest(head.text, isa.byMnemonic.keys()))}`);
        }
        instruction(line, head, def, toks, ops);
      } else {
        throw new AsmFail(head.start, head.end, `expected a mnemonic, a directive or a label, got ${describe(head)}`);
      }
    } catch (e) {
      if (!(e instanceof AsmFail)) throw e;
      err(line, e.start, e.end, e.message);
    }
  }

  function instruction(line: number, head: Tok, def: InstrDef, toks: Tok[], ops: Array<[number, number]>): void {
    const kinds = def.operands;
    if (ops.length !== kinds.length) {
      const n = kinds.length;
      const want = n === 0 ? 'no operands' : `${n} operand${n === 1 ? '' : 's'} (${def.mnemonic} ${operandSyntax(def)})`;
      const at = ops.length > n ? toks[ops[n][0]] : head;
      const end = ops.length > n ? toks[toks.length - 1].end : head.end;
      throw new AsmFail(at.start, end, `${def.mnemonic} takes ${want}, got ${ops.length}`);
    }
    const operands = kinds.map((k, j) => parseOperand(k, toks, ops[j][0], ops[j][1]));
    place({ line, addr: lc, size: 1, start: head.start, end: toks[toks.length - 1].end, kind: 'instr', def, operands });
  }

  function parseOperand(kind: OperandKind, toks: Tok[], a: number, b: number): Operand {
    const first = toks[a];
    const start = first.start;
    const end = toks[b - 1].end;
    if (kind === 'ra' || kind === 'rb') {
      if (b - a === 1 && first.kind === 'ident') {
        const r = parseRegister(first.text);
        if (r >= 0) return { kind: 'reg', reg: r, start, end };
        if (LOOKS_LIKE_REGISTER_RE.test(first.text)) throw new AsmFail(start, end, `no register ${first.text}: registers are r0..r15`);
      }
      throw new AsmFail(start, end, `expected a register (r0..r15), got ${describeRange(toks, a, b)}`);
    }
    if (kind === 'mem') {
      if (!(first.kind === 'punct' && first.text === '[')) {
        throw new AsmFail(start, end, `expected a memory operand like [r2+1], got ${describeRange(toks, a, b)}`);
      }
      const last = toks[b - 1];
      if (!(last.kind === 'punct' && last.text === ']') || b - a < 2) throw new AsmFail(start, end, "expected ']' to close the memory operand");
      const inner = a + 1;
      const close = b - 1;
      if (inner === close) throw new AsmFail(start, end, 'empty memory operand: write [rb], [rb+v] or [v]');
      const t = toks[inner];
      if (t.kind === 'ident' && parseRegister(t.text) >= 0) {
        const reg = parseRegister(t.text);
        if (inner + 1 === close) return { kind: 'mem', reg, offset: null, start, end };
        const s = toks[inner + 1];
        if (!(s.kind === 'punct' && (s.text === '+' || s.text === '-'))) {
          throw new AsmFail(s.start, s.end, `expected '+' or '-' after ${t.text}, got ${describe(s)}`);
        }
        return { kind: 'mem', reg, offset: parseExpr(toks, inner + 1, close, 'an offset'), start, end };
      }
      if (t.kind === 'ident' && LOOKS_LIKE_REGISTER_RE.test(t.text)) throw new AsmFail(t.start, t.end, `no register ${t.text}: registers are r0..r15`);
      return { kind: 'mem', reg: 0, offset: parseExpr(toks, inner, close, 'an address'), start, end };
    }
    if (first.kind === 'punct' && first.text === '[') {
      throw new AsmFail(start, end, `expected a value, got a memory operand`);
    }
    return { kind: 'value', expr: parseExpr(toks, a, b, 'a value (number, character or label)'), start, end };
  }

  function describeRange(toks: Tok[], a: number, b: number): string {
    const t = toks[a];
    if (b - a === 1) return t.kind === 'num' ? `the number ${t.text}` : describe(t);
    return `'${toks.slice(a, b).map((x) => x.text).join('')}'`;
  }

  function directive(line: number, head: Tok, toks: Tok[], ops: Array<[number, number]>): void {
    const name = head.text.toLowerCase();
    const lineEnd = toks[toks.length - 1].end;
    const need = (n: number, syntax: string): void => {
      if (ops.length !== n) throw new AsmFail(head.start, lineEnd, `${name} takes ${syntax}`);
    };
    switch (name) {
      case '.org': {
        need(1, 'one address: .org a');
        const e = parseExpr(toks, ops[0][0], ops[0][1], 'an address');
        const v = evalEarly(e, line, '.org');
        if (v === null) return;
        if (v < 0 || v > MAX_ADDRESS) throw new AsmFail(e.start, e.end, `.org address ${v} out of range ${fmtRange(0, MAX_ADDRESS)}`);
        lc = v;
        return;
      }
      case '.zero': {
        need(1, 'one count: .zero n');
        const e = parseExpr(toks, ops[0][0], ops[0][1], 'a count');
        const v = evalEarly(e, line, '.zero');
        if (v === null) return;
        if (v < 0 || v > MAX_ADDRESS + 1) throw new AsmFail(e.start, e.end, `.zero count ${v} out of range ${fmtRange(0, MAX_ADDRESS + 1)}`);
        place({ line, addr: lc, size: v, start: head.start, end: lineEnd, kind: 'zero' });
        return;
      }
      case '.word': {
        if (ops.length === 0) throw new AsmFail(head.start, head.end, '.word takes one or more values: .word v, ...');
        const exprs = ops.map(([a, b]) => parseExpr(toks, a, b, 'a value'));
        place({ line, addr: lc, size: exprs.length, start: head.start, end: lineEnd, kind: 'word', exprs });
        return;
      }
      case '.string': {
        need(1, 'one string: .string "text"');
        const [a, b] = ops[0];
        if (b - a !== 1 || toks[a].kind !== 'str') throw new AsmFail(toks[a].start, toks[b - 1].end, `.string takes a quoted string, got ${describeRange(toks, a, b)}`);
        const codes = [...toks[a].codes!, 0];
        place({ line, addr: lc, size: codes.length, start: head.start, end: lineEnd, kind: 'string', codes });
        return;
      }
      case '.equ': {
        need(2, 'a name and a value: .equ NAME, v');
        const [a, b] = ops[0];
        const t = toks[a];
        if (b - a !== 1 || t.kind !== 'ident') throw new AsmFail(t.start, toks[b - 1].end, `.equ needs a name first, got ${describeRange(toks, a, b)}`);
        const e = parseExpr(toks, ops[1][0], ops[1][1], 'a value');
        define(line, t, 'equ', null, e);
        return;
      }
    }
    throw new AsmFail(head.start, head.end, `unknown directive '${head.text}'${hint(nearest(name, DIRECTIVES))}`);
  }

  // Every .equ is evaluated once, so that its errors show even when it is unused.
  for (const s of syms.values()) resolve(s, false);
  // Names used too early in .org / .zero.
  for (const p of pendingEarly) {
    const s = syms.get(p.tok.text);
    if (!s) undefinedName(p.line, p.tok);
    else if (s.line >= p.line) {
      err(p.line, p.tok.start, p.tok.end, `${p.what} needs a value known at this point, but '${p.tok.text}' is defined later (line ${s.line})`);
    } else if (s.value !== null) {
      err(p.line, p.tok.start, p.tok.end, `${p.what} needs a value known at this point, but '${p.tok.text}' depends on a name defined later`);
    }
    // else: an .equ that failed on its own line, reported there.
  }

  // Overlap: two statements may not emit the same address.
  const spans = stmts.filter((s) => s.size > 0).sort((x, y) => x.addr - y.addr || x.line - y.line);
  let reach: Stmt | null = null;
  for (const s of spans) {
    if (reach && s.addr < reach.addr + reach.size) {
      const [later, earlier] = s.line > reach.line ? [s, reach] : [reach, s];
      const lo = Math.max(s.addr, reach.addr);
      err(later.line, later.start, later.end, `overlapping .org: address ${lo} is already used by line ${earlier.line}`);
    }
    if (!reach || s.addr + s.size > reach.addr + reach.size) reach = s;
  }

  // -------------------------------------------------------------------------------------------- pass 2
  const words: Array<[number, number]> = [];
  const lineOfAddr = new Map<number, number>();
  const addrOfLine = new Map<number, number>();
  let entry: number | null = null;
  let size = 0;

  const value = (e: Expr, line: number, lo: number, hi: number, what: string): number => {
    const v = evaluate(e, line, false);
    if (v === null) return 0;
    if (v < lo || v > hi) {
      err(line, e.start, e.end, `${what} ${v} out of range ${fmtRange(lo, hi)}`);
      return 0;
    }
    return v;
  };

  for (const st of stmts) {
    if (st.size === 0) continue;
    if (st.addr + st.size - 1 > MAX_ADDRESS) continue;
    entry ??= st.addr;
    addrOfLine.set(st.line, st.addr);
    const emit = (k: number, w: number): void => {
      words.push([st.addr + k, w | 0]);
      lineOfAddr.set(st.addr + k, st.line);
    };
    if (st.kind === 'instr') {
      let ra = 0;
      let rb = 0;
      let imm = 0;
      st.def!.operands.forEach((kind, j) => {
        const o = st.operands![j];
        if (o.kind === 'reg') {
          if (kind === 'ra') ra = o.reg;
          else rb = o.reg;
        } else if (o.kind === 'mem') {
          rb = o.reg;
          imm = o.offset ? value(o.offset, st.line, -32768, 32767, 'offset') : 0;
        } else if (kind === 'simm') imm = value(o.expr, st.line, -32768, 32767, 'immediate');
        else if (kind === 'imm') imm = value(o.expr, st.line, -32768, 65535, 'immediate');
        else imm = value(o.expr, st.line, 0, 65535, kind === 'target' ? 'jump target' : 'immediate');
      });
      emit(0, encode(st.def!.op, ra, rb, imm));
    } else if (st.kind === 'word') {
      st.exprs!.forEach((e, k) => emit(k, value(e, st.line, -0x80000000, 0xffffffff, 'value')));
    } else if (st.kind === 'string') {
      st.codes!.forEach((c, k) => emit(k, c));
    } else {
      for (let k = 0; k < st.size; k++) emit(k, 0);
    }
    size = Math.max(size, st.addr + st.size);
  }
  words.sort((x, y) => x[0] - y[0]);

  const symbols = new Map<string, number>();
  for (const s of syms.values()) if (s.value !== null) symbols.set(s.name, s.value);
  const start = symbols.get('start');
  errors.sort((x, y) => x.line - y.line || x.col - y.col);
  return {
    ok: errors.length === 0,
    errors,
    image: { words, entry: start ?? entry ?? DEFAULT_ORIGIN },
    symbols,
    lineOfAddr,
    addrOfLine,
    size,
  };
}

/**
 * The preset a program says it is written for, in a first-line comment `; isa: x86` (examples use it; the CLI
 * still takes --isa explicitly). Null when there is none.
 */
export function declaredIsa(source: string): string | null {
  const m = /^[ \t]*;[ \t]*isa:[ \t]*([A-Za-z0-9_.\/-]+)/.exec(source);
  return m ? m[1] : null;
}

/** `FILE:LINE:COL: message`, one error a line, as compilers print them. */
export function formatErrors(errors: readonly AsmError[], file: string): string {
  return errors.map((e) => `${file}:${e.line}:${e.col}: ${e.message}`).join('\n');
}
