import type { Isa } from '../isa/isa';
import { isUser } from '../isa/isa';
import type { InstrDef } from '../isa/table';
import { expandSnippet, type Backend } from './codegen';
import { loopCode, loopEnds } from './loops';

/**
 * Region compilation: a hot stretch of code (several blocks with their branches, loops inside) becomes one
 * JavaScript function built from the same `exec` snippets as the interpreter, with the instruction fields as
 * constants and the registers it uses in locals (read on entry, written back on exit). Inside, a `switch` on P
 * over the region's *entries* (its start, the targets of its own jumps, the word after anything that leaves
 * it) runs straight-line code between entries, so a loop runs without returning to the dispatcher; a natural
 * loop (a jump back to a run of the region) is a JavaScript loop entered from the case of its head (loops.ts), so
 * its back edge is a `continue` the engine optimizes as a loop, not a round of the switch. Exact
 * semantics are kept:
 * - a region is compiled for one mode M and one relocation base l (the dispatcher enters it only with those),
 *   and is entered only when all its words lie in the window, so no fetch inside it needs a check;
 * - steps are counted per straight run: before a run of n instructions the region leaves if n more steps would
 *   pass the budget (the caller's step limit, which includes the interval timer's deadline), so runs stop
 *   exactly there; a trap exits with P at the trapping instruction and the steps before it;
 * - each load/store keeps the §2 check; a store into one of the region's own compiled words ends it, and the
 *   region checks its compiled words on entry, so code written over (by the guest, a monitor, a restore) is
 *   never run stale;
 * - instructions it cannot run (HALT, devices and the clock, user-defined instructions, undefined opcodes,
 *   non-canonical words, words that keep being written over) are *exit points*: the region leaves with P at
 *   them, the interpreter runs them, and the word after is an entry again;
 * - a sensitive instruction runs as the variant in force for the region's mode says (in user mode a privileged
 *   one is a PRIVILEGED trap, taken by the dispatcher's trap path without interpreting anything); an
 *   instruction that loads M or R (LPSW, SETR, RETU) goes on inside the region when the PSW it loaded keeps M,
 *   l and b (a kernel's LPSW back to itself, a SETR of the same R) and EXIT_ON_PSW is not asked for, and
 *   leaves it otherwise, for the dispatcher to recompute the window.
 *
 * A region function is `(R, E, x, budget, P, l, b, lo, span, psw, quiet) => steps` (quiet: see TrapChain; lo must be
 * the window start for l, max(0, -l), which the region has as a constant; it runs at most 2^30 steps per call);
 * on return x[0] = next P, x[1] = 0
 * (go on at P), a trap cause (1..6; steps excludes the trapping instruction) or -1 (the PSW changed: x[3..5] =
 * M, l, b). It returns -1 when its words changed.
 */
export interface Block {
  /** Virtual address of the first word; the region is valid only with relocation base `l` and mode `mode`. */
  vpc: number;
  /** Physical address of the first word. */
  pa: number;
  len: number;
  l: number;
  mode: number;
  /** The words at pa .. pa + len - 1 when it was compiled. */
  words: readonly number[];
  /** 1 where the word is compiled, 0 at exit points (left to the interpreter, not checked). */
  compiled: Uint8Array;
  /** Physical addresses at which the region may be entered. */
  entries: readonly number[];
  /** For each entry, how many instructions run from it before the first that may leave the straight line. */
  runs: readonly number[];
  fn: (R: Int32Array, E: Int32Array, x: Int32Array, budget: number, P: number, l: number, b: number, lo: number, span: number, psw: boolean, quiet: boolean) => number;
}

/**
 * What a region needs to take traps itself (the machine's trap counts, its entry table and regions): when the
 * caller says nothing observes (`quiet`: no onTrap, no run flags), a trap inside a region writes the frame, loads
 * the new PSW and, when that is supervisor mode and a region has an entry at the new P, runs that handler's
 * region at once (one level: the handler's own traps go back to the dispatcher); when the handler returns to the
 * trapping region's PSW (an SVC handler's LPSW back), the region goes on. SVC-heavy user code then runs without
 * returning to the dispatcher.
 */
export interface TrapChain {
  counts: Float64Array;
  bids: Int32Array;
  blocks: readonly (Block | null)[];
}

/** Compiles so far (see the source's serial number in compileBlock). */
let serial = 0;

