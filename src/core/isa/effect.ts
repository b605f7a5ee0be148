import type { SlowExec, SlowState } from './isa';

/**
 * The effect language of user-defined instructions (PG1.md §10): a hand-written lexer and recursive-descent
 * parser to an AST, and an interpreter of that AST. The user's text is never evaluated as JavaScript.
 *
 * There are no loops, calls or jumps backwards in the language, so every effect runs in time bounded by its
 * length: the classifier and the machine can never hang on one. The AST is interpreted through closures built
 * once per instruction (compileExpr), never through generated source text.
 *
 * Choices the contract leaves open (also in docs/DECISIONS.md):
 * - `imm` is the 16-bit field sign-extended (like `simm`); write `imm & 0xFFFF` for the zero-extended value.
 * - `>>` is arithmetic (values are signed 32-bit, as in C and JavaScript); `>>>` is offered as the logical shift
 *   (like SHR). Shift counts use the low five bits, as SHL/SHR do.
 * - `/` truncates and `%` takes the dividend's sign (like DIV/MOD); a zero divisor raises ARITH (cause 5, detail 0).
 * - `&&` and `||` short-circuit (so `ra != 0 && mem[ra] == 1` cannot memory-trap when ra = 0); comparisons and
 *   logical operators give 0 or 1.
 * - `mem[a]` is relocated and checked (§2) with the l and b of the copy at that moment, so an effect that first
 *   assigns l reads through the new window; reads see the effect's own earlier (buffered) writes.
 * - `trap(c)` raises cause c with detail: the instruction word for PRIVILEGED (1) and ILLEGAL (3), the 16-bit
 *   field zero-extended for SVC (4, like SVC n), 0 for MEMORY (2) and ARITH (5). A cause outside 1..5 computed at
 *   run time raises ILLEGAL with the instruction word; a constant one is rejected by the parser.
 * - `halt;` ends the effect: the copy is committed, P becomes P + 1 unless assigned, and the machine stops.
 * - Assigning M stores 0 for 0 and 1 for anything else. Register r0 reads 0 and ignores writes, as everywhere.
 */

export type PswName = 'M' | 'P' | 'l' | 'b';
export type ValueName = 'ra' | 'rb' | 'imm' | PswName | 'S' | 'U';

export interface Pos {
  line: number;
  col: number;
  /** Offset into the effect text. */
  offset: number;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '>>>'
  | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export type Expr =
  | { k: 'num'; value: number; pos: Pos }
  | { k: 'name'; name: ValueName; pos: Pos }
  | { k: 'mem'; addr: Expr; pos: Pos }
  | { k: 'unary'; op: '-' | '!'; arg: Expr; pos: Pos }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: Pos };

export type Target = { k: 'reg'; name: 'ra' | 'rb'; pos: Pos } | { k: 'psw'; name: PswName; pos: Pos } | { k: 'mem'; addr: Expr; pos: Pos };

export type Stmt =
  | { k: 'assign'; target: Target; value: Expr; pos: Pos }
  | { k: 'if'; cond: Expr; then: Stmt[]; else: Stmt[] | null; pos: Pos }
  | { k: 'trap'; cause: Expr; pos: Pos }
  | { k: 'halt'; pos: Pos };

export interface EffectError {
  line: number;
  col: number;
  offset: number;
  message: string;
}

export type ParseResult = { ok: true; program: Stmt[] } | { ok: false; error: EffectError };

// ---------------------------------------------------------------------------------------------------------------
// Lexer

type TokKind = 'num' | 'ident' | 'punct' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  value: number;
  pos: Pos;
}

