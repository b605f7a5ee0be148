; isa: pdp10
; pdp10-retu.s — RETU, open in user mode as on the PDP-10 (run with --isa pdp10).
;
; RETU t is how a kernel enters user mode: in supervisor mode it sets M = u and P = t, so it is control
; sensitive. On the pdp10 preset it is *not* privileged: in user mode it does not trap but only jumps
; (P = t, M stays u), like the PDP-10's JRST 1. So:
;   * Theorem 1's condition fails: RETU is sensitive but not privileged. A VMM runs a guest kernel in real user mode; when
;     that kernel executes RETU to enter its own user mode, nothing traps, the VMM never learns that the VM
;     is now in virtual user mode, and the guest goes on with the privileges of virtual supervisor mode.
;   * Theorem 3's condition holds: in user mode RETU is only a jump, so it is not *user* sensitive. A hybrid monitor, which
;     interprets every instruction while the VM is in virtual supervisor mode, sees each RETU of the guest kernel.
; The theorems are sufficient conditions, not "if and only if".
;
; Here the process executes RETU itself. Under pdp10 it jumps and nothing traps; under pg1
; (`pglab run examples/pdp10-retu.s`) it traps, the kernel reports and skips it.

; ------------------------------------------------------------------------------------------------ the kernel
; The same small kernel in every preset example (kernel.s explains it line by line). It runs the process in
; user mode in the window R = (BASE, SIZE), serves its system calls, and when the process tries a privileged
; instruction it prints where, skips the instruction and lets the process go on, so the program runs to the
; end under every preset and shows which instructions trapped.
;   SVC 0 exit      SVC 1 print r1 as a character      SVC 2 print r1 in decimal      SVC 3 print the caller's M
; Registers: the process uses r1..r9, the kernel r10..r15.

        .equ BASE, 0x1000       ; l: the process's place in physical memory
        .equ SIZE, 0x100        ; b: the size of its window

start:  ST r0, [8]              ; trap vector (new PSW, E[8..11]) = (s, trap, 0, 65536)
        LI r10, trap
        ST r10, [9]
        ST r0, [10]
        LUI r10, 1
        ST r10, [11]
        LPSW [upsw]             ; enter the process: user mode, P = 0, R = (BASE, SIZE)
upsw:   .word 1, 0, BASE, SIZE

trap:   LD r10, [4]             ; cause (§3)
        LI r11, 4
        JEQ r10, r11, syscall
        LI r11, 1
        JEQ r10, r11, privileged
        LI r13, m_fault         ; any other trap ends the process
        JAL r15, puts
        OUT r10, 1
        LI r13, m_at
        JAL r15, puts
        LD r10, [1]
        OUT r10, 1
        LI r11, '\n'
        OUT r11, 0
        HALT
privileged:
        LI r13, m_priv          ; "kernel: PRIVILEGED trap at P = ..., skipped"
        JAL r15, puts
        LD r10, [1]
        OUT r10, 1
        LI r13, m_skip
        JAL r15, puts
        JMP resume
syscall:
        LD r10, [5]             ; the SVC number
        JZ r10, exit
        LI r11, 1
        JEQ r10, r11, putc
        LI r11, 2
        JEQ r10, r11, putn
        LD r12, [0]             ; SVC 3: the mode the process was in when it called, from the old PSW
        OUT r12, 1
        JMP resume
putc:   OUT r1, 0
        JMP resume
putn:   OUT r1, 1
resume: LD r10, [1]             ; continue after the instruction that trapped
        ADDI r10, 1
        ST r10, [1]
        LPSW [0]
exit:   HALT

puts:   LD r14, [r13]           ; print the string at r13, return to r15
        JZ r14, puts_end
        OUT r14, 0
        ADDI r13, 1
        JMP puts
puts_end:
        JR r15

m_fault: .string "kernel: the process took trap cause "
m_at:    .string " at P = "
m_priv:  .string "[kernel: PRIVILEGED trap at P = "
m_skip:  .string ", skipped] "

; ----------------------------------------------------------------------------------------------- the process
; It runs at virtual address 0 = physical BASE; a label x is used as x-BASE, the address the process sees.
; `say` prints the string at virtual r2 through SVC 1 (it uses r1) and returns to r9.
        .org BASE

user:   LI r2, u_hello-BASE
        JAL r9, say-BASE
        RETU jumped-BASE        ; in user mode: pdp10 = a plain jump; pg1 = PRIVILEGED trap
        LI r2, u_trapped-BASE   ; (pg1) the kernel skipped the RETU: we land here
        JAL r9, say-BASE
        SVC 0
jumped: LI r2, u_jumped-BASE
        JAL r9, say-BASE
        SVC 3                   ; ask the kernel which mode we were in: still 1, user mode
        LI r1, '\n'
        SVC 1
        SVC 0

say:    LD r1, [r2]
        JZ r1, say_end-BASE
        SVC 1
        ADDI r2, 1
        JMP say-BASE
say_end:
        JR r9

u_hello:   .string "user: executing RETU in user mode\n"
u_trapped: .string "user: RETU trapped; the kernel skipped it\n"
u_jumped:  .string "user: RETU did not trap, it only jumped; my mode is still M = "