/** The longest region, in words, and how far back a jump may pull its start. */
export const MAX_REGION = 128;
const MAX_BACK = 64;

/** The canonical word of an instruction: unused fields must be zero, or the word is not compiled. */
function canonical(d: InstrDef, w: number): boolean {
  const k = d.operands;
  const usesRa = k.includes('ra');
  const usesRb = k.includes('rb') || k.includes('mem');
  const usesImm = k.some((x) => x !== 'ra' && x !== 'rb');
  return (usesRa || ((w >>> 20) & 15) === 0) && (usesRb || ((w >>> 16) & 15) === 0) && (usesImm || (w & 0xffff) === 0);
}

/** The snippet a word runs in mode M, or null for an exit point. */
function bodyOf(isa: Isa, w: number, mode: number, volatile: boolean): string | null {
  const d = isa.byOp[w >>> 24];
  if (!d || volatile || isUser(d) || !canonical(d, w)) return null;
  let body = d.exec;
  if (mode !== 0 && d.variants) {
    const v = isa.variants[d.mnemonic] ?? 'privileged';
    body = v === 'privileged' ? 'TRAP(1, w)' : v === 'user-nop' ? 'NEXT' : (d.openExec ?? d.exec);
  }
  // The processor's halt, the devices and the clock stay with the interpreter.
  if (/\b(HALT|NOW|RETIME|dev)\b/.test(body)) return null;
  return body;
}

/** Whether control can go on to the next word (the snippet ends with NEXT). */
const fallsThrough = (body: string): boolean => /\bNEXT\s*$/.test(body);
/** Constant jump target of a snippet (GOTO(uimm)), if any. */
const jumpsTo = (body: string): boolean => /\bGOTO\(uimm\)/.test(body);

interface Shape {
  start: number;
  end: number;
  bodies: (string | null)[];
}

/**
 * Which words form the region around physical pa: from `start` on, forward while control can fall through or a
 * jump seen so far lands further on; a backward jump to at most MAX_BACK words before the start pulls the start
 * back (a loop whose head was not the first hot address). Words outside the window are never included.
 */
function shape(isa: Isa, E: Int32Array, pa: number, l: number, mode: number, vend: number, volatile: (pa: number) => boolean): Shape {
  let start = pa;
  for (let round = 0; ; round++) {
    const bodies: (string | null)[] = [];
    let reach = pa + 1;
    let back = start;
    let a = start;
    const limit = Math.min(E.length, start + MAX_REGION, vend + l);
    for (; a < limit; a++) {
      const w = E[a];
      // Past everything a jump needs, a zero word (NOP, but mostly empty memory) ends the region.
      if (w === 0 && a > pa && a >= reach) break;
      const body = bodyOf(isa, w, mode, volatile(a));
      bodies.push(body);
      if (body !== null && jumpsTo(body)) {
        const t = (w & 0xffff) + l;
        if (t > a && t < limit) reach = Math.max(reach, t + 1);
        if (t < back && t >= start - MAX_BACK && t >= 0) back = t;
      }
      if ((body === null || !fallsThrough(body)) && a + 1 >= reach) {
        a++;
        break;
      }
    }
    if (back < start && round < 3) {
      start = back;
      continue;
    }
    return { start, end: a, bodies };
  }
}

/**
 * Compiles the region around physical pa (virtual vpc) for mode M; words for which `volatile` is true are exit
 * points; `vend` is the virtual end of the current window. Null when pa itself is an exit point.
 */
