; isa: x86
; x86-kernel.s — a kernel that uses x86's sensitive but unprivileged instructions itself (run with --isa x86).
;
; The kernel asks GETMODE which mode it runs in (SMSW), sizes memory with GETR (SGDT) and confines its process
; with SETR before RETU (POPF-like: on x86 SETR in user mode does nothing). On a bare machine all is well. Under
; the full monitor the kernel runs in real user mode: GETMODE says 1, GETR shows the monitor's relocation, and
; SETR silently does nothing, so the process is not confined and its probe past its bound does not trap.
; Theorem 1's condition fails on x86 and this is what it costs. examples/x86-para.s is the same kernel written
; against the monitor's hypercalls instead (paravirtualization): `pglab equiv examples/x86-para.s --isa x86`.

        .equ LIMIT, 0x1100      ; the process may use addresses 0..LIMIT-1

start:  GETMODE r10             ; the kernel's mode: 0, supervisor
        LI r13, m_mode
        JAL r15, puts
        OUT r10, 1
        GETR r10, r11           ; the kernel's R: (0, memory size)
        LI r13, m_r
        JAL r15, puts
        OUT r10, 1
        LI r13, m_comma
        JAL r15, puts
        OUT r11, 1
        LI r13, m_close
        JAL r15, puts
        ST r0, [8]              ; trap vector: (s, trap, 0, memory size)
        LI r10, trap
        ST r10, [9]
        ST r0, [10]
        ST r11, [11]
        LI r11, LIMIT
        SETR r0, r11            ; confine the process to 0..LIMIT-1
        RETU user               ; and enter it

; Every trap: a system call, or the end of the process.
trap:   LD r10, [4]
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
        LD r10, [1]
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
