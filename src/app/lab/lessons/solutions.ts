/**
 * A right and a wrong answer for every lesson, for the unit tests and the browser tests (which type them into
 * the lesson's editor). The wrong ones are plausible mistakes, not empty programs.
 */
const FRAME = `        .org 8
        .word 0, handler, 0, 16384
        .org 16`;

/** A kernel that starts a user program in the window (1024, 64) with LPSW; the user program makes an SVC. */
const KERNEL = `${FRAME}
start:  LI r1, 'K'
        OUT r1, 0
        LPSW [upsw]
handler:
        LD r2, [4]
        OUT r2, 1
        HALT
upsw:   .word 1, 0, 1024, 64
        .org 1024
        SVC 7
`;

/** GETMODE betrays the monitor on x86; RETU (open on pdp10) leaves the monitor thinking the VM is in supervisor mode. */
const BETRAY = `${FRAME}
start:  GETMODE r1
        RETU user
user:   HALT
handler:
        LI r2, 1
        HALT
`;

export const SOLUTIONS: Record<string, { right: string; wrong: string }> = {
  machine: {
    right: `${FRAME}
start:  RETU user
user:   HALT            ; privileged: traps in user mode
handler:
        LD r1, [4]
        HALT
`,
    // Never leaves supervisor mode: the HALT simply stops the machine.
    wrong: `${FRAME}
start:  LI r1, 1
        HALT
handler:
        LD r1, [4]
        HALT
`,
  },
  relocation: {
    right: `${FRAME}
start:  LPSW [upsw]
handler:
        LD r1, [5]
        LD r2, [2]
        HALT
upsw:   .word 1, 0, 1024, 64
        .org 1024
        LI r5, 100
        LD r6, [r5]
`,
    // Reads the cause instead of the detail.
    wrong: `${FRAME}
start:  LPSW [upsw]
handler:
        LD r1, [4]
        LD r2, [2]
        HALT
upsw:   .word 1, 0, 1024, 64
        .org 1024
        LI r5, 100
        LD r6, [r5]
`,
  },
  monitor: {
    right: KERNEL,
    // No user program: nothing is reflected and R never changes.
    wrong: `${FRAME}
start:  LI r1, 'K'
        OUT r1, 0
        HALT
handler:
        HALT
`,
  },
  theorem1: {
    right: BETRAY,
    // Only the x86 half: pdp10's full monitor stays equivalent.
    wrong: `${FRAME}
start:  GETMODE r1
        HALT
handler:
        HALT
`,
  },
  hybrid: {
    right: `${FRAME}
start:  RETU user
user:   HALT
handler:
        LI r2, 1
        HALT
`,
    // No RETU: the full monitor is already equivalent, so the hybrid one shows nothing.
    wrong: KERNEL,
  },
  recursion: {
    right: KERNEL,
    // Prints, but never runs user code.
    wrong: `${FRAME}
start:  LI r1, 'K'
        OUT r1, 0
        HALT
handler:
        HALT
`,
  },
};

/** Loops forever: the checks must stop it and say so. */
export const LOOPING = `${FRAME}
start:  JMP start
handler:
        HALT
`;