const PUNCT = ['>>>', '<<', '>>', '==', '!=', '<=', '>=', '&&', '||', '(', ')', '{', '}', '[', ']', ';', '=', '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '!'];

class EffectSyntaxError extends Error {
  constructor(
    readonly pos: Pos,
    message: string,
  ) {
    super(message);
  }
}

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Pos => ({ line, col: at - lineStart + 1, offset: at });
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      let m = /^0[xX][0-9a-fA-F]+|^0[bB][01]+|^[0-9]+/.exec(src.slice(i));
      const text = m![0];
      i += text.length;
      if (i < src.length && /[A-Za-z0-9_]/.test(src[i])) {
        m = /^[A-Za-z0-9_]+/.exec(src.slice(start));
        throw new EffectSyntaxError(pos(start), `'${m![0]}' is not a number`);
      }
      const v = text.length > 2 && (text[1] === 'x' || text[1] === 'X' || text[1] === 'b' || text[1] === 'B')
        ? parseInt(text.slice(2), text[1] === 'x' || text[1] === 'X' ? 16 : 2)
        : parseInt(text, 10);
      if (!(v <= 0xffffffff)) throw new EffectSyntaxError(pos(start), `the number ${text} does not fit in 32 bits`);
      out.push({ kind: 'num', text, value: v | 0, pos: pos(start) });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const text = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))![0];
      i += text.length;
      out.push({ kind: 'ident', text, value: 0, pos: pos(start) });
      continue;
    }
    const p = PUNCT.find((t) => src.startsWith(t, i));
    if (!p) throw new EffectSyntaxError(pos(start), `unexpected character '${c}'`);
    i += p.length;
    out.push({ kind: 'punct', text: p, value: 0, pos: pos(start) });
  }
  out.push({ kind: 'eof', text: '', value: 0, pos: pos(i) });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Parser

const VALUE_NAMES = new Set<string>(['ra', 'rb', 'imm', 'M', 'P', 'l', 'b', 'S', 'U']);
const LOOP_WORDS = new Set(['while', 'for', 'do', 'loop', 'goto', 'repeat', 'until', 'function', 'return', 'break', 'continue']);

const CASE_FIXES = new Map(Object.entries({ m: 'M', p: 'P', L: 'l', B: 'b', s: 'S', u: 'U', RA: 'ra', RB: 'rb', IMM: 'imm', Ra: 'ra', Rb: 'rb' }));

function nameHint(text: string): string {
  if (LOOP_WORDS.has(text.toLowerCase())) return `'${text}' is not part of the effect language: it has no loops, jumps or functions, so every effect ends`;
  // A Map, not an object literal: a name such as `constructor` must not find Object.prototype's members.
  const fix = CASE_FIXES.get(text);
  if (fix) return `unknown name '${text}' (did you mean '${fix}'? names are case-sensitive)`;
  if (/^r[0-9]+$/i.test(text)) return `'${text}': an effect names its registers through the operand fields ra and rb`;
  return `unknown name '${text}' (the names are ra, rb, imm, M, P, l, b, S, U and mem[...])`;
}

/** Binary operators by precedence level, loosest first (C's order). */
const LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>', '>>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

/**
 * Effects are one-line instructions; these bounds keep the parser, the compiler and the evaluator (all
 * recursive) far from the JavaScript stack limit, so a hostile file gets a message instead of a crash.
 */
