/**
 * Random kernel + user programs for the monitor's property tests and the benchmark (not used by the app).
 *
 * The kernel sets up the trap vector E[8..11], loads the user's registers and drops into user mode with LPSW
 * into a window (l, b). The user part mixes innocuous work, SVCs, loads and stores near and past the bounds,
 * privileged and illegal instructions and forward jumps. The kernel's handler prints the cause (and sometimes
 * the detail), counts traps, halts after a few, or resumes the user after the trapping instruction, sometimes
 * first changing the user's R (through the saved PSW, SETR + RETU, or another LPSW), reading GETR / GETMODE /
 * LRA, or doing I/O. Time (§11): the kernel may arm the interval timer before entering the user, and the
 * handler may re-arm it or print the clock, so TIMER traps preempt the user anywhere. The program is generated as
 * assembly text, so a counterexample reads like a program.
 */
import fc from 'fast-check';
import { assemble } from '../core/asm/assembler';
import type { Isa } from '../core/isa/isa';
import type { Image } from '../core/machine/machine';

export type UserOp =
  | { k: 'alu'; mn: string; a: number; b: number }
  | { k: 'li'; a: number; v: number }
  | { k: 'addi'; a: number; v: number }
  | { k: 'lui'; a: number; v: number }
  | { k: 'svc'; n: number }
  | { k: 'ld' | 'st'; a: number; off: number }
  | { k: 'ldr'; a: number; b: number; off: number }
  | { k: 'priv'; mn: string; a: number; b: number; off: number }
  | { k: 'illegal' }
  | { k: 'jmp'; mn: 'JMP' | 'JZ' | 'JNZ' | 'RETU'; a: number; skip: number }
  | { k: 'selfmod'; a: number; skip: number }
  /** A counted loop of n turns (a backward jump): hot enough for the block compiler to take it over. */
  | { k: 'loop'; a: number; b: number; n: number };

/** Words an operation takes in the user's code. */
export function opSize(op: UserOp): number {
  return op.k === 'loop' ? 4 : 1;
}

export const KERNEL_EXTRAS = ['none', 'bounds', 'base', 'setr-retu', 'getr', 'getmode', 'lra', 'io', 'lpsw-alt', 'timer', 'clock'] as const;
export type KernelExtra = (typeof KERNEL_EXTRAS)[number];

export interface ProgSpec {
  w: number;
  /** The user's window (l, b). */
  ul: number;
  ub: number;
  /** Alternative window for 'lpsw-alt' / 'setr-retu'. */
  al: number;
  ab: number;
  regs: number[];
  user: UserOp[];
  extras: KernelExtra[];
  printDetail: boolean;
  maxTraps: number;
  input: string;
  /** The interval timer the kernel arms before entering the user (null: none); 'timer' re-arms it with this. */
  tick: number | null;
  /**
   * Times the user's code runs (r15 counts them down; nothing else uses r15), so that all of it, its traps and
   * its stores into its own code, gets hot: the block compiler's case. Absent: once.
   */
  rounds?: number;
}

const ALU = ['ADD', 'SUB', 'MUL', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'MOV', 'DIV', 'MOD'];
const PRIV = ['HALT', 'LPSW', 'SETR', 'GETMODE', 'GETR', 'LRA', 'RETU', 'IN', 'OUT'];
const reg = fc.integer({ min: 1, max: 9 });

