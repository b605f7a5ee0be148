import type { Isa } from '../isa/isa';
import { exitsInGuestMode, isUser } from '../isa/isa';
import type { InstrDef } from '../isa/table';

/**
 * Compiles an ISA's table into one interpreter loop. The loop keeps P, M, l, b and the window check in locals
 * and reports traps by falling out of the switch into a single trap path, never by exceptions. The table's
 * `exec` snippets are our own text (isa/table.ts); user-defined effects are called through `slow` hooks.
 */

/** Why `run` returned. */
export const Stop = { LIMIT: 0, HALTED: 1, TRAP: 2, BREAK: 3, MODE: 4, PSW: 5, RELOC: 6 } as const;
export type StopReason = (typeof Stop)[keyof typeof Stop];

/** Run flags, decided per call. */
export const RunFlag = {
  /** Return after each trap is taken (the new PSW is loaded): a monitor's dispatcher runs next. */
  EXIT_ON_TRAP: 1,
  /** Return as soon as M differs from its value at the start of the call (the hybrid monitor). */
  EXIT_ON_MODE: 2,
  /**
   * Return (Stop.PSW) after any instruction that loads M or R without trapping. A monitor's direct runs are in
   * user mode, where only an unprivileged instruction (ISAs that fail Theorem 1) can do that: resource control.
   * Costs nothing per instruction: it is tested only on the path that changes the PSW.
   */
  EXIT_ON_PSW: 4,
  /**
   * Return (Stop.RELOC) as soon as the relocation base l differs from its value at the start of the call (a monitor tower
   * written in PG/1 attributes each slice of real steps to the level whose memory the window starts in).
   */
  EXIT_ON_RELOC: 8,
  /**
   * Guest mode (hardware assist, ISAs with `assist`): every instruction of the sensitive group and every ISA-file
   * instruction traps with cause EXIT (7), detail the word, whatever M and its variant. Ignored on other ISAs.
   */
  GUEST: 16,
} as const;

export interface CodegenOptions {
  /** Stop before an instruction whose physical address is marked in `m.breakpoints` (not the first one). */
  breakpoints: boolean;
  /** Call `m.onAccess(kind, physical)` on every fetch (0), load (1), store (2) and trap-frame write (3). */
  trace: boolean;
  /** Run hot innocuous code as compiled blocks (blocks.ts). */
  blocks: boolean;
}

/** Executions of an address before a block is compiled there. */
export const HOT = 8;

/**
 * Enters a compiled region at P when one has an entry there (or compiles one when P is hot). A region runs only
 * if it was compiled for this mode and relocation base and lies wholly in the window; it gets the step budget
 * (which includes the timer's deadline) and returns the steps it ran, a trap to take (the trap path below, as
 * if the interpreter had raised it) or a PSW it loaded (handled as NEWPSW). If it could not run a single
 * instruction (an exit point, or its first run does not fit the budget) the instruction is interpreted.
 */
function blockDispatch(o: CodegenOptions): string {
  return `
      let bi = bids[pa];
      if (bi === 0 && ++heat[pa] === ${HOT}) bi = m.compileAt(pa, pc, M, lo + span);
      if (bi > 0) {
        const rg = blist[bi];
        if (rg.l !== l || rg.mode !== M) { bids[pa] = 0; heat[pa] = 0; }
        else if (((rg.vpc - lo) >>> 0) < span && ((rg.vpc + rg.len - 1 - lo) >>> 0) < span) {
          const n = rg.fn(R, E, x, stop - steps, pc, l, b, lo, span, exitOnPsw, quiet);
          if (n < 0) m.invalidate(bi);
          else {
            const c = x[1];
            if (n !== 0 || c !== 0) {
              steps += n; pc = x[0];
              if (c === 0) continue;
              if (c > 0) { steps++; tc = c; td = x[2]; break step; }
              M = x[3]; l = x[4]; b = x[5];
              ${loopBackend(o).NEWPSW}
            }
          }
        }
      }`;
}

export type RunFn = (m: unknown, maxSteps: number, flags: number) => StopReason;

const MACROS = ['LOAD', 'STORE', 'CHECK', 'TRAP', 'SETREG', 'GOTO'] as const;
type MacroName = (typeof MACROS)[number];

/**
 * A backend gives the meaning of the table's macros. The interpreter loop below is one backend; the block
 * compiler (blocks.ts) is the other, so both read the same `exec` snippets.
 */
export interface Backend {
  macro(name: MacroName, args: string[]): string;
  NEXT: string;
  NEWPSW: string;
  HALT: string;
  NOW: string;
  RETIME: string;
}

function check(a: string, trace: boolean, kind: number): string {
  return `if (((${a}) - lo) >>> 0 >= span) { tc = 2; td = (${a}); break; }` + (trace ? ` acc(${kind}, (${a}) + l);` : '');
}

