; sum.s — add the numbers 1..100 and print the result (5050).
;
; The smallest complete PG/1 program: it runs in supervisor mode from boot to HALT, on the bare machine,
; with no trap ever taken. Every instruction here is innocuous, so under a monitor all of them run directly
; on the real processor (only the final OUT and HALT would need the monitor's attention).

        .equ N, 100             ; how far to count

start:  LI r1, 0                ; r1 = the running sum
        LI r2, 1                ; r2 = the next number to add
        LI r3, N+1              ; r3 = the first number not to add
loop:   ADD r1, r2              ; sum += i
        ADDI r2, 1              ; i += 1
        JLT r2, r3, loop        ; while i < N + 1
        OUT r1, 1               ; port 1 prints a register in decimal
        LI r4, '\n'
        OUT r4, 0               ; port 0 prints a character
        HALT                    ; stop the machine (allowed: we are in supervisor mode)
