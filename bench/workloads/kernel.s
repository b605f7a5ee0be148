; Privileged-heavy kernel: a supervisor loop in which 5 of 9 instructions are privileged (GETMODE, GETR,
; LRA, SETR, LPSW) and every iteration drops to user mode for one SVC, whose handler resumes the loop with
; another LPSW: 10 instructions per iteration, 6 of them privileged and 1 SVC. Bare, nothing traps but the
; SVC; under a full monitor every privileged instruction traps and is interpreted. `size` iterations.
; Memory: the VM size (16384 words) is assumed by the PSWs.
start:  LI   r1, handler         ; new PSW (s, handler, 0, 16384)
        ST   r1, [9]
        LI   r1, 16384
        ST   r1, [11]
        LD   r1, [size]
        LI   r2, 0
loop:   GETMODE r4
        GETR r5, r6
        LRA  r7, [r0+100]
        SETR r5, r6              ; R unchanged: (0, 16384)
        ADD  r8, r7
        ADDI r2, 1
        LPSW [upsw]              ; to user mode: it makes one SVC
back:   JLT  r2, r1, loop
        HALT
handler: LPSW [kpsw]             ; the SVC: back to the kernel loop
kpsw:   .word 0, back, 0, 16384
upsw:   .word 1, 0, 4096, 16
size:   .word 0x7fffffff
        .org 4096
        SVC  0                   ; the user program (virtual address 0)
