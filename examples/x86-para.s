; isa: x86
; x86-para.s — examples/x86-kernel.s paravirtualized: the kernel calls the monitor instead of running x86's
; sensitive unprivileged instructions (run with --isa x86; docs/HYPERCALLS.md has the interface).
;
; In virtual supervisor mode, SVC 0xFF00+k is a hypercall to the full monitor (arguments and results in r1, r2):
;   0 GETMODE  r1 = M        1 GETR  r1 = l, r2 = b        2 SETR  R = (r1, r2)
;   3 LRA      r1 = r1 + l   4 RETU  M = u, P = r1          5 LPSW  PSW = the four words at r1
; The monitor serves them against the VM's virtual state, so the kernel learns its virtual mode and R and
; really confines its process: `pglab equiv examples/x86-para.s --isa x86` is equivalent where x86-kernel.s is
; not. On a bare machine there is no monitor: the SVC traps to the kernel itself, which sees it came from
; supervisor mode and does the work natively on the saved PSW (like a paravirtual kernel's native backend), so
; the same program runs bare and virtual, and equivalence is §8's, unchanged.

        .equ LIMIT, 0x1100      ; the process may use addresses 0..LIMIT-1
        .equ HC_GETMODE, 0xFF00
        .equ HC_GETR, 0xFF01
        .equ HC_SETR, 0xFF02
        .equ HC_RETU, 0xFF04

start:  ST r0, [8]              ; trap vector first: on a bare machine the hypercalls trap to the kernel
        LI r10, trap
        ST r10, [9]
        ST r0, [10]
        LUI r10, 0x10           ; b = 2^20, the largest memory: bounds are checked against q anyway
        ST r10, [11]
        SVC HC_GETMODE          ; was GETMODE r10
        MOV r10, r1
        LI r13, m_mode
        JAL r15, puts
        OUT r10, 1
        SVC HC_GETR             ; was GETR r10, r11
        MOV r10, r1
        MOV r11, r2
        LI r13, m_r
        JAL r15, puts
        OUT r10, 1
        LI r13, m_comma
        JAL r15, puts
        OUT r11, 1
        LI r13, m_close
        JAL r15, puts
        ST r11, [11]            ; trap vector bound: the memory size
        MOV r1, r0              ; was SETR r0, r11 with r11 = LIMIT
        LI r2, LIMIT
        SVC HC_SETR
        LI r1, user             ; was RETU user
        SVC HC_RETU

; Every trap: a hypercall the kernel serves itself (bare machine), a system call, or the end of the process.
trap:   LD r10, [0]
        JNZ r10, fromuser       ; from user mode: never a hypercall
        LD r10, [5]
        MOV r11, r0
        ORI r11, HC_GETMODE        ; (ORI: the number is past LI's signed range)
        JEQ r10, r11, n_getmode
        MOV r11, r0
        ORI r11, HC_GETR
        JEQ r10, r11, n_getr
        MOV r11, r0
        ORI r11, HC_SETR
        JEQ r10, r11, n_setr
        MOV r11, r0
        ORI r11, HC_RETU
        JEQ r10, r11, n_retu
fromuser:
        LD r10, [4]
        LI r11, 4
        JEQ r10, r11, syscall
        LI r13, m_fault         ; "kernel: process trap cause C at P\n", then halt
        JAL r15, puts
        OUT r10, 1
        LI r13, m_at
        JAL r15, puts
        LD r10, [1]
        OUT r10, 1
        LI r11, '\n'
        OUT r11, 0
        HALT
syscall:
        LD r10, [5]             ; SVC 0 exit, SVC 1 print r1
        JZ r10, exit
        OUT r1, 1
        LI r11, '\n'
        OUT r11, 0
        JMP resume

; The native backend: the hypercall, done on the caller's saved PSW (E[0..3]).
n_getmode:
        LD r1, [0]
        JMP resume
n_getr: LD r1, [2]
        LD r2, [3]
        JMP resume
n_setr: ST r1, [2]
        ST r2, [3]
        JMP resume
n_retu: LI r10, 1
        ST r10, [0]
        ST r1, [1]
        LPSW [0]
resume: LD r10, [1]
        ADDI r10, 1
        ST r10, [1]
        LPSW [0]
exit:   HALT

puts:   LD r14, [r13]
        JZ r14, puts_end
        OUT r14, 0
        ADDI r13, 1
        JMP puts
puts_end:
        JR r15

m_mode:  .string "kernel: mode "
m_r:     .string "\nkernel: R = ("
m_comma: .string ", "
m_close: .string ")\n"
m_fault: .string "kernel: process trap cause "
m_at:    .string " at P = "

        .org 0x1000
user:   LI r1, 42
        SVC 1
        LI r2, LIMIT
        LD r3, [r2]             ; past its bound: a memory trap, the end of the process
        LI r1, 666              ; reached only if the process was not confined
        SVC 1
        SVC 0