function loopBackend(o: CodegenOptions): Backend {
  return {
    macro(name, args) {
      switch (name) {
        case 'LOAD':
          return `${check(args[1], o.trace, 1)} ${args[0]} = E[(${args[1]}) + l];`;
        case 'STORE':
          return `${check(args[0], o.trace, 2)} E[(${args[0]}) + l] = ${args[1]};`;
        case 'CHECK':
          return check(args[0], false, 1);
        case 'TRAP':
          return `{ tc = ${args[0]}; td = ${args[1]}; break; }`;
        case 'SETREG':
          return `{ R[${args[0]}] = ${args[1]}; R[0] = 0; }`;
        case 'GOTO':
          return `{ pc = ${args[0]}; continue; }`;
      }
    },
    NEXT: '{ pc = pc + 1; continue; }',
    NEWPSW:
      `{ ${WINDOW} ${PENDING} if (exitOnMode && M !== M0) { reason = 4; break loop; }` +
      ' if (exitOnPsw) { reason = 5; break loop; } if (exitOnReloc && l !== L0) { reason = 6; break loop; } continue; }',
    HALT: '{ pc = pc + 1; reason = 1; break loop; }',
    NOW: '(m.steps + m.monitorTime + steps)',
    RETIME: `{ ${RETIME} }`,
  };
}

/** Expands the macro calls of a snippet; arguments may hold balanced parentheses. */
export function expandSnippet(src: string, be: Backend): string {
  let out = '';
  let i = 0;
  const re = new RegExp(`\\b(${MACROS.join('|')})\\(`, 'g');
  for (let m = re.exec(src); m; m = re.exec(src)) {
    out += src.slice(i, m.index);
    let depth = 1;
    let j = re.lastIndex;
    const args: string[] = [];
    let argStart = j;
    for (; j < src.length && depth > 0; j++) {
      const c = src[j];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      if ((c === ',' && depth === 1) || depth === 0) {
        args.push(expandSnippet(src.slice(argStart, j).trim(), be));
        argStart = j + 1;
      }
    }
    out += be.macro(m[1] as MacroName, args);
    i = j;
    re.lastIndex = j;
  }
  out += src.slice(i);
  return out
    .replace(/\bNEXT\b/g, be.NEXT)
    .replace(/\bNEWPSW\b/g, be.NEWPSW)
    .replace(/\bHALT\b/g, be.HALT)
    .replace(/\bNOW\b/g, be.NOW)
    .replace(/\bRETIME\b/g, be.RETIME)
    .replace(/\bWINDOW\b/g, WINDOW);
}

/**
 * The interval timer (§11) is folded into the run's step budget, so it costs nothing per instruction: `due` is
 * the local step count at which it expires (Infinity when disarmed) and the loop stops at `stop` = min(due,
 * maxSteps). There a user-mode machine takes the TIMER trap (one step); a supervisor-mode one moves `stop` back
 * to maxSteps and goes on, and PENDING (after every PSW change) brings it back when M becomes u.
 */
const RETIME =
  'const ta = dev.timerAt; due = ta === undefined || ta < 0 ? Infinity : ta - m.steps - m.monitorTime; stop = due < maxSteps ? due : maxSteps;';
const PENDING = 'if (due <= steps && M !== 0) stop = steps;';

/** The §2 check as one unsigned compare: a is valid iff lo <= a < lo + span. */
const WINDOW = 'lo = l < 0 ? -l : 0; hi = b < q - l ? b : q - l; span = hi > lo ? hi - lo : 0;';

function decode(body: string): string {
  let d = '';
  if (/\bra\b/.test(body)) d += 'const ra = (w >>> 20) & 15; ';
  if (/\brb\b/.test(body)) d += 'const rb = (w >>> 16) & 15; ';
  if (/\bsimm\b/.test(body)) d += 'const simm = (w << 16) >> 16; ';
  if (/\buimm\b/.test(body)) d += 'const uimm = w & 0xffff; ';
  return d;
}

