; Memory loop: passes over an array of 1024 words, each element loaded, changed and stored back, with a
; running sum in a register (a load and a store in every 6 instructions). `size` passes, then HALT.
        .equ ARR, 4096
        .equ N, 1024
start:  LD   r1, [size]
        LI   r3, N
        LI   r5, 0
pass:   LI   r2, 0
inner:  LD   r4, [r2+ARR]
        ADD  r4, r2
        ADD  r6, r4
        ST   r4, [r2+ARR]
        ADDI r2, 1
        JLT  r2, r3, inner
        ADDI r5, 1
        JLT  r5, r1, pass
        HALT
size:   .word 0x7fffffff
