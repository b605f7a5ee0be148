; timer.s — preemption with the interval timer (PG1.md §11).
;
; Two user processes count in loops that never give the processor back: no SVC, no trap. The kernel still gets
; control, because before it runs a process it arms the interval timer with OUT r, 2: after TICK more
; instructions a TIMER trap (cause 6, detail 0) is taken before the next user-mode instruction. The trap saves
; the process's PSW in E[0..3] like any trap, so the kernel can save it, print how far the process got, and
; switch to the other one: a time-sharing kernel in thirty instructions.
;
; The kernel is never interrupted itself: a timer that expires in supervisor mode waits until the machine is
; back in user mode. Under a monitor, `--time virtual` (the default) gives the guest a clock that counts its own
; instructions, so this program prints the same thing bare and virtualized (`pglab equiv examples/timer.s`);
; `--time real` gives it the real machine's timer, which also counts the monitor's work, and the slices shrink.

        .equ TICK, 100          ; instructions per time slice
        .equ SLICES, 6          ; slices before the kernel stops

start:  LI   r10, trap
        ST   r10, [9]           ; trap vector: supervisor (E[8] = 0), P = trap, R = (0, 4096) (E[10] = 0)
        LI   r10, 4096
        ST   r10, [11]
        LD   r1, [reg_a]
        LI   r10, TICK
        OUT  r10, 2             ; arm the timer: TICK instructions from now (this LPSW is the first of them)
        LPSW [psw_a]            ; run process A

; ------------------------------------------------------------------ every trap comes here
trap:   LD   r10, [4]           ; the cause
        LI   r11, 6
        JEQ  r10, r11, switch
        HALT                    ; not the timer: the processes never trap, so stop
switch: LD   r12, [current]     ; 0 = A, 1 = B: save the preempted process's P and counter
        LD   r13, [1]
        JNZ  r12, from_b
        ST   r13, [psw_a+1]
        ST   r1, [reg_a]
        LI   r13, 'A'
        JMP  report
from_b: ST   r13, [psw_b+1]
        ST   r1, [reg_b]
        LI   r13, 'B'
report: OUT  r13, 0             ; "A:50 " — the process and its counter
        LI   r13, ':'
        OUT  r13, 0
        OUT  r1, 1
        LI   r13, ' '
        OUT  r13, 0
        LD   r14, [slices]
        ADDI r14, 1
        ST   r14, [slices]
        LI   r13, SLICES
        JEQ  r14, r13, done
        LI   r13, 1
        XOR  r12, r13           ; switch to the other process
        ST   r12, [current]
        LI   r10, TICK
        OUT  r10, 2             ; a new time slice
        JNZ  r12, to_b
        LD   r1, [reg_a]
        LPSW [psw_a]
to_b:   LD   r1, [reg_b]
        LPSW [psw_b]
done:   LI   r13, 10
        OUT  r13, 0
        HALT

current: .word 0
slices:  .word 0
reg_a:   .word 0                ; process A counts up by 1 from 0
reg_b:   .word 1000             ; process B counts up by 2 from 1000
psw_a:   .word 1, 0, 0x200, 0x10
psw_b:   .word 1, 0, 0x300, 0x10

        .org 0x200
proc_a: ADDI r1, 1              ; virtual address 0 of A's window
        JMP  0

        .org 0x300
proc_b: ADDI r1, 2              ; virtual address 0 of B's window
        JMP  0
