; Tight loop: three innocuous register instructions per iteration (ADDI, XOR, JLT), no memory, no traps.
; The best case for a block compiler; `size` iterations, then HALT. The bench overwrites nothing and stops
; it by its step budget; tests set `size` small and run it to the end.
start:  LD   r1, [size]
        LI   r2, 0
loop:   ADDI r2, 1
        XOR  r3, r2
        JLT  r2, r1, loop
        HALT
size:   .word 0x7fffffff
