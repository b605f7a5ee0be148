; isa: x86
; x86-popf.s — SETR as a user-mode no-op, like x86 POPF dropping the interrupt flag (run with --isa x86).
;
; SETR ra, rb sets R = (ra, rb): control sensitive. On the x86 preset, in user mode it does nothing at all:
; no trap, no change, P just advances. Silently ignoring is as bad as running: SETR is sensitive and not
; privileged, so Theorem 1's condition fails. A guest kernel run in user mode by a VMM would believe it had changed its
; relocation, and the VMM, never told, could not make it so (POPF in Robin & Irvine 2000).
;
; The process asks for the whole of memory, R = (0, 65536), and then looks (GETR is open on x86 as well).
; Under pg1 (`pglab run examples/x86-popf.s`) SETR and GETR trap and the kernel skips them.

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

user:   LI r2, u_ask-BASE
        JAL r9, say-BASE
        LI r5, 0
        LUI r6, 1               ; r6 = 65536
        SETR r5, r6             ; x86 in user mode: nothing happens, no trap
        LI r7, -1               ; -1 stays if GETR traps and is skipped
        LI r8, -1
        GETR r7, r8             ; look at R again
        LI r2, u_l-BASE
        JAL r9, say-BASE
        MOV r1, r7
        SVC 2
        LI r2, u_b-BASE
        JAL r9, say-BASE
        MOV r1, r8
        SVC 2
        LI r2, u_end-BASE
        JAL r9, say-BASE
        SVC 0

say:    LD r1, [r2]
        JZ r1, say_end-BASE
        SVC 1
        ADDI r2, 1
        JMP say-BASE
say_end:
        JR r9

u_ask:  .string "user: SETR r5, r6 to get R = (0, 65536)\n"
u_l:    .string "user: now R = ("
u_b:    .string ", "
u_end:  .string "): unchanged, and nobody was told\n"
