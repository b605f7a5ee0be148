; Tight loop: three innocuous register instructions per iteration (ADDI, XOR, JLT), no memory, no traps.
; The best case for a block compiler; `size` iterations, then HALT. The bench overwrites nothing and stops
; it by its step budget; tests set `size` small and run it to the end. With `size` at its default the loop
; starts again after each 2^31 - 1 iterations (6.4 G steps, under 2 s once compiled code runs at several G/s,
; fewer than a timing may need), so only the step budget stops it.
start:  LD   r1, [size]
        LUI  r4, 0x7fff
        ORI  r4, 0xffff
again:  LI   r2, 0
loop:   ADDI r2, 1
        XOR  r3, r2
        JLT  r2, r1, loop
        JEQ  r1, r4, again
        HALT
size:   .word 0x7fffffff
