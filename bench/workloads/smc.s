; Self-modifying code: every iteration computes a new instruction word (ADDI r3, k with k = i & 255), stores
; it into its own loop body and then executes it, so the code of the loop changes on every pass (as a
; program that patches an operand in place would). `size` iterations, then HALT.
start:  LD   r1, [size]
        LI   r2, 0
        LD   r9, [template]
        LI   r10, 255
loop:   MOV  r4, r2
        AND  r4, r10
        OR   r4, r9              ; ADDI r3, k
        ST   r4, [patch]
        ADDI r5, 1
        XOR  r6, r5
patch:  NOP                      ; rewritten every iteration
        ADDI r2, 1
        JLT  r2, r1, loop
        HALT
template: ADDI r3, 0             ; data: the word the loop patches in
size:   .word 0x7fffffff
