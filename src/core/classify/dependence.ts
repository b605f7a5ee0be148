import { parseEffect, walkEffect, type Expr, type Stmt } from '../isa/effect';
import { isUser, variantOf, type Isa } from '../isa/isa';
import type { InstrDef } from '../isa/table';

/**
 * The dependence analysis behind the classifier's proofs (PG1.md §7). It reads an instruction's semantics as
 * text — the effect of a user-defined instruction (parsed to its AST), or the `exec` snippet of a table
 * instruction — and over-approximates, per mode, what an execution can read and write. The classifier's
 * concrete search can only show that a property holds (a witness); this analysis is what lets it say that a
 * property cannot hold:
 *
 * - **control**: no non-trapping execution changes M or R, halts or uses a device unless the semantics assigns
 *   M, l or b, halts, or touches a device.
 * - **location**: the two states of a location pair differ only in l (same registers, P, b, window contents),
 *   and a relocated memory access sees the same word in both; so unless the semantics reads l, or assigns l or
 *   b (after which a relocated access may leave the window), the two executions end alike.
 * - **mode**: likewise for M: unless the semantics reads M, assigns M, l or b, or is different text in the two
 *   modes (a `user-nop` or an `open` variant with its own user-mode semantics), both modes end alike.
 * - **privilege**: proved when, in user mode, every path ends in a PRIVILEGED (or MEMORY) trap — the hardware
 *   trap of a `privileged` variant or flag, or the effect's own `trap(1)` on every path — and no supervisor-mode
 *   path can raise PRIVILEGED.
 *
 * Everything here is sound in one direction only: "no" means proved, "maybe" means the concrete search decides
 * (or, when it finds nothing, the classifier says "not shown").
 */

export interface ModeFacts {
  readsL: boolean;
  readsM: boolean;
  writesM: boolean;
  writesL: boolean;
  writesB: boolean;
  writesMem: boolean;
  halts: boolean;
  device: boolean;
  /** Some execution may raise PRIVILEGED (cause 1). */
  mayTrapPrivileged: boolean;
  /** Every execution ends in a PRIVILEGED or MEMORY trap. */
  mustTrapPrivileged: boolean;
}

export interface Dependence {
  /** Facts for supervisor (index 0) and user (index 1) mode, with user-mode PRIVILEGED traps set aside (§7). */
  open: [ModeFacts, ModeFacts];
  /** The two modes run different semantics (a variant's user-mode text). */
  modesDiffer: boolean;
  /** Privilege is proved on the ISA as given. */
  privilegedProved: boolean;
  /** May change M or R (from either mode). */
  control: boolean;
  controlUser: boolean;
  /** May be mode sensitive / location sensitive (from either mode) / location sensitive with m = u. */
  mode: boolean;
  location: boolean;
  locationUser: boolean;
  /** Constants written in the semantics, for the concrete search's values. */
  constants: number[];
  /** Why a property could not be excluded, in words (for "not shown" verdicts). */
  reasons: string[];
}

const none = (): ModeFacts => ({
  readsL: false,
  readsM: false,
  writesM: false,
  writesL: false,
  writesB: false,
  writesMem: false,
  halts: false,
  device: false,
  mayTrapPrivileged: false,
  mustTrapPrivileged: false,
});

// ---------------------------------------------------------------------------------------------------------------
// Table instructions: the exec snippets (our own text, the macro vocabulary of table.ts).

function snippetFacts(src: string): ModeFacts {
  const f = none();
  if (src === 'TRAP(1, w)') {
    f.mayTrapPrivileged = f.mustTrapPrivileged = true;
    return f;
  }
  // Identifiers and what follows them; `X =` (not `==`) is an assignment.
  const re = /\b([A-Za-z_][A-Za-z0-9_.]*)\b(\s*=(?!=))?/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const [, id, assign] = m;
    if (id === 'l') {
      if (assign) f.writesL = true;
      else f.readsL = true;
    }
    else if (id === 'b' && assign) f.writesB = true;
    else if (id === 'M') {
      if (assign) f.writesM = true;
      else f.readsM = true;
    }
    else if (id === 'HALT') f.halts = true;
    else if (id.startsWith('dev.')) f.device = true;
    else if (id === 'STORE') f.writesMem = true;
  }
  const traps = /TRAP\(\s*([^,]+),/g;
  for (let m = traps.exec(src); m; m = traps.exec(src)) if (m[1].trim() !== '2' && m[1].trim() !== '5' && m[1].trim() !== '4') f.mayTrapPrivileged = true;
  return f;
}

