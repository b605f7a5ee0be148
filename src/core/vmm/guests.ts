/**
 * Guest programs written in PG/1 for measuring and testing monitors: the Recursion view's series
 * (worker/pgseries.ts) and the tower's tests run the same kernel under it.
 */

export interface CountingKernel {
  /** The user process's code, placed at the window's base (user address 0); it should leave r1 and r2 alone. */
  user: string;
  /** The kernel halts at the trap that makes its count reach this. */
  traps: number;
  /** The user window: real base and bounds. */
  base?: number;
  bounds?: number;
  /** The bounds of the kernel's own window, as its trap vector sets them (the machine's size at most). */
  q?: number;
  /** Supervisor code run first at each trap, before the count; like the kernel it may use r1 and r2 (the user's too). */
  onTrap?: string;
}

/**
 * A kernel that runs `user` as a user process and counts its traps in `count`: after the `traps`-th it halts,
 * before that it resumes the process after the instruction that trapped (P + 1 in the saved PSW).
 */
export function countingKernel({ user, traps, base = 256, bounds = 16, q = 4096, onTrap }: CountingKernel): string {
  return `start:  LI r1, handler
        ST r1, [9]
        LI r1, ${q}
        ST r1, [11]
        LPSW [upsw]
${onTrap === undefined ? 'handler: ' : `handler:\n${onTrap}\n        `}LD r1, [count]
        ADDI r1, 1
        ST r1, [count]
        LI r2, ${traps}
        JLT r1, r2, resume
        HALT
resume: LD r2, [1]
        ADDI r2, 1
        ST r2, [1]
        LPSW [r0+0]
count:  .word 0
upsw:   .word 1, 0, ${base}, ${bounds}
        .org ${base}
${user}
`;
}
