; first-trap.s — start here: a kernel runs a user process, whose system call (SVC) traps back into the kernel.
;
; Press Step (F10) a few times: the kernel sets its trap vector and drops to user mode (LPSW); at step 9 the
; process's SVC traps. Or press "Step to next trap" (Ctrl+F10) to go straight there, then watch "PSW of every
; level", "Trap flow" and "Trap log". Step back (Shift+F10) undoes a step; Run (F5) runs to the end.
;
; A trap (PG1.md §3) saves the old PSW (M, P, l, b) in physical E[0..3], the cause in E[4] (4 = SVC) and the
; detail in E[5] (the SVC's number), and loads the new PSW from E[8..11]: that is how the kernel gets control.
; The process may not use OUT (user mode), so it asks the kernel:  SVC 0 exit, SVC 1 print r1 as a character,
; SVC 2 print r1 in decimal.

; ------------------------------------------------------------------------------------ the kernel (supervisor)
start:  ST r0, [8]              ; trap vector: new M = 0, traps run the kernel in supervisor mode
        LI r10, kernel
        ST r10, [9]             ;   new P = kernel, the trap handler below
        ST r0, [10]             ;   new l = 0
        LUI r10, 1
        ST r10, [11]            ;   new b = 65536: the handler sees all of memory
        LPSW [upsw]             ; run the process: user mode, P = 0, R = (l, b) = (0x100, 0x40)
upsw:   .word 1, 0, 0x100, 0x40

kernel: LD r10, [4]             ; E[4]: why are we here?
        LI r11, 4
        JEQ r10, r11, syscall   ; cause 4: a system call
        OUT r10, 1              ; any other cause is a fault of the process: print the cause and stop
        HALT
syscall: LD r10, [5]            ; E[5]: the SVC's number n
        JZ r10, exit
        LI r11, 1
        JEQ r10, r11, putc
        OUT r1, 1               ; SVC 2: print r1 in decimal
        JMP resume
putc:   OUT r1, 0               ; SVC 1: print r1 as a character
resume: LD r10, [1]             ; E[1]: the saved P is the SVC itself,
        ADDI r10, 1             ; so continue after it
        ST r10, [1]
        LPSW [0]                ; back to the process, in user mode, in its window
exit:   HALT

; ---------------------------------------------------------------------------------------- the process (user)
        .org 0x100              ; it runs with l = 0x100: its virtual address 0 is physical 0x100
user:   LI r1, 'h'
        SVC 1                   ; the first trap: step 9
        LI r1, 'i'
        SVC 1
        LI r1, 42
        SVC 2
        LI r1, '\n'
        SVC 1
        SVC 0                   ; exit