export function arbUserOp(ub: number, privWeight = 2): fc.Arbitrary<UserOp> {
  const near = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: ub - 3, max: ub + 3 }), fc.integer({ min: 0, max: Math.max(0, ub - 1) }));
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ k: fc.constant('alu' as const), mn: fc.constantFrom(...ALU), a: reg, b: fc.integer({ min: 0, max: 9 }) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('li' as const), a: reg, v: fc.integer({ min: -32768, max: 32767 }) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('addi' as const), a: reg, v: fc.integer({ min: -5, max: 5 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('lui' as const), a: reg, v: fc.integer({ min: 0, max: 0xffff }) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('svc' as const), n: fc.integer({ min: 0, max: 99 }) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constantFrom('ld' as const, 'st' as const), a: reg, off: near }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('ldr' as const), a: reg, b: reg, off: fc.integer({ min: -4, max: 4 }) }) },
    {
      weight: privWeight,
      arbitrary: fc.record({ k: fc.constant('priv' as const), mn: fc.constantFrom(...PRIV), a: reg, b: reg, off: near }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('illegal' as const) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('jmp' as const), mn: fc.constantFrom('JMP' as const, 'JZ' as const, 'JNZ' as const, 'RETU' as const), a: reg, skip: fc.integer({ min: 1, max: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('selfmod' as const), a: reg, skip: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('loop' as const), a: reg, b: reg, n: fc.integer({ min: 8, max: 40 }) }) },
  );
}

export interface GenOptions {
  /** VM (and bare) memory size. */
  w?: number;
  minUser?: number;
  maxUser?: number;
  /** Relative weight of privileged user instructions (default 2). */
  privWeight?: number;
  /** ProgSpec.rounds; the kernel then halts after up to that many times more traps. */
  rounds?: number;
  /**
   * Kernels that read the clock or arm the timer (§11; default true). Off for a monitor that passes the real
   * clock through (`--time real`, or a PG/1 monitor written so): it is timing dependent, and §11 lets such a
   * guest see other times. Ours in monitors/ keep virtual time, so their tests use the default.
   */
  time?: boolean;
}

/** Kernel code and data live below KERNEL_END; user windows start there. */
const KERNEL_END = 160;

export function arbProgSpec(o: GenOptions = {}): fc.Arbitrary<ProgSpec> {
  const w = o.w ?? 512;
  return fc
    .record({
      ul: fc.integer({ min: KERNEL_END, max: w - 48 }),
      ubExtra: fc.integer({ min: -8, max: 8 }),
      ubBase: fc.integer({ min: 24, max: 96 }),
      // Negative bases and bounds past memory too: R that no real window expresses (the interpreter's case).
      al: fc.oneof(fc.integer({ min: KERNEL_END, max: w - 32 }), fc.constant(0), fc.integer({ min: -12, max: -1 })),
      ab: fc.oneof(fc.integer({ min: 16, max: w }), fc.integer({ min: w, max: w + 64 }), fc.integer({ min: -3, max: 0 })),
    })
    .chain(({ ul, ubExtra, ubBase, al, ab }) => {
      const ub = Math.max(1, Math.min(ubBase, w - ul) + (ubExtra > 4 ? ubExtra : 0));
      return fc.record({
        w: fc.constant(w),
        ul: fc.constant(ul),
        ub: fc.constant(ub),
        al: fc.constant(al),
        ab: fc.constant(ab),
        regs: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 9, maxLength: 9 }),
        user: fc
          .array(arbUserOp(ub, o.privWeight), {
            minLength: o.minUser ?? 3,
            maxLength: Math.max(o.minUser ?? 3, Math.min(o.maxUser ?? 24, ub - 1, w - ul - 2)),
          })
          .map((ops) => fitWords(ops, Math.max(o.minUser ?? 3, Math.min(ub - 1, w - ul - 2)) - (o.rounds ? 2 : 0))),
        extras: fc.array(fc.constantFrom<KernelExtra>(...KERNEL_EXTRAS.filter((x) => o.time !== false || (x !== 'timer' && x !== 'clock'))), {
          minLength: 1,
          maxLength: 4,
        }),
        printDetail: fc.boolean(),
        maxTraps: fc.integer({ min: 3, max: 14 }),
        input: fc.string({ maxLength: 6 }).map((s) => s.replace(/[^ -~]/g, 'x')),
        tick: o.time === false ? fc.constant(null) : fc.option(fc.integer({ min: 1, max: 40 }), { freq: 2 }),
      });
    })
    .map((s) => (o.rounds === undefined ? s : { ...s, rounds: o.rounds, maxTraps: s.maxTraps * o.rounds }));
}

