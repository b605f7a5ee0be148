; kernel.s — a tiny operating system: a kernel, one user process, system calls and a memory trap.
;
; This is the situation of Popek & Goldberg's paper on a real (bare) machine:
;   * the kernel runs in supervisor mode with R = (0, q): it sees all of physical memory;
;   * the process runs in user mode inside a window R = (l, b) = (0x1000, 0x100): its virtual address a is
;     the physical address a + 0x1000, and any a >= 0x100 is a MEMORY trap (PG1.md §2);
;   * every trap saves the old PSW (M, P, l, b) in physical E[0..3], the cause in E[4] and the detail in E[5],
;     and loads the new PSW from E[8..11] (§3). That new PSW, the trap vector, is how the kernel gets control.
;
; System calls of this kernel (SVC n traps with cause 4, detail n):
;   SVC 0  exit            SVC 1  print the character in r1            SVC 2  print r1 in decimal
;
; Register convention: the process uses r1..r9, the kernel r10..r15 (a trap does not save registers, so the
; kernel must leave the process's registers alone).

        .equ BASE, 0x1000       ; l: where the process lives in physical memory
        .equ SIZE, 0x100        ; b: the size of its window

; ---------------------------------------------------------------------------------------------- the kernel
start:  ST r0, [8]              ; trap vector, new M = 0: traps run the kernel in supervisor mode
        LI r10, trap
        ST r10, [9]             ;   new P = trap: the kernel's trap handler
        ST r0, [10]             ;   new l = 0
        LUI r10, 1              ;   r10 = 1 << 16 = 65536
        ST r10, [11]            ;   new b = 65536: the handler sees all of memory
        LI r13, m_boot
        JAL r15, puts
        LPSW [upsw]             ; load the process's PSW: user mode, P = 0, R = (BASE, SIZE). It runs now.

upsw:   .word 1, 0, BASE, SIZE  ; M = u, P = 0 (virtual), l = BASE, b = SIZE

; The trap handler. The process's PSW is in E[0..3]; E[4] says why we are here.
trap:   LD r10, [4]             ; r10 = cause
        LI r11, 4
        JEQ r10, r11, syscall   ; cause 4: a system call
        ; Anything else is a fault of the process: report it and stop.
        LI r13, m_trap
        JAL r15, puts
        OUT r10, 1              ; the cause, as a number
        LD r13, [r10+causes]    ; and by name: causes[cause] is the address of its name
        JAL r15, puts
        LI r13, m_detail
        JAL r15, puts
        LD r10, [5]
        OUT r10, 1              ; the detail: for a MEMORY trap, the virtual address that failed
        LI r13, m_at
        JAL r15, puts
        LD r10, [1]
        OUT r10, 1              ; P of the faulting instruction (a virtual address)
        LI r13, m_stop
        JAL r15, puts
        HALT

syscall: LD r10, [5]             ; r10 = n, the SVC number
        JZ r10, exit
        LI r11, 1
        JEQ r10, r11, putc
        OUT r1, 1               ; SVC 2: print r1 in decimal
        JMP resume
putc:   OUT r1, 0               ; SVC 1: print r1 as a character
resume: LD r10, [1]             ; the saved P is the SVC itself:
        ADDI r10, 1             ; continue after it
        ST r10, [1]
        LPSW [0]                ; back to the process: its mode and window come back with the PSW
exit:   LI r13, m_exit
        JAL r15, puts
        HALT

; puts: print the 0-terminated string at r13 (a kernel address), return to r15.
puts:   LD r14, [r13]
        JZ r14, puts_end
        OUT r14, 0
        ADDI r13, 1
        JMP puts
puts_end:
        JR r15

m_boot:   .string "kernel: starting the process at physical 0x1000, window 0x100 words\n"
m_trap:   .string "kernel: the process took trap cause "
m_detail: .string ", detail "
m_at:     .string " at P = "
m_stop:   .string "\nkernel: process stopped\n"
m_exit:   .string "kernel: process exited\n"

causes:   .word c_none, c_priv, c_mem, c_ill, c_svc, c_arith     ; names of the trap causes (§3)
c_none:   .string " (?)"
c_priv:   .string " (PRIVILEGED)"
c_mem:    .string " (MEMORY)"
c_ill:    .string " (ILLEGAL)"
c_svc:    .string " (SVC)"
c_arith:  .string " (ARITH)"

; ------------------------------------------------------------------------------------------- the process
; Assembled at physical BASE; it runs with l = BASE, so each of its labels is used as label-BASE, the
; virtual address the process sees.
        .org BASE
user:   LI r2, u_msg-BASE       ; r2 = virtual address of the greeting
u_loop: LD r1, [r2]             ; relocated: physical r2 + BASE
        JZ r1, u_sum-BASE
        SVC 1                   ; ask the kernel to print it: user mode may not use OUT
        ADDI r2, 1
        JMP u_loop-BASE
u_sum:  LI r1, 6
        LI r3, 7
        MUL r1, r3
        SVC 2                   ; print 6 * 7
        LI r1, '\n'
        SVC 1
        ; Now a bug: read past the end of our window. The hardware traps (cause 2, detail 0x200) and the
        ; kernel, not the process, decides what happens next.
        LD r1, [0x200]
        SVC 0                   ; never reached

u_msg:  .string "user: hello from user mode; 6 * 7 = "
