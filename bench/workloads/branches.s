; Data-dependent branches: a linear congruential generator, and two conditional branches per iteration
; on bits of its state, so the direction of each branch is unpredictable. `size` iterations, then HALT.
start:  LD   r1, [size]
        LI   r2, 0
        LI   r12, 1
        LUI  r11, 0x41c6         ; multiplier 1103515245
        ORI  r11, 0x4e6d
        LI   r10, 16
        LI   r8, 17
        LI   r9, 1
loop:   MUL  r12, r11
        ADDI r12, 12345
        MOV  r4, r12
        SHR  r4, r10
        AND  r4, r9
        JZ   r4, even
        ADDI r5, 1
        JMP  join
even:   ADDI r6, 3
join:   MOV  r4, r12
        SHR  r4, r8
        AND  r4, r9
        JNZ  r4, skip
        XOR  r7, r12
skip:   ADDI r2, 1
        JLT  r2, r1, loop
        HALT
size:   .word 0x7fffffff