/** The longest prefix of ops whose code fits `words` words (a loop takes 4), so the program fits memory. */
function fitWords(ops: UserOp[], words: number): UserOp[] {
  let used = 0;
  let n = 0;
  while (n < ops.length && used + opSize(ops[n]) <= words) used += opSize(ops[n++]);
  return ops.slice(0, n);
}

/** The assembly source of a generated program. */
export function progSource(s: ProgSpec): string {
  const L: string[] = [];
  const e = (x: string) => L.push(x);
  e('; generated kernel + user program');
  e('.org 16');
  e('start:');
  e('  LI r1, 0');
  e('  ST r1, [8]');
  e('  LI r1, handler');
  e('  ST r1, [9]');
  e('  ST r0, [10]');
  e(`  LI r1, ${s.w}`);
  e('  ST r1, [11]');
  if (s.tick !== null) {
    e(`  LI r1, ${s.tick}`);
    e('  OUT r1, 2');
  }
  s.regs.forEach((v, i) => e(`  LI r${i + 1}, ${v}`));
  if (s.rounds) e(`  LI r15, ${s.rounds}`);
  e('  LPSW [upsw]');
  e('handler:');
  e('  LD r13, [4]');
  e('  LD r14, [5]');
  e('  OUT r13, 1');
  if (s.printDetail) {
    e("  LI r12, ':'");
    e('  OUT r12, 0');
    e('  OUT r14, 1');
  }
  e("  LI r12, ' '");
  e('  OUT r12, 0');
  e('  LD r12, [count]');
  e('  ADDI r12, 1');
  e('  ST r12, [count]');
  e(`  LI r11, ${s.maxTraps}`);
  e('  JLT r12, r11, resume');
  e('  HALT');
  e('resume:');
  e('  LD r10, [1]');
  e('  ADDI r10, 1');
  e('  ST r10, [1]');
  // Which extra runs depends on the trap count, so one program exercises several of them.
  s.extras.forEach((x, i) => {
    const skip = `kx${i}`;
    e(`  LI r11, ${s.extras.length}`);
    e('  MOD r11, r12');
    e(`  LI r10, ${i}`);
    e(`  JEQ r11, r10, ${skip}a`);
    e(`  JMP ${skip}`);
    e(`${skip}a:`);
    switch (x) {
      case 'none':
        break;
      case 'bounds':
        e(`  LI r10, ${s.ab}`);
        e('  ST r10, [3]');
        break;
      case 'base':
        e(`  LI r10, ${s.al}`);
        e('  ST r10, [2]');
        break;
      case 'getr':
        e('  GETR r10, r11');
        e('  OUT r11, 1');
        break;
      case 'getmode':
        e('  GETMODE r10');
        e('  OUT r10, 1');
        break;
      case 'lra':
        e('  LRA r10, [r0+5]');
        e('  OUT r10, 1');
        break;
      case 'io':
        e('  IN r10, 0');
        e('  OUT r10, 1');
        break;
      case 'lpsw-alt':
        e('  LPSW [apsw]');
        break;
      case 'timer':
        e(`  LI r10, ${s.tick ?? 17}`);
        e('  OUT r10, 2');
        break;
      case 'clock':
        e('  IN r10, 2');
        e('  OUT r10, 1');
        break;
      case 'setr-retu':
        // l stays 0 so that the RETU after the SETR is fetched where it lies; b must cover it.
        e(`  LI r11, ${Math.max(s.ab, KERNEL_END)}`);
        e('  SETR r0, r11');
        e(`  RETU ${s.ul}`);
        break;
    }
    e(`${skip}:`);
  });
  e('  LPSW [r0+0]');
  e('count: .word 0');
  e(`upsw: .word 1, 0, ${s.ul}, ${s.ub}`);
  e(`apsw: .word 1, 0, ${s.al}, ${s.ab}`);
  e(`.org ${s.ul}`);
  s.user.forEach((op, i) => {
    e(`u${i}:`);
    const tgt = (skip: number) => `u${Math.min(i + 1 + skip, s.user.length)}-${s.ul}`;
    switch (op.k) {
      case 'alu':
        e(`  ${op.mn} r${op.a}, r${op.b}`);
        break;
      case 'li':
        e(`  LI r${op.a}, ${op.v}`);
        break;
      case 'addi':
        e(`  ADDI r${op.a}, ${op.v}`);
        break;
      case 'lui':
        e(`  LUI r${op.a}, ${op.v}`);
        break;
      case 'svc':
        e(`  SVC ${op.n}`);
        break;
      case 'ld':
        e(`  LD r${op.a}, [r0${op.off < 0 ? '-' : '+'}${Math.abs(op.off)}]`);
        break;
      case 'st':
        e(`  ST r${op.a}, [r0${op.off < 0 ? '-' : '+'}${Math.abs(op.off)}]`);
        break;
      case 'ldr':
        e(`  LD r${op.a}, [r${op.b}${op.off < 0 ? '-' : '+'}${Math.abs(op.off)}]`);
        break;
      case 'priv': {
        const mem = `[r0${op.off < 0 ? '-' : '+'}${Math.abs(op.off)}]`;
        const form: Record<string, string> = {
          HALT: 'HALT',
          LPSW: `LPSW ${mem}`,
          SETR: `SETR r${op.a}, r${op.b}`,
          GETMODE: `GETMODE r${op.a}`,
          GETR: `GETR r${op.a}, r${op.b}`,
          LRA: `LRA r${op.a}, ${mem}`,
          RETU: `RETU ${tgt(1)}`,
          IN: `IN r${op.a}, ${op.b & 1}`,
          OUT: `OUT r${op.a}, ${op.b & 1}`,
        };
        e(`  ${form[op.mn]}`);
        break;
      }
      case 'illegal':
        e('  .word 0xFF000000');
        break;
      case 'jmp':
        if (op.mn === 'JMP' || op.mn === 'RETU') e(`  ${op.mn} ${tgt(op.skip)}`);
        else e(`  ${op.mn} r${op.a}, ${tgt(op.skip)}`);
        break;
      case 'selfmod':
        // Overwrite a later instruction of the user's own code with a register's value.
        e(`  ST r${op.a}, [r0+${tgt(op.skip)}]`);
        break;
      case 'loop': {
        // Backward jump: the body runs n times, hot after a few turns. The sum goes to another register than
        // the counter, so the loop always ends.
        const sum = op.b === op.a ? (op.a % 9) + 1 : op.b;
        e(`  LI r${op.a}, ${op.n}`);
        e(`u${i}l:`);
        e(`  ADDI r${op.a}, -1`);
        e(`  ADD r${sum}, r${op.a}`);
        e(`  JNZ r${op.a}, u${i}l-${s.ul}`);
        break;
      }
    }
  });
  e(`u${s.user.length}:`);
  if (s.rounds) {
    e('  ADDI r15, -1');
    e('  JNZ r15, 0');
  }
  e('  SVC 7');
  return L.join('\n') + '\n';
}

export function progImage(s: ProgSpec, isa: Isa): Image {
  const r = assemble(progSource(s), isa);
  const end = r.symbols.get('apsw');
  if (end === undefined || end + 4 > s.ul) throw new Error(`generated kernel overlaps the user code at ${s.ul}`);
  if (!r.ok) throw new Error(`generated program does not assemble: ${r.errors.map((x) => `${x.line}:${x.col} ${x.message}`).join('; ')}\n${progSource(s)}`);
  return r.image;
}

/** Number of property runs: PGLAB_PROPERTY_RUNS raises it (CI default given by the caller). */
export function propertyRuns(dflt: number): number {
  const v = Number(typeof process !== 'undefined' ? process.env.PGLAB_PROPERTY_RUNS : undefined);
  return Number.isInteger(v) && v > 0 ? v : dflt;
}
