/**
 * The kernel-heavy x86 guest on which the three ways beyond 1974 are compared: by the lessons' chart (counts of
 * how each guest instruction ran, src/lessons/costs.ts) and by `npm run bench` (their speed, bench/beyond-bench.ts).
 * The kernel checksums a table many times in supervisor mode, reading its R with GETR (on x86 sensitive and
 * unprivileged) each round, then starts a user process whose system call prints the checksum.
 */
import type { MonitorKind } from '../core/vmm/kinds';

/**
 * The guest's source. `para` replaces the kernel's GETR r10, r11 with the GETR hypercall (SVC 0xFF01, results in
 * r1, r2; docs/HYPERCALLS.md), served natively by the kernel's own trap handler on a bare machine. `rounds` = 0
 * makes the kernel loop about 2^32 rounds: the bench runs it a fixed number of instructions, never to the end.
 */
export function kernelHeavySource(rounds: number, para: boolean): string {
  if (!Number.isInteger(rounds) || rounds < 0 || rounds > 0x7fff) throw new RangeError(`rounds must be an integer from 0 to 32767, got ${rounds}`);
  const getr = para ? ['  SVC 0xFF01', '  MOV r10, r1', '  MOV r11, r2'] : ['  GETR r10, r11'];
  return [
    `; kernel-heavy x86 guest${para ? ', paravirtualized' : ''} (src/lessons/guest.ts)`,
    '.equ N, 400',
    'start: ST r0, [8]',
    '  LI r10, trap',
    '  ST r10, [9]',
    '  ST r0, [10]',
    '  LUI r10, 1',
    '  ST r10, [11]',
    '  LI r1, 0', // fill the table: t[i] = i * 3
    'fill: LI r2, N',
    '  JEQ r1, r2, filled',
    '  MOV r3, r1',
    '  ADD r3, r1',
    '  ADD r3, r1',
    '  ST r3, [r1+table]',
    '  ADDI r1, 1',
    '  JMP fill',
    'filled: LI r9, 0', // r9: the checksum
    `  LI r8, ${rounds}`,
    'round:',
    ...getr,
    '  ADD r9, r10', // the kernel uses its R: bare (0, q), under a monitor the virtual one
    '  ADD r9, r11',
    '  LI r1, 0',
    'sum: LD r3, [r1+table]',
    '  ADD r9, r3',
    '  XOR r9, r1',
    '  ADDI r1, 1',
    '  LI r2, N',
    '  JLT r1, r2, sum',
    '  ADDI r8, -1',
    '  JNZ r8, round',
    '  LPSW [upsw]',
    // On a bare machine the GETR hypercall traps to the kernel itself: it serves it on the saved PSW.
    'trap: LD r10, [0]',
    '  JNZ r10, sys',
    '  LD r1, [2]',
    '  LD r2, [3]',
    '  JMP resume',
    'sys: LD r10, [5]',
    '  JZ r10, exit',
    '  OUT r9, 1',
    'resume: LD r10, [1]',
    '  ADDI r10, 1',
    '  ST r10, [1]',
    '  LPSW [0]',
    'exit: HALT',
    'upsw: .word 1, 0, 0x3000, 16',
    'table: .zero N',
    '.org 0x3000',
    '  SVC 1',
    '  SVC 0',
  ].join('\n');
}

/** The ways to run the guest on x86 that the chart and the bench compare (the bare machine is their yardstick). */
export interface Technique {
  id: 'full' | 'hybrid' | 'bt' | 'para' | 'assist';
  label: string;
  kind: MonitorKind;
  /** The paravirtualized kernel under the full monitor with hypercalls. */
  para: boolean;
  /** x86 with a guest mode (the ISA field `assist`). */
  assist: boolean;
}

export const TECHNIQUES: readonly Technique[] = [
  { id: 'full', label: 'full monitor, unmodified kernel', kind: 'full', para: false, assist: false },
  { id: 'hybrid', label: 'hybrid (interpreted)', kind: 'hybrid', para: false, assist: false },
  { id: 'bt', label: 'binary translation', kind: 'bt', para: false, assist: false },
  { id: 'para', label: 'paravirtualization', kind: 'full', para: true, assist: false },
  { id: 'assist', label: 'hardware assist', kind: 'assist', para: false, assist: true },
];