function tableDependence(isa: Isa, d: InstrDef): Dependence {
  const variant = variantOf(isa, d);
  const sup = d.exec;
  // User mode with the PRIVILEGED trap set aside: a `privileged` variant is judged as if `open`; others as they are.
  const userOpen = variant === 'user-nop' ? 'NEXT' : variant ? (d.openExec ?? d.exec) : d.exec;
  const open: [ModeFacts, ModeFacts] = [snippetFacts(sup), snippetFacts(userOpen)];
  const modesDiffer = userOpen !== sup;
  const supReal = open[0];
  const privilegedProved = variant === 'privileged' && !supReal.mayTrapPrivileged;
  const constants: number[] = [];
  for (const m of `${sup} ${userOpen}`.matchAll(/\b(0x[0-9a-fA-F]+|\d+)\b/g)) constants.push(Number(m[1]) | 0);
  return finish(open, modesDiffer, privilegedProved, constants);
}

// ---------------------------------------------------------------------------------------------------------------
// User-defined instructions: an abstract walk of the effect's AST with M known (one walk per mode).

type Val = number | null; // a known 32-bit constant, or unknown

function fold(op: string, a: number, b: number): Val {
  switch (op) {
    case '+': return (a + b) | 0;
    case '-': return (a - b) | 0;
    case '*': return Math.imul(a, b);
    case '/': return b === 0 ? null : (a / b) | 0;
    case '%': return b === 0 ? null : a % b | 0;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<': return a << (b & 31);
    case '>>': return a >> (b & 31);
    case '>>>': return (a >>> (b & 31)) | 0;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '&&': return a !== 0 && b !== 0 ? 1 : 0;
    case '||': return a !== 0 || b !== 0 ? 1 : 0;
  }
  return null;
}

/** The abstract state on the paths that reach a point: what M is known to be there. */
interface Env {
  M: Val;
}

/** Paths through a statement list: whether some path falls through, and whether some ends other than in PRIVILEGED/MEMORY. */
interface Flow {
  env: Env;
  fallsThrough: boolean;
  endsBadly: boolean;
}

/**
 * One walk per mode, in one pass (an `if` with an unknown condition walks both branches and joins them, so the
 * time is linear in the effect's length; statements after a point no path reaches are not walked, which is
 * sound: they never run).
 */
class Walker {
  readonly f = none();

  /** Evaluates an expression for its facts; `out.arith` is set when it may raise ARITH. */
  private expr(e: Expr, env: Env, out: { arith: boolean }): Val {
    switch (e.k) {
      case 'num':
        return e.value;
      case 'name':
        switch (e.name) {
          case 'S':
            return 0;
          case 'U':
            return 1;
          case 'M':
            this.f.readsM = true;
            return env.M;
          case 'l':
            this.f.readsL = true;
            return null;
          default:
            return null;
        }
      case 'mem':
        this.expr(e.addr, env, out);
        return null;
      case 'unary': {
        const a = this.expr(e.arg, env, out);
        if (a === null) return null;
        return e.op === '-' ? -a | 0 : a === 0 ? 1 : 0;
      }
      case 'binary': {
        const a = this.expr(e.left, env, out);
        // Every read on the right counts, short-circuit or not: an over-approximation.
        const b = this.expr(e.right, env, out);
        if ((e.op === '/' || e.op === '%') && (b === null || b === 0)) out.arith = true;
        if (e.op === '&&' && a === 0) return 0;
        if (e.op === '||' && a !== null && a !== 0) return 1;
        if (a === null || b === null) return null;
        return fold(e.op, a, b);
      }
    }
  }

  list(ss: readonly Stmt[], env: Env): Flow {
    let endsBadly = false;
    for (const s of ss) {
      const r = this.stmt(s, env);
      endsBadly ||= r.endsBadly;
      if (!r.fallsThrough) return { env: r.env, fallsThrough: false, endsBadly };
      env = r.env;
    }
    return { env, fallsThrough: true, endsBadly };
  }

