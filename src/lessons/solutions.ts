/**
 * A right and a wrong answer for every lesson, for the unit tests and the browser tests (which type them into
 * the lesson's editor). The wrong ones are plausible mistakes, not empty programs.
 */
const FRAME = `        .org 8
        .word 0, handler, 0, 16384
        .org 16`;

/** A user program in the window (1024, 64) that makes SVC n, started by `LPSW [upsw]`. */
const userSvc = (n: number): string => `upsw:   .word 1, 0, 1024, 64
        .org 1024
        SVC ${n}
`;

/** Starts that user program; its handler prints word `at` of the trap frame (from register r) and halts. */
const startAndServe = (r: string, at: number, n: number): string => `        LPSW [upsw]
handler:
        LD ${r}, [${at}]
        OUT ${r}, 1
        HALT
${userSvc(n)}`;

/** A kernel that starts a user program in the window (1024, 64) with LPSW; the user program makes an SVC. */
const KERNEL = `${FRAME}
start:  LI r1, 'K'
        OUT r1, 0
${startAndServe('r2', 4, 7)}`;

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

/** A user program in the window (1024, 64) makes SVC 5; the handler prints the detail (E[5]). */
const SVC5 = `${FRAME}
start:  ${startAndServe('r2', 5, 5).trimStart()}`;

/** A user program in the window (1024, 64) loads from address 100, outside it; the handler reads detail and old l. */
const RELOCATED = `${FRAME}
start:  LPSW [upsw]
handler:
        LD r1, [5]
        LD r2, [2]
        HALT
upsw:   .word 1, 0, 1024, 64
        .org 1024
        LI r5, 100
        LD r6, [r5]
`;

/** Lesson 8: an x86 kernel that prints its mode and bound (GETMODE, GETR), loops, and serves a user program's SVC. */
const X86_KERNEL = `${FRAME}
start:  GETMODE r1
        OUT r1, 1
        GETR r2, r3
        OUT r3, 1
        LI r4, 0
loop:   ADDI r4, 1
        LI r5, 50
        JLT r4, r5, loop
${startAndServe('r6', 5, 3)}`;

/**
 * Lesson 9: the unmodified kernel of src/lessons/beyond.ts with hypercalls for GETMODE and GETR and a native
 * backend in its handler (old M = 0: the kernel's own SVC, a hypercall on the bare machine).
 */
const PARA_HEAD = `${FRAME}
start:  LI r7, ' '
        SVC 0xFF00              ; hypercall GETMODE: r1 = M
        OUT r1, 1
        OUT r7, 0
        SVC 0xFF01              ; hypercall GETR: r1 = l, r2 = b
        MOV r3, r2
        MOV r2, r1
        OUT r3, 1
        OUT r7, 0
        LI r4, 0
work:   ADDI r4, 1
        LI r5, 100
        JLT r4, r5, work
        LPSW [upsw]
handler:
        LD r6, [0]
        JZ r6, native
        LD r6, [5]
        OUT r6, 1
        HALT
`;
const PARA_TAIL = userSvc(7);
const NATIVE = `native: LD r6, [5]
        MOV r8, r0
        ORI r8, 0xFF00
        JEQ r6, r8, n_mode
        LD r1, [2]              ; native GETR: the saved l and b
        LD r2, [3]
        JMP resume
n_mode: LD r1, [0]              ; native GETMODE: the saved M
resume: MOV r8, r0               ; leave no trace the monitor would not leave: equivalence compares registers
        LD r6, [1]
        ADDI r6, 1
        ST r6, [1]
        LPSW [0]
`;
const PARA = PARA_HEAD + NATIVE + PARA_TAIL;

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
  translate: {
    right: X86_KERNEL,
    // Assumes its mode and R instead of reading them: the full monitor is already equivalent, nothing to translate around.
    wrong: X86_KERNEL.replace('GETMODE r1', 'LI r1, 0').replace('GETR r2, r3', 'LI r3, 16384'),
    alsoWrong: [
      // No loop: nearly every kernel instruction is a call into the monitor.
      X86_KERNEL.replace('loop:   ADDI r4, 1\n        LI r5, 50\n        JLT r4, r5, loop\n', ''),
      // No user program: the kernel halts after its loop.
      X86_KERNEL.replace('        LPSW [upsw]\n', '        HALT\n'),
      // The same kernel with GETMODE and GETR only in the user program.
      X86_KERNEL.replace('start:  GETMODE r1\n        OUT r1, 1\n        GETR r2, r3\n        OUT r3, 1\n', 'start:  ').replace('        SVC 3\n', '        GETMODE r1\n        GETR r2, r3\n        SVC 3\n'),
    ],
  },
  paravirt: {
    right: PARA,
    // Hypercalls without a native backend: on the bare machine the kernel's SVC lands in the user-SVC path.
    wrong: PARA_HEAD.replace('        JZ r6, native\n', '') + PARA_TAIL,
    alsoWrong: [
      // Prints what it expects instead of asking: right on 16384 words, wrong on 8192, and no hypercall at all.
      PARA.replace("        SVC 0xFF00              ; hypercall GETMODE: r1 = M\n", '        LI r1, 0\n').replace('        SVC 0xFF01              ; hypercall GETR: r1 = l, r2 = b\n', '        LI r1, 0\n        LI r2, 16384\n'),
      // Hypercalls made, results ignored: the bound printed is a constant.
      PARA.replace('        MOV r3, r2\n', '        LI r3, 16384\n'),
      // Still GETMODE in the kernel (only GETR paravirtualized).
      PARA.replace("        SVC 0xFF00              ; hypercall GETMODE: r1 = M\n", '        GETMODE r1\n'),
    ],
  },
  assist: {
    right: `{ "name": "x86-vt", "base": "x86", "assist": true }\n`,
    // x86 as it is: no guest mode.
    wrong: `{ "name": "x86-vt", "base": "x86" }\n`,
    alsoWrong: [
      // Making the sensitive instructions privileged is a new ISA (pg1), not hardware assist.
      `{ "name": "x86-vt", "base": "x86", "assist": true, "variants": { "GETMODE": "privileged", "GETR": "privileged", "SETR": "privileged" } }\n`,
      // Guest mode on another machine.
      `{ "name": "pg1-vt", "base": "pg1", "assist": true }\n`,
    ],
  },
};

/** Loops forever: the checks must stop it and say so. */
export const LOOPING = kernelOnly('JMP start');