export function compileBlock(
  isa: Isa, E: Int32Array, pa: number, vpc: number, mode = 0, vend = E.length, volatile: (pa: number) => boolean = () => false,
  chain?: TrapChain,
): Block | null {
  const l = (pa - vpc) | 0;
  const { start, end, bodies } = shape(isa, E, pa, l, mode, vend, volatile);
  const len = end - start;
  if (bodies[pa - start] === null) return null;
  const words = Array.from(E.subarray(start, end));
  const compiled = new Uint8Array(len);
  bodies.forEach((b, i) => (compiled[i] = b === null ? 0 : 1));
  // Entries: the start, pa, constant jump targets inside, exit points and every word after something that
  // does not simply fall through.
  const entry = new Uint8Array(len);
  entry[0] = 1;
  entry[pa - start] = 1;
  bodies.forEach((body, i) => {
    if (body === null) {
      entry[i] = 1;
      if (i + 1 < len) entry[i + 1] = 1;
      return;
    }
    if (!fallsThrough(body) || /\b(GOTO|TRAP|NEWPSW)\b/.test(body)) if (i + 1 < len) entry[i + 1] = 1;
    if (jumpsTo(body)) {
      const t = (words[i] & 0xffff) + l - start;
      if (t >= 0 && t < len) entry[t] = 1;
    }
  });
  const regs = new Set<number>();
  const written = new Set<number>();
  const reg = (r: number) => (r === 0 ? '0' : `r${r}`);
  // The straight runs: each from an entry up to the next; runAt[i] is the run starting at word i (or -1).
  const runStarts: number[] = [];
  const runAt = new Int32Array(len).fill(-1);
  for (let i = 0; i < len; i++) if (entry[i] || i === 0) runAt[i] = runStarts.push(i) - 1;
  const runLen = (r: number) => (r + 1 < runStarts.length ? runStarts[r + 1] : len) - runStarts[r];
  /** The run a word's constant jump (GOTO(uimm)) lands on inside the region, or -1. */
  const targetRun = (i: number): number => {
    const body = bodies[i];
    if (body === null || !jumpsTo(body)) return -1;
    const t = (words[i] & 0xffff) + l - start;
    return t >= 0 && t < len ? runAt[t] : -1;
  };
  // The region's window: l is a constant (it is entered only with its own l), and so is the window's start lo
  // (PG1 §2: max(0, -l), what every caller passes); its length is the int32 local win. The step count stays an
  // int32 (the budget is clamped, see lim), so its additions need no overflow checks.
  const lo = l < 0 ? -l : 0;
  const outside = (a: string) => (lo === 0 ? `(${a}) >>> 0 >= win` : `((${a}) - ${lo}) >>> 0 >= win`);
  const at = (a: string) => (l === 0 ? `E[${a}]` : `E[(${a}) + ${l}]`);
  const add = (k: number) => (k === 0 ? '' : `steps = (steps + ${k}) | 0;`);
  /** Lengths of the runs: each run's check compares steps with lim<n> = lim - n, computed once on entry. */
  const lims = new Set<number>();
  /**
   * Run r's code; to(t) is the statement that goes to run t without the switch (loops.ts), null to go through it.
   * Loads and stores use the region's own l as a constant (it is entered only with that l).
   */
  const runCode = (r: number, to: (t: number) => string | null): string => {
    const i = runStarts[r];
    const n = runLen(r);
    const vs = start - l + i;
    if (bodies[i] === null) return `{ P = ${vs}; break out; }`;
    lims.add(n);
    let code = `if (steps > lim${n}) { P = ${vs}; break out; }\n`;
    for (let k = 0; k < n; k++) {
      const w = words[i + k];
      const pc = vs + k;
      const ra = (w >>> 20) & 15;
      const rb = (w >>> 16) & 15;
      const last = k === n - 1;
      const body = bodies[i + k]!.replace(/\bR\[ra\]/g, reg(ra)).replace(/\bR\[rb\]/g, reg(rb));
      for (const r of [ra, rb]) if (r !== 0 && new RegExp(`\\br${r}\\b`).test(body)) regs.add(r);
      const trap = (c: string, d: string) => `{ P = ${pc}; tc = ${c}; td = ${d}; ${add(k)} break out; }`;
      const jt = targetRun(i + k);
      const be: Backend = {
        macro(name, args) {
          switch (name) {
            case 'LOAD':
              return `if (${outside(args[1])}) ${trap('2', `(${args[1]})`)} ${args[0]} = ${at(args[1])};`;
            case 'CHECK':
              return `if (${outside(args[0])}) ${trap('2', `(${args[0]})`)}`;
            case 'STORE':
              return (
                `if (${outside(args[0])}) ${trap('2', `(${args[0]})`)}` +
                ` { const sp = (${args[0]}) + ${l}; E[sp] = ${args[1]};` +
                ` if (((sp - ${start}) >>> 0) < ${len} && cw[sp - ${start}] !== 0) { P = ${pc + 1}; ${add(k + 1)} break out; } }`
              );
            case 'TRAP':
              return trap(args[0], args[1]);
            case 'SETREG': {
              const r = args[0] === 'ra' ? ra : args[0] === 'rb' ? rb : -1;
              if (r < 0) throw new Error(`SETREG of ${args[0]}`);
              if (r === 0) return `{ ${args[1]}; }`;
              regs.add(r);
              written.add(r);
              return `{ r${r} = ${args[1]}; }`;
            }
            case 'GOTO': {
              const go = args[0] === 'uimm' && jt >= 0 ? to(jt) : null;
              return `{ ${add(k + 1)} ${go ?? `P = ${args[0]}; continue out;`} }`;
            }
          }
        },
        NEXT: last ? add(n) : '',
        NEWPSW:
          `{ ${add(k + 1)} P = pc; if (M === ${mode} && l === L0 && b === B0 && !psw) continue out;` +
          ' tc = -1; x[3] = M; x[4] = l; x[5] = b; break out; }',
        HALT: '',
        NOW: '0',
        RETIME: '',
      };
      const ex = expandSnippet(body, be);
      const assignsPc = /\bpc\s*=[^=]/.test(ex);
      code += `{ const w = ${w}, ra = ${ra}, rb = ${rb}, simm = ${(w << 16) >> 16}, uimm = ${w & 0xffff}; ${assignsPc ? 'let' : 'const'} pc = ${pc}; ${ex} }\n`;
    }
    // Falling off the end of the region: go on outside it.
    if (i + n >= len) code += `P = ${vs + n}; break out;\n`;
    return code;
  };
  // Natural loops run as JavaScript loops (loops.ts) from the case of their head; the switch keeps a plain copy
  // of every run for entries inside a loop, whose jump back to the head comes round to the loop.
  const targets = runStarts.map((i, r) => {
    const t = targetRun(i + runLen(r) - 1);
    return t >= 0 ? [t] : [];
  });
  const ends = loopEnds(targets, runStarts.map((i) => bodies[i] !== null));
  const viaSwitch = () => null;
  const parts = runStarts.map((i, r) => {
    const vs = start - l + i;
    if (ends[r] < 0) return `case ${vs}: ${runCode(r, viaSwitch)}`;
    const after = ends[r] + 1;
    const next = after < runStarts.length ? runStarts[after] : len;
    return `case ${vs}: ${loopCode(r, ends, targets, runCode)} P = ${start - l + next}; continue out;`;
  });
  const verify = words.map((w, i) => (compiled[i] ? `E[${start + i}] !== ${w}` : '')).filter(Boolean).join(' || ') || 'false';
  const rs = [...regs].sort((a, b) => a - b);
  // Traps taken inside (see TrapChain): not when the trap frame E[0..5] could be one of the region's words.
  const inline = chain !== undefined && start > 5;
  const load = rs.length ? rs.map((r) => `r${r} = R[${r}];`).join(' ') : '';
  // A serial number makes each compile's source new: V8 shares one function (its type feedback, its optimized
  // code) between `new Function`s of the same source, and a region compiled again from the same words (after a
  // boot, on another machine) was measured running at a third of the speed with the shared one.
  const src = `// region ${++serial}
return function region(R, E, x, budget, P, l, b, lo, span, psw, quiet) {
  if (${verify}) return -1;
  ${rs.length ? `let ${rs.map((r) => `r${r} = R[${r}]`).join(', ')};` : ''}
  let steps = 0, tc = 0, td = 0, M = ${mode};
  const L0 = l, B0 = b, win = span | 0;
  // At most 2^30 steps per call (the caller calls again), so steps is an int32.
  const lim = budget > 0x3fffffff ? 0x3fffffff : budget < 0 ? 0 : budget | 0;
  ${[...lims].map((n) => `const lim${n} = lim - ${n};`).join(' ')}
  top: for (;;) {
    out: for (;;) {
      switch (P) {
${parts.join('\n')}
        default: break out;
      }
    }
    ${[...written].map((r) => `R[${r}] = r${r};`).join(' ')}
    ${inline ? `if (tc > 0 && quiet) {
      // The trap (§3), taken here: frame, new PSW; a supervisor handler with a region runs at once, and if it
      // returns to this region's PSW, the region goes on. Otherwise the region leaves with the PSW changed; a
      // trap the handler met is not taken (its instruction runs again, a trapping instruction changed nothing).
      steps = (steps + 1) | 0; counts[tc]++;
      E[0] = M; E[1] = P; E[2] = l; E[3] = b; E[4] = tc; E[5] = td;
      M = E[8] === 0 ? 0 : 1; P = E[9]; l = E[10]; b = E[11]; tc = -1;
      if (M === 0 && steps < lim) {
        const nlo = l < 0 ? -l : 0, nhi = b < E.length - l ? b : E.length - l, nspan = nhi > nlo ? nhi - nlo : 0;
        if (((P - nlo) >>> 0) < nspan) {
          const bi = bids[P + l];
          const h = bi > 0 ? blist[bi] : null;
          if (h !== null && h.l === l && h.mode === 0 && ((h.vpc - nlo) >>> 0) < nspan && ((h.vpc + h.len - 1 - nlo) >>> 0) < nspan) {
            const n = h.fn(R, E, x, lim - steps, P, l, b, nlo, nspan, false, false);
            if (n >= 0) { steps = (steps + n) | 0; P = x[0]; if (x[1] === -1) { M = x[3]; l = x[4]; b = x[5]; } }
          }
        }
      }
      if (M === ${mode} && l === L0 && b === B0) { tc = 0; ${load} continue top; }
      x[3] = M; x[4] = l; x[5] = b;
    }` : ''}
    break;
  }
  x[0] = P; x[1] = tc; x[2] = td;
  return steps;
};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from our table and the words in memory
  const fn = new Function('cw', 'counts', 'bids', 'blist', src)(compiled, chain?.counts, chain?.bids, chain?.blocks) as Block['fn'];
  const entries: number[] = [];
  const runs: number[] = [];
  entry.forEach((e, i) => {
    if (!e || !compiled[i]) return;
    entries.push(start + i);
    let k = i;
    while (k < len && bodies[k] !== null && fallsThrough(bodies[k]!) && !/\b(GOTO|TRAP|NEWPSW)\b/.test(bodies[k]!)) k++;
    runs.push(k - i + (k < len && bodies[k] !== null ? 1 : 0));
  });
  return { vpc: start - l, pa: start, len, l, mode, words, compiled, entries, runs, fn };
}

/** Times a word must be found written over before blocks leave it out. */
export const COOL_AFTER = 2;
/** Each further time multiplies the cooling period by this. */
export const COOL_GROWTH = 8;
/** The longest cooling period, in rounds (a round is 256 executions of the word: see `allow`). */
export const MAX_COOL_ROUNDS = 4096;

/**
 * Self-modifying code without recompile storms. A block whose words changed is invalidated (it returns -1)
 * and would be compiled again after HOT more executions; code that rewrites a word on every pass would then
 * be compiled on every few passes, each compile costing as much as thousands of interpreted instructions. So
 * each word found changed is counted, and from the COOL_AFTER-th time on it is *volatile* for 1, 8, 64, …
 * (at most MAX_COOL_ROUNDS) rounds: blocks end before it and it is interpreted, while the code around it stays
 * compiled (a loop that patches one of its own operands runs as block, interpreted word, block). Code that keeps
 * changing costs O(log n) compiles in n executions; a word rewritten a few times and then left alone is compiled
 * again after a bounded wait (a wait, not a blacklist). Invalidations are rare (each follows a compile), so Maps
 * are enough and the hot dispatch is unchanged. Like the blocks, the counts outlive a boot: they are about words
 * at addresses, and a block checks its words before it runs.
 */
export class Cooling {
  private readonly invalidations = new Map<number, number>();
  private readonly rounds = new Map<number, number>();

  /** The block at physical pa, compiled from `words`, found them changed in E: each changed word is counted. */
  invalidated(E: Int32Array, pa: number, words: readonly number[], compiled?: Uint8Array): void {
    for (let i = 0; i < words.length; i++) {
      if (E[pa + i] === words[i] || (compiled && compiled[i] === 0)) continue;
      const n = (this.invalidations.get(pa + i) ?? 0) + 1;
      this.invalidations.set(pa + i, n);
      if (n >= COOL_AFTER) this.rounds.set(pa + i, Math.min(COOL_GROWTH ** (n - COOL_AFTER), MAX_COOL_ROUNDS));
    }
  }

  /** Whether the word at physical pa keeps being written over: blocks end before it. */
  volatile(pa: number): boolean {
    const r = this.rounds.get(pa);
    return r !== undefined && r > 0;
  }

  /**
   * Whether a block may start at pa now. The generated loop asks when the address's 8-bit heat counter reaches
   * HOT; for a volatile word the caller sets the counter back to HOT, so it wraps and asks again after 256
   * executions: one round, counted here without any cost in the loop.
   */
  allow(pa: number): boolean {
    const r = this.rounds.get(pa);
    if (r === undefined || r === 0) return true;
    this.rounds.set(pa, r - 1);
    return false;
  }
}
