/**
 * A right and a wrong answer for every lesson, for the unit tests and the browser tests (which type them into
 * the lesson's editor). The wrong ones are plausible mistakes, not empty programs.
 */
const FRAME = `        .org 8
        .word 0, handler, 0, 16384
        .org 16`;

/**
 * A kernel whose `start` (after `boot`) runs a user program in the window (1024, 64) with LPSW; `handler` is its
 * trap handler's code, `user` the program's, from user address 0.
 */
const inWindow = (o: { boot?: string; handler: string; user: string }) => `${FRAME}
start:  ${o.boot ?? ''}LPSW [upsw]
handler:
${o.handler}
upsw:   .word 1, 0, 1024, 64
        .org 1024
${o.user}
`;

/** The user program makes an SVC; the handler prints the cause (E[4]). */
const KERNEL = inWindow({
  boot: `LI r1, 'K'
        OUT r1, 0
        `,
  handler: `        LD r2, [4]
        OUT r2, 1
        HALT`,
  user: '        SVC 7',
});

/** A kernel alone, with no user program: `start`'s code, then a handler that only halts. */
const kernelOnly = (start: string) => `${FRAME}
start:  ${start}
handler:
        HALT
`;

/** Prints, but never runs user code. */
const PRINTS_ONLY = kernelOnly(`LI r1, 'K'
        OUT r1, 0
        HALT`);

/** GETMODE betrays the monitor on x86; RETU (open on pdp10) leaves the monitor thinking the VM is in supervisor mode. */
const BETRAY = `${FRAME}
start:  GETMODE r1
        RETU user
user:   HALT
handler:
        LI r2, 1
        HALT
`;

/** The user program makes SVC 5; the handler prints the detail (E[5]). */
const SVC5 = inWindow({
  handler: `        LD r2, [5]
        OUT r2, 1
        HALT`,
  user: '        SVC 5',
});

/** The user program loads from address 100, outside its window; the handler reads detail and old l. */
const RELOCATED = inWindow({
  handler: `        LD r1, [5]
        LD r2, [2]
        HALT`,
  user: `        LI r5, 100
        LD r6, [r5]`,
});

/**
 * `wrong` is the answer the browser tests type; `alsoWrong` are more plausible mistakes each check must catch
 * (issue 11: a check that no plausible wrong answer fails checks nothing).
 */
export const SOLUTIONS: Record<string, { right: string; wrong: string; alsoWrong?: string[] }> = {
  pgmonitor: {
    right: SVC5,
    // Prints the right number without reading it: equivalent under full.s, but not what the trap delivered.
    wrong: SVC5.replace('LD r2, [5]', 'LI r2, 5'),
    alsoWrong: [
      // The kernel makes the SVC itself (supervisor mode): no user process, no trap from user mode.
      `${FRAME}
start:  SVC 5
handler:
        LD r2, [5]
        OUT r2, 1
        HALT
`,
      // Reads the cause (E[4]) instead of the detail.
      SVC5.replace('LD r2, [5]', 'LD r2, [4]'),
    ],
  },
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
    alsoWrong: [
      // Takes the trap, but the handler writes the expected number instead of reading E[4].
      `${FRAME}
start:  RETU user
user:   HALT
handler:
        LI r1, 1
        HALT
`,
      // Reads E[4] into r1, then overwrites it.
      `${FRAME}
start:  RETU user
user:   HALT
handler:
        LD r1, [4]
        LI r1, 1
        HALT
`,
    ],
  },
  relocation: {
    right: RELOCATED,
    alsoWrong: [
      // The handler writes the numbers it expects instead of reading the trap frame.
      RELOCATED.replace('LD r1, [5]\n        LD r2, [2]', 'LI r1, 100\n        LI r2, 1024'),
    ],
    // Reads the cause instead of the detail.
    wrong: RELOCATED.replace('LD r1, [5]', 'LD r1, [4]'),
  },
  monitor: {
    right: KERNEL,
    alsoWrong: [
      // The user program ends with HALT (a PRIVILEGED trap) instead of an SVC.
      KERNEL.replace('SVC 7', 'HALT'),
      // The kernel makes the SVC itself, in supervisor mode, and never starts a user program (still equivalent).
      `${FRAME}
start:  LI r1, 'K'
        OUT r1, 0
        SVC 7
handler:
        LD r2, [4]
        OUT r2, 1
        HALT
`,
      // Starts the user program, which makes its SVC, but prints nothing.
      KERNEL.replace("LI r1, 'K'\n        OUT r1, 0\n", '').replace('        OUT r2, 1\n', ''),
    ],
    // No user program: nothing is reflected and R never changes.
    wrong: PRINTS_ONLY,
  },
  theorem1: {
    right: BETRAY,
    // Only the x86 half: pdp10's full monitor stays equivalent.
    wrong: kernelOnly(`GETMODE r1
        HALT`),
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
    alsoWrong: [
      // Changes R and prints, but takes no trap at all: equivalent at every depth, yet nothing crosses the tower.
      kernelOnly(`LI r1, 'K'
        OUT r1, 0
        LI r3, 0
        LI r4, 16384
        SETR r3, r4
        HALT`),
    ],
    wrong: PRINTS_ONLY,
  },
};

/** Loops forever: the checks must stop it and say so. */
export const LOOPING = kernelOnly('JMP start');
