import type { Isa } from '../isa/isa';
import { isUser } from '../isa/isa';
import type { InstrDef } from '../isa/table';
import { expandSnippet, type Backend } from './codegen';

/**
 * Block compilation: a hot run of innocuous instructions (no variant, no user effect) becomes one JavaScript
 * function built from the same `exec` snippets as the interpreter, with the instruction fields as constants.
 * A block that jumps back to its own start loops inside the function. Exact semantics are kept:
 * - the caller checks that the whole block lies in the window and that its length fits the step budget;
 * - each load/store is checked (§2) and a trap exits with P at the trapping instruction and the steps before it;
 * - the block checks its own words on entry, and a store into its own words ends it, so code that was written
 *   over (by the guest, a monitor, a restore) is never run stale.
 *
 * A block function is `(R, E, x, budget, l, lo, span) => steps`; on return x[0] = next P, x[1] = trap cause
 * (0 = none), x[2] = trap detail; steps excludes a trapping instruction. It returns -1 when its words changed.
 */
export interface Block {
  /** Virtual address of the first instruction (the block is valid only where P + l gives its physical start). */
  vpc: number;
  len: number;
  /** The words it was compiled from (at physical pa .. pa + len - 1). */
  words: readonly number[];
  fn: (R: Int32Array, E: Int32Array, x: Int32Array, budget: number, l: number, lo: number, span: number) => number;
}

export const MAX_BLOCK = 64;

function blockable(d: InstrDef | undefined): d is InstrDef {
  return !!d && !d.variants && !isUser(d);
}

/** An instruction that does not fall through to the next one (jumps, SVC) ends its block. */
function endsBlock(d: InstrDef): boolean {
  return /\bGOTO\(/.test(d.exec) || !/\bNEXT\s*$/.test(d.exec);
}

/** The canonical word of an instruction: unused fields must be zero, or the word is not compiled. */
function canonical(d: InstrDef, w: number): boolean {
  const k = d.operands;
  const usesRa = k.includes('ra');
  const usesRb = k.includes('rb') || k.includes('mem');
  const usesImm = k.some((x) => x !== 'ra' && x !== 'rb');
  return (usesRa || ((w >>> 20) & 15) === 0) && (usesRb || ((w >>> 16) & 15) === 0) && (usesImm || (w & 0xffff) === 0);
}

/** Compiles the block at physical pa (virtual vpc); it ends before any later word for which `stop` is true. */
export function compileBlock(isa: Isa, E: Int32Array, pa: number, vpc: number, stop?: (pa: number) => boolean): Block | null {
  const words: number[] = [];
  const defs: InstrDef[] = [];
  for (let i = 0; i < MAX_BLOCK && pa + i < E.length; i++) {
    if (i > 0 && stop?.(pa + i)) break;
    const w = E[pa + i];
    const d = isa.byOp[w >>> 24];
    if (!blockable(d) || !canonical(d, w)) break;
    words.push(w);
    defs.push(d);
    if (endsBlock(d)) break;
  }
  const len = words.length;
  if (len === 0) return null;
  const parts: string[] = [];
  for (let i = 0; i < len; i++) {
    const w = words[i];
    const pc = vpc + i;
    const last = i === len - 1;
    const exit = (next: string, done: number) => `{ x[0] = ${next}; x[1] = 0; steps += ${done}; break blk; }`;
    const be: Backend = {
      macro(name, args) {
        switch (name) {
          case 'LOAD':
            return `if (((${args[1]}) - lo) >>> 0 >= span) { x[0] = ${pc}; x[1] = 2; x[2] = (${args[1]}); steps += ${i}; break blk; } ${args[0]} = E[(${args[1]}) + l];`;
          case 'STORE':
            return (
              `if (((${args[0]}) - lo) >>> 0 >= span) { x[0] = ${pc}; x[1] = 2; x[2] = (${args[0]}); steps += ${i}; break blk; }` +
              ` { const sp = (${args[0]}) + l; E[sp] = ${args[1]}; if (sp >= ${pa} && sp < ${pa + len}) ${exit(String(pc + 1), i + 1)} }`
            );
          case 'TRAP':
            return `{ x[0] = ${pc}; x[1] = ${args[0]}; x[2] = ${args[1]}; steps += ${i}; break blk; }`;
          case 'SETREG':
            return `{ R[${args[0]}] = ${args[1]}; R[0] = 0; }`;
          case 'GOTO':
            return (
              `{ const t = ${args[0]}; steps += ${len};` +
              ` if (t === ${vpc} && steps + ${len} <= budget) continue blk;` +
              ` x[0] = t; x[1] = 0; break blk; }`
            );
          case 'CHECK':
            throw new Error('CHECK is not blockable');
        }
      },
      NEXT: last ? exit(String(pc + 1), len) : '',
      NEWPSW: '',
      HALT: '',
      // Devices (IN/OUT) have variants, so they are never compiled; the clock is not needed here.
      NOW: '0',
      RETIME: '',
    };
    const code = expandSnippet(defs[i].exec, be);
    parts.push(
      `{ const w = ${w}, pc = ${pc}, ra = ${(w >>> 20) & 15}, rb = ${(w >>> 16) & 15}, simm = ${(w << 16) >> 16}, uimm = ${w & 0xffff}; ${code} }`,
    );
  }
  const verify = words.map((w, i) => `E[${pa + i}] !== ${w}`).join(' || ');
  const src = `return function block(R, E, x, budget, l, lo, span) {
  if (${verify}) return -1;
  let steps = 0;
  blk: for (;;) {
${parts.join('\n')}
  }
  return steps;
};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from our table and the words in memory
  const fn = new Function(src)() as Block['fn'];
  return { vpc, len, words, fn };
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
  invalidated(E: Int32Array, pa: number, words: readonly number[]): void {
    for (let i = 0; i < words.length; i++) {
      if (E[pa + i] === words[i]) continue;
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