export const MAX_EFFECT_TOKENS = 4000;
export const MAX_NESTING = 64;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {
    if (toks.length > MAX_EFFECT_TOKENS) {
      throw new EffectSyntaxError(toks[MAX_EFFECT_TOKENS].pos, `the effect is too long (more than ${MAX_EFFECT_TOKENS} tokens)`);
    }
  }

  /** Enters one level of nesting (a block, parentheses, mem[...], a unary operator). */
  private nest<T>(f: () => T): T {
    if (++this.depth > MAX_NESTING) throw new EffectSyntaxError(this.t.pos, `nested too deeply (more than ${MAX_NESTING} levels)`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private get t(): Token {
    return this.toks[this.i];
  }
  private isPunct(p: string): boolean {
    return this.t.kind === 'punct' && this.t.text === p;
  }
  private isWord(w: string): boolean {
    return this.t.kind === 'ident' && this.t.text === w;
  }
  private describe(t: Token): string {
    return t.kind === 'eof' ? 'the end of the effect' : `'${t.text}'`;
  }
  private expect(p: string, what: string): Token {
    if (!this.isPunct(p)) throw new EffectSyntaxError(this.t.pos, `expected '${p}' ${what}, found ${this.describe(this.t)}`);
    return this.toks[this.i++];
  }

  program(): Stmt[] {
    const out: Stmt[] = [];
    while (this.t.kind !== 'eof') {
      if (this.isPunct('}')) throw new EffectSyntaxError(this.t.pos, "unexpected '}' with no matching '{'");
      out.push(this.stmt());
    }
    return out;
  }

  private block(what: string): Stmt[] {
    return this.nest(() => this.blockBody(what));
  }

  private blockBody(what: string): Stmt[] {
    this.expect('{', what);
    const out: Stmt[] = [];
    while (!this.isPunct('}')) {
      if (this.t.kind === 'eof') throw new EffectSyntaxError(this.t.pos, "missing '}' to close the block");
      out.push(this.stmt());
    }
    this.i++;
    return out;
  }

  private stmt(): Stmt {
    const t = this.t;
    const pos = t.pos;
    if (t.kind === 'ident') {
      if (t.text === 'if') {
        this.i++;
        this.expect('(', "after 'if'");
        const cond = this.expr();
        this.expect(')', 'after the condition');
        const then = this.block('to start the body of the if');
        let els: Stmt[] | null = null;
        if (this.isWord('else')) {
          this.i++;
          els = this.isWord('if') ? [this.stmt()] : this.block("after 'else'");
        }
        return { k: 'if', cond, then, else: els, pos };
      }
      if (t.text === 'else') throw new EffectSyntaxError(pos, "'else' without an 'if'");
      if (t.text === 'trap') {
        this.i++;
        this.expect('(', "after 'trap'");
        const cause = this.expr();
        this.expect(')', 'after the trap cause');
        this.expect(';', 'after trap(...)');
        if (cause.k === 'num' && (cause.value < 1 || cause.value > 5)) {
          throw new EffectSyntaxError(cause.pos, `trap cause ${cause.value} does not exist (causes are 1 PRIVILEGED, 2 MEMORY, 3 ILLEGAL, 4 SVC, 5 ARITH)`);
        }
        return { k: 'trap', cause, pos };
      }
      if (t.text === 'halt') {
        this.i++;
        this.expect(';', "after 'halt'");
        return { k: 'halt', pos };
      }
      const target = this.target();
      this.expect('=', `after ${target.k === 'mem' ? 'mem[...]' : target.name} (a statement is X = expr;, if, trap(expr); or halt;)`);
      const value = this.expr();
      this.expect(';', 'at the end of the assignment');
      return { k: 'assign', target, value, pos };
    }
    throw new EffectSyntaxError(pos, `expected a statement (X = expr;, if (...) {...}, trap(expr); or halt;), found ${this.describe(t)}`);
  }

  private target(): Target {
    const t = this.t;
    const pos = t.pos;
    this.i++;
    switch (t.text) {
      case 'ra':
      case 'rb':
        return { k: 'reg', name: t.text, pos };
      case 'M':
      case 'P':
      case 'l':
      case 'b':
        return { k: 'psw', name: t.text, pos };
      case 'mem': {
        this.expect('[', "after 'mem'");
        const addr = this.expr();
        this.expect(']', 'after the address');
        return { k: 'mem', addr, pos };
      }
      case 'imm':
        throw new EffectSyntaxError(pos, 'imm is the instruction\'s immediate field and cannot be assigned');
      case 'S':
      case 'U':
        throw new EffectSyntaxError(pos, `${t.text} is a constant (S = 0, U = 1) and cannot be assigned`);
    }
    throw new EffectSyntaxError(pos, nameHint(t.text));
  }

  expr(level = 0): Expr {
    if (level === LEVELS.length) return this.unary();
    let left = this.expr(level + 1);
    for (;;) {
      const t = this.t;
      if (t.kind !== 'punct' || !(LEVELS[level] as readonly string[]).includes(t.text)) return left;
      this.i++;
      const right = this.expr(level + 1);
      left = { k: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos };
    }
  }

  private unary(): Expr {
    const t = this.t;
    if (t.kind === 'punct' && (t.text === '-' || t.text === '!')) {
      this.i++;
      const arg = this.nest(() => this.unary());
      if (t.text === '-' && arg.k === 'num') return { k: 'num', value: -arg.value | 0, pos: t.pos };
      return { k: 'unary', op: t.text, arg, pos: t.pos };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.t;
    if (t.kind === 'num') {
      this.i++;
      return { k: 'num', value: t.value, pos: t.pos };
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.i++;
      const e = this.nest(() => this.expr());
      this.expect(')', 'to close the parenthesis');
      return e;
    }
    if (t.kind === 'ident') {
      this.i++;
      if (t.text === 'mem') {
        this.expect('[', "after 'mem'");
        const addr = this.nest(() => this.expr());
        this.expect(']', 'after the address');
        return { k: 'mem', addr, pos: t.pos };
      }
      if (VALUE_NAMES.has(t.text)) return { k: 'name', name: t.text as ValueName, pos: t.pos };
      if (t.text === 'if' || t.text === 'else' || t.text === 'trap' || t.text === 'halt') {
        throw new EffectSyntaxError(t.pos, `'${t.text}' is a statement, not a value`);
      }
      throw new EffectSyntaxError(t.pos, nameHint(t.text));
    }
    throw new EffectSyntaxError(t.pos, `expected a value, found ${this.describe(t)}`);
  }
}

/** Parses an effect. Never throws: a syntax error comes back with its line, column and a plain message. */
export function parseEffect(src: string): ParseResult {
  try {
    const program = new Parser(lex(src)).program();
    return { ok: true, program };
  } catch (e) {
    if (e instanceof EffectSyntaxError) return { ok: false, error: { ...e.pos, message: e.message } };
    throw e;
  }
}

/**
 * Walks a program in source order: `onTarget` sees each assignment's target before anything in it is read, and
 * `onExpr` sees every expression (a node before its operands), in the assigned address, the value, conditions
 * and trap causes alike.
 */
export function walkEffect(program: readonly Stmt[], onExpr: (e: Expr) => void, onTarget?: (t: Target) => void): void {
  const expr = (e: Expr): void => {
    onExpr(e);
    if (e.k === 'mem') expr(e.addr);
    else if (e.k === 'unary') expr(e.arg);
    else if (e.k === 'binary') {
      expr(e.left);
      expr(e.right);
    }
  };
  const stmts = (ss: readonly Stmt[]): void => {
    for (const s of ss) {
      if (s.k === 'assign') {
        onTarget?.(s.target);
        if (s.target.k === 'mem') expr(s.target.addr);
        expr(s.value);
      } else if (s.k === 'if') {
        expr(s.cond);
        stmts(s.then);
        if (s.else) stmts(s.else);
      } else if (s.k === 'trap') expr(s.cause);
    }
  };
  stmts(program);
}

/** Every use of the operand fields ra, rb, imm (read or assigned), for checking against an operand shape. */
export function fieldUses(program: readonly Stmt[]): { name: 'ra' | 'rb' | 'imm'; pos: Pos; assigned: boolean }[] {
  const out: { name: 'ra' | 'rb' | 'imm'; pos: Pos; assigned: boolean }[] = [];
  walkEffect(
    program,
    (e) => {
      if (e.k === 'name' && (e.name === 'ra' || e.name === 'rb' || e.name === 'imm')) out.push({ name: e.name, pos: e.pos, assigned: false });
    },
    (t) => {
      if (t.k === 'reg') out.push({ name: t.name, pos: t.pos, assigned: true });
    },
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Interpreter

/** Thrown inside the interpreter only; `slow` turns it into a trap cause. One object, reused: no allocation per trap. */
class EffectTrap {
  cause = 0;
  detail = 0;
}
const TRAP_SIGNAL = new EffectTrap();
function raise(cause: number, detail: number): never {
  TRAP_SIGNAL.cause = cause;
  TRAP_SIGNAL.detail = detail;
  throw TRAP_SIGNAL;
}
const HALT_SIGNAL = { halt: true };

/** The copy an effect works on (§10): committed only if the effect ends without a trap. */
class Copy {
  m!: SlowState;
  w = 0;
  ra = 0;
  rb = 0;
  va = 0;
  vb = 0;
  imm = 0;
  M = 0;
  P = 0;
  l = 0;
  b = 0;
  pSet = false;
  /** Buffered memory writes, physical address -> value; `nWrites` = 0 means none this run. */
  readonly writes = new Map<number, number>();
  nWrites = 0;

  physical(a: number): number {
    const p = a + this.l;
    if (a < 0 || a >= this.b || p < 0 || p >= this.m.q) raise(2, a);
    return p;
  }
}

type Eval = (c: Copy) => number;
type Exec = (c: Copy) => void;

/**
 * The AST is turned once into a tree of small closures (no text is generated or evaluated): each node's work is
 * chosen when the instruction is defined, not at every execution, which keeps the classifier's ~10^5 runs fast.
 */
function compileExpr(e: Expr): Eval {
  switch (e.k) {
    case 'num': {
      const v = e.value;
      return () => v;
    }
    case 'name':
      switch (e.name) {
        case 'ra':
          return (c) => c.va;
        case 'rb':
          return (c) => c.vb;
        case 'imm':
          return (c) => c.imm;
        case 'M':
          return (c) => c.M;
        case 'P':
          return (c) => c.P;
        case 'l':
          return (c) => c.l;
        case 'b':
          return (c) => c.b;
        case 'S':
          return () => 0;
        case 'U':
          return () => 1;
      }
      break;
    case 'mem': {
      const addr = compileExpr(e.addr);
      return (c) => {
        const p = c.physical(addr(c));
        const buffered = c.nWrites === 0 ? undefined : c.writes.get(p);
        return buffered !== undefined ? buffered : c.m.mem[p];
      };
    }
    case 'unary': {
      const arg = compileExpr(e.arg);
      return e.op === '-' ? (c) => -arg(c) | 0 : (c) => (arg(c) === 0 ? 1 : 0);
    }
    case 'binary': {
      const x = compileExpr(e.left);
      const y = compileExpr(e.right);
      switch (e.op) {
        case '&&':
          return (c) => (x(c) !== 0 && y(c) !== 0 ? 1 : 0);
        case '||':
          return (c) => (x(c) !== 0 || y(c) !== 0 ? 1 : 0);
        case '+':
          return (c) => (x(c) + y(c)) | 0;
        case '-':
          return (c) => (x(c) - y(c)) | 0;
        case '*':
          return (c) => Math.imul(x(c), y(c));
        case '/':
          return (c) => {
            const a = x(c);
            const d = y(c);
            if (d === 0) raise(5, 0);
            return (a / d) | 0;
          };
        case '%':
          return (c) => {
            const a = x(c);
            const d = y(c);
            if (d === 0) raise(5, 0);
            return a % d | 0;
          };
        case '&':
          return (c) => x(c) & y(c);
        case '|':
          return (c) => x(c) | y(c);
        case '^':
          return (c) => x(c) ^ y(c);
        case '<<':
          return (c) => x(c) << (y(c) & 31);
        case '>>':
          return (c) => x(c) >> (y(c) & 31);
        case '>>>':
          return (c) => (x(c) >>> (y(c) & 31)) | 0;
        case '==':
          return (c) => (x(c) === y(c) ? 1 : 0);
        case '!=':
          return (c) => (x(c) !== y(c) ? 1 : 0);
        case '<':
          return (c) => (x(c) < y(c) ? 1 : 0);
        case '<=':
          return (c) => (x(c) <= y(c) ? 1 : 0);
        case '>':
          return (c) => (x(c) > y(c) ? 1 : 0);
        case '>=':
          return (c) => (x(c) >= y(c) ? 1 : 0);
      }
    }
  }
  throw new Error('unreachable expression');
}

function compileStmt(s: Stmt): Exec {
  switch (s.k) {
    case 'assign': {
      const t = s.target;
      const value = compileExpr(s.value);
      if (t.k === 'mem') {
        const addr = compileExpr(t.addr);
        // The address is evaluated (and checked) before the value, left to right as written.
        return (c) => {
          const p = c.physical(addr(c));
          const v = value(c);
          c.writes.set(p, v);
          c.nWrites++;
        };
      }
      if (t.k === 'reg') {
        const isA = t.name === 'ra';
        return (c) => {
          const v = value(c);
          const r = isA ? c.ra : c.rb;
          if (r === 0) return;
          if (r === c.ra) c.va = v;
          if (r === c.rb) c.vb = v;
        };
      }
      switch (t.name) {
        case 'M':
          return (c) => void (c.M = value(c) === 0 ? 0 : 1);
        case 'P':
          return (c) => {
            c.P = value(c);
            c.pSet = true;
          };
        case 'l':
          return (c) => void (c.l = value(c));
        case 'b':
          return (c) => void (c.b = value(c));
      }
      break;
    }
    case 'if': {
      const cond = compileExpr(s.cond);
      const then = compileStmts(s.then);
      const els = s.else ? compileStmts(s.else) : null;
      return (c) => {
        if (cond(c) !== 0) then(c);
        else if (els) els(c);
      };
    }
    case 'trap': {
      const cause = compileExpr(s.cause);
      return (c) => {
        const k = cause(c);
        if (k === 1 || k === 3 || k < 1 || k > 5) raise(k === 1 ? 1 : 3, c.w);
        raise(k, k === 4 ? c.w & 0xffff : 0);
      };
    }
    case 'halt':
      return () => {
        throw HALT_SIGNAL;
      };
  }
  throw new Error('unreachable statement');
}

function compileStmts(ss: readonly Stmt[]): Exec {
  const fns = ss.map(compileStmt);
  if (fns.length === 0) return () => {};
  if (fns.length === 1) return fns[0];
  return (c) => {
    for (let i = 0; i < fns.length; i++) fns[i](c);
  };
}

/**
 * Builds the machine hook of a user-defined instruction: runs the effect on a copy of (ra, rb, M, P, l, b) with
 * memory writes buffered, and commits the copy unless a trap was raised (§10). Returns 0, -1 (halt) or a cause.
 */
export function effectExec(program: readonly Stmt[]): SlowExec {
  const c = new Copy();
  const body = compileStmts(program);
  return (m: SlowState, w: number): number => {
    c.m = m;
    c.w = w;
    c.ra = (w >>> 20) & 15;
    c.rb = (w >>> 16) & 15;
    c.va = m.regs[c.ra];
    c.vb = m.regs[c.rb];
    c.imm = (w << 16) >> 16;
    c.M = m.mode;
    c.P = m.pc;
    c.l = m.l;
    c.b = m.b;
    c.pSet = false;
    if (c.nWrites !== 0) {
      c.writes.clear();
      c.nWrites = 0;
    }
    let halted = false;
    try {
      body(c);
    } catch (e) {
      if (e === HALT_SIGNAL) halted = true;
      else if (e === TRAP_SIGNAL) {
        m.slowDetail = TRAP_SIGNAL.detail;
        c.m = null as unknown as SlowState;
        return TRAP_SIGNAL.cause;
      } else throw e;
    }
    if (c.ra !== 0) m.regs[c.ra] = c.va;
    if (c.rb !== 0) m.regs[c.rb] = c.vb;
    if (c.nWrites !== 0) for (const [p, v] of c.writes) m.mem[p] = v;
    m.mode = c.M;
    m.pc = c.pSet ? c.P : (c.P + 1) | 0;
    m.l = c.l;
    m.b = c.b;
    c.m = null as unknown as SlowState;
    return halted ? -1 : 0;
  };
}

/** Parses and builds the hook in one go; for tests and tools. Throws on a syntax error. */
export function compileEffect(src: string): SlowExec {
  const r = parseEffect(src);
  if (!r.ok) throw new Error(`${r.error.line}:${r.error.col}: ${r.error.message}`);
  return effectExec(r.program);
}
