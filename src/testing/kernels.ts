/** Guest programs shared by the monitors' tests (monitor, pgmonitors, resource) and the CLI's (equiv). */

export interface ReportingKernel {
  /** The user process's PSW: P (user address) and the window "l, b". */
  pc?: number;
  window?: string;
  /** Where the user code is placed (the window's base, or where P lands in it). */
  org?: number;
  /** Kernel code run before the LPSW that starts the user process. */
  extra?: string;
}

/**
 * A kernel that runs `user` as a user process and reports each of its traps on the console: the handler prints
 * the cause, ':', the detail and a space, halts on SVC 99 (which the user code ends with), and otherwise resumes
 * the process after the instruction that trapped.
 */
export function reportingKernel(user: string, { pc = 0, window = '200, 100', org = 200, extra = '' }: ReportingKernel = {}): string {
  return `
start:
  LI r1, handler
  ST r1, [9]
  LI r1, 1024
  ST r1, [11]
  ${extra}
  LPSW [upsw]
handler:
  LD r1, [4]
  OUT r1, 1
  LI r2, ':'
  OUT r2, 0
  LD r1, [5]
  OUT r1, 1
  LI r2, ' '
  OUT r2, 0
  LI r3, 99
  JEQ r1, r3, done
  LD r2, [1]
  ADDI r2, 1
  ST r2, [1]
  LPSW [r0+0]
done:
  HALT
upsw: .word 1, ${pc}, ${window}
.org ${org}
${user}
  SVC 99
`;
}

/** The guest sets the real R itself (SETR is open) and stores to real address 12, inside the monitor's area. */
export const ESCAPE = `
        .org 16
start:  LI   r1, 0
        LI   r2, 1000
        LI   r3, 77
        JMP  go
        .org 100
        ST   r3, [r0+12]      ; reached only in a VM at depth 1: real 116 is guest-physical 100
        HALT
        .org 115
go:     SETR r1, r2           ; R = (0, 1000): bare, the next fetch is physical 116
        ST   r3, [r0+12]
        HALT
`;
