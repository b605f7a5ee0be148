; The benchmark loop of `npm run bench`: 3 * 2^26 + 3 instructions, about 201 million.
start:  LUI  r1, 0x400
        LI   r2, 0
loop:   ADDI r2, 1
        XOR  r3, r2
        JLT  r2, r1, loop
        HALT
