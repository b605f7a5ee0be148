; Bubble sort: each pass fills 64 words with pseudo-random numbers (a linear congruential generator) and
; sorts them with a bubble sort: loads, a data-dependent compare-and-swap, short inner loops.
; `size` passes, then HALT.
        .equ ARR, 4096
        .equ ARR1, 4097
        .equ N, 64
start:  LD   r1, [size]
        LI   r13, 0
        LI   r12, 12345          ; generator state, kept across passes
        LUI  r11, 0x41c6         ; multiplier 1103515245
        ORI  r11, 0x4e6d
        LI   r10, 16
        LI   r3, N
pass:   LI   r2, 0
fill:   MUL  r12, r11
        ADDI r12, 12345
        MOV  r4, r12
        SHR  r4, r10
        ST   r4, [r2+ARR]
        ADDI r2, 1
        JLT  r2, r3, fill
        LI   r5, N-1             ; the inner loop runs over [0, r5)
outer:  LI   r2, 0
inner:  LD   r6, [r2+ARR]
        LD   r7, [r2+ARR1]
        JLT  r7, r6, swap
        JMP  next
swap:   ST   r7, [r2+ARR]
        ST   r6, [r2+ARR1]
next:   ADDI r2, 1
        JLT  r2, r5, inner
        ADDI r5, -1
        JNZ  r5, outer
        ADDI r13, 1
        JLT  r13, r1, pass
        HALT
size:   .word 0x7fffffff