function caseFor(isa: Isa, d: InstrDef, slowIndex: number, o: CodegenOptions): string {
  let body: string;
  if (isUser(d)) {
    body =
      (d.privileged ? 'if (M !== 0) TRAP(1, w);' : '') +
      ` m.pc = pc; m.mode = M; m.l = l; m.b = b; const r = slow[${slowIndex}](m, w);` +
      ' if (r > 0) TRAP(r, m.slowDetail);' +
      ' pc = m.pc; M = m.mode; l = m.l; b = m.b;' +
      ' if (r < 0) { WINDOW reason = 1; break loop; } NEWPSW';
  } else {
    let user = '';
    if (d.variants) {
      const v = isa.variants[d.mnemonic] ?? 'privileged';
      if (v === 'privileged') user = 'TRAP(1, w)';
      else if (v === 'user-nop') user = 'NEXT';
      else if (d.openExec) user = d.openExec;
    }
    body = (user ? `if (M !== 0) { ${user} } ` : '') + d.exec;
  }
  // Guest mode exits before anything else (the variant's PRIVILEGED trap included), as VT-x non-root mode does.
  if (isa.assist && exitsInGuestMode(d)) body = `if (guest) TRAP(7, w); ${body}`;
  const code = expandSnippet(body, loopBackend(o));
  return `case ${d.op}: { ${decode(code)}${code} }`;
}

function generate(isa: Isa, o: CodegenOptions): string {
  const slows: number[] = [];
  const cases = isa.instructions
    .map((d) => {
      const k = isUser(d) ? slows.push(d.op) - 1 : -1;
      return caseFor(isa, d, k, o);
    })
    .join('\n');
  return `
return function run(m, maxSteps, flags) {
  const E = m.mem, R = m.regs, q = m.q, dev = m.dev, slow = m.slowFns, counts = m.trapCounts;
  ${o.trace ? 'const acc = m.onAccess;' : ''}
  ${o.blocks ? 'const bids = m.blockIds, blist = m.blocks, heat = m.heat, x = m.blockExit;' : ''}
  ${o.breakpoints ? 'const bp = m.breakpoints;' : ''}
  ${o.blocks ? 'const quiet = flags === 0 && m.onTrap === null;' : ''}
  const exitOnTrap = (flags & 1) !== 0, exitOnMode = (flags & 2) !== 0, exitOnPsw = (flags & 4) !== 0, exitOnReloc = (flags & 8) !== 0;
  ${isa.assist ? '// Regions know nothing of guest mode (where the sensitive group exits): guest-mode code is interpreted.\n  const guest = (flags & 16) !== 0;' : ''}
  let pc = m.pc, M = m.mode, l = m.l, b = m.b;
  const M0 = M, L0 = l;
  let lo = 0, hi = 0, span = 0; ${WINDOW}
  let steps = 0, reason = 0, tc = 0, td = 0, due = Infinity, stop = maxSteps;
  ${RETIME}
  loop: for (;;) {
    step: {
      if (steps >= stop) {
        if (steps >= maxSteps) { reason = 0; break loop; }
        // The timer has expired: a TIMER trap before this user-mode instruction, or pending in supervisor mode.
        stop = maxSteps;
        if (M !== 0) { steps++; due = Infinity; dev.timerAt = -1; tc = 6; td = 0; break step; }
      }
      if ((pc - lo) >>> 0 >= span) { steps++; tc = 2; td = pc; break step; }
      const pa = pc + l;
      ${o.breakpoints ? 'if (steps > 0 && bp[pa] !== 0) { reason = 3; break loop; }' : ''}
      ${o.trace ? 'acc(0, pa);' : ''}
      ${o.blocks ? (isa.assist ? `if (!guest) { ${blockDispatch(o)} }` : blockDispatch(o)) : ''}
      steps++;
      const w = E[pa];
      switch (w >>> 24) {
${cases}
        default: tc = 3; td = w; break;
      }
    }
    // Trap (§3): old PSW and cause into physical E[0..5], new PSW from physical E[8..11].
    ${o.trace ? 'for (let i = 0; i < 6; i++) acc(3, i);' : ''}
    E[0] = M; E[1] = pc; E[2] = l; E[3] = b; E[4] = tc; E[5] = td;
    M = E[8] === 0 ? 0 : 1; pc = E[9]; l = E[10]; b = E[11];
    ${WINDOW}
    ${PENDING}
    counts[tc]++;
    if (m.onTrap !== null) { m.pc = pc; m.mode = M; m.l = l; m.b = b; m.onTrap(tc, td); }
    if (exitOnTrap) { reason = 2; break; }
    if (exitOnMode && M !== M0) { reason = 4; break; }
    if (exitOnReloc && l !== L0) { reason = 6; break; }
  }
  m.pc = pc; m.mode = M; m.l = l; m.b = b;
  m.lastSteps = steps; m.steps += steps;
  return reason;
};`;
}

const cache = new Map<string, RunFn>();

export function compiledRun(isa: Isa, o: CodegenOptions): RunFn {
  const key = `${isa.key}|${o.breakpoints ? 1 : 0}${o.trace ? 1 : 0}${o.blocks ? 1 : 0}`;
  let fn = cache.get(key);
  if (!fn) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the source is generated from our table
    fn = new Function(generate(isa, o))() as RunFn;
    cache.set(key, fn);
  }
  return fn;
}