  private stmt(s: Stmt, env: Env): Flow {
    const out = { arith: false };
    switch (s.k) {
      case 'assign': {
        if (s.target.k === 'mem') {
          this.expr(s.target.addr, env, out);
          this.f.writesMem = true;
        }
        const v = this.expr(s.value, env, out);
        const e2 = { ...env };
        if (s.target.k === 'psw') {
          if (s.target.name === 'M') {
            const nv = v === null ? null : v === 0 ? 0 : 1;
            // Storing the value M is known to have changes nothing (e.g. `M = U;` reached only in user mode).
            if (nv === null || nv !== env.M) this.f.writesM = true;
            e2.M = nv;
          } else if (s.target.name === 'l') this.f.writesL = true;
          else if (s.target.name === 'b') this.f.writesB = true;
        }
        return { env: e2, fallsThrough: true, endsBadly: out.arith };
      }
      case 'if': {
        const c = this.expr(s.cond, env, out);
        const a = c === null || c !== 0 ? this.list(s.then, env) : null;
        const b = c === null || c === 0 ? this.list(s.else ?? [], env) : null;
        const ft = [a, b].filter((x): x is Flow => !!x && x.fallsThrough);
        const M = ft.length === 2 && ft[0].env.M !== ft[1].env.M ? null : (ft[0]?.env.M ?? env.M);
        return { env: { M }, fallsThrough: ft.length > 0, endsBadly: out.arith || !!a?.endsBadly || !!b?.endsBadly };
      }
      case 'trap': {
        const c = this.expr(s.cause, env, out);
        if (c === null || c === 1) this.f.mayTrapPrivileged = true;
        return { env, fallsThrough: false, endsBadly: out.arith || !(c === 1 || c === 2) };
      }
      case 'halt':
        this.f.halts = true;
        return { env, fallsThrough: false, endsBadly: true };
    }
  }

  run(program: readonly Stmt[], M: number): ModeFacts {
    const r = this.list(program, { M });
    this.f.mustTrapPrivileged = !r.fallsThrough && !r.endsBadly;
    return this.f;
  }
}

function effectConstants(program: readonly Stmt[]): number[] {
  const out: number[] = [];
  walkEffect(program, (e) => {
    if (e.k === 'num') out.push(e.value);
  });
  return out;
}

function userDependence(d: InstrDef & { privileged: boolean; effectSource: string }): Dependence {
  const parsed = parseEffect(d.effectSource);
  if (!parsed.ok) {
    // Cannot happen for an instruction that was built from this source; assume everything.
    const all: ModeFacts = { ...none(), readsL: true, readsM: true, writesM: true, writesL: true, writesB: true, writesMem: true, halts: true, mayTrapPrivileged: true };
    return finish([all, { ...all }], true, false, []);
  }
  const p = parsed.program;
  const open: [ModeFacts, ModeFacts] = [new Walker().run(p, 0), new Walker().run(p, 1)];
  // The user-mode hardware trap (privileged: true) comes before the effect, on every path.
  const userMust = d.privileged || open[1].mustTrapPrivileged;
  const privilegedProved = userMust && !open[0].mayTrapPrivileged;
  return finish(open, false, privilegedProved, effectConstants(p));
}

function finish(open: [ModeFacts, ModeFacts], modesDiffer: boolean, privilegedProved: boolean, constants: number[]): Dependence {
  const ctl = (f: ModeFacts): boolean => f.writesM || f.writesL || f.writesB || f.halts || f.device;
  const loc = (f: ModeFacts): boolean => f.readsL || f.writesL || f.writesB;
  const [s, u] = open;
  const reasons: string[] = [];
  const say = (f: ModeFacts, m: string): void => {
    const parts = [
      f.readsL && 'reads l',
      f.readsM && 'reads M',
      f.writesM && 'assigns M',
      f.writesL && 'assigns l',
      f.writesB && 'assigns b',
      f.halts && 'halts',
      f.device && 'uses a device',
    ].filter(Boolean);
    if (parts.length) reasons.push(`in ${m} mode it ${parts.join(', ')}`);
  };
  say(s, 'supervisor');
  say(u, 'user');
  if (modesDiffer) reasons.push('it runs different semantics in user mode');
  return {
    open,
    modesDiffer,
    privilegedProved,
    control: ctl(s) || ctl(u),
    controlUser: ctl(u),
    mode: modesDiffer || s.readsM || u.readsM || s.writesM || u.writesM || s.writesL || u.writesL || s.writesB || u.writesB,
    location: loc(s) || loc(u),
    locationUser: loc(u),
    constants: [...new Set(constants)],
    reasons,
  };
}

/** The dependence analysis of one instruction of an ISA. */
export function dependence(isa: Isa, d: InstrDef): Dependence {
  return isUser(d) ? userDependence(d) : tableDependence(isa, d);
}
