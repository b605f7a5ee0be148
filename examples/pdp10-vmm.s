; isa: pdp10
; pdp10-vmm.s — a kernel that enters user mode with RETU, the PDP-10 way (run with --isa pdp10).
;
; Popek & Goldberg on the PDP-10: JRST 1 (our RETU) is control sensitive, since it takes the processor from
; supervisor to user mode, but it is not privileged, since in user mode it only jumps. So Theorem 1 does not
; apply, and a full monitor really fails on this program:
;   pglab equiv examples/pdp10-vmm.s --isa pdp10 --vmm full    -> not equivalent (exit 1)
;   pglab equiv examples/pdp10-vmm.s --isa pdp10 --vmm hybrid  -> equivalent (exit 0)
; Under the full monitor the guest kernel runs in real user mode, so its RETU only jumps: the VM stays in
; virtual supervisor mode, the user's GETMODE is interpreted instead of trapping, and the SVC comes from
; mode 0. The hybrid monitor interprets every instruction of virtual supervisor mode (the RETU included), and
; every user-sensitive instruction of the pdp10 is privileged, so Theorem 3's condition holds and it is equivalent.

start:  ST r0, [8]              ; trap vector (new PSW, E[8..11]) = (s, trap, 0, 65536)
        LI r10, trap
        ST r10, [9]
        ST r0, [10]
        LUI r10, 1
        ST r10, [11]
        LI r13, m_enter
        JAL r15, puts
        RETU user               ; M = u, P = user; R stays (0, 65536)

trap:   LD r10, [4]             ; cause (§3)
        LI r11, 1
        JEQ r10, r11, priv
        LI r13, m_svc           ; SVC: say which mode the caller was in (old PSW, E[0]) and stop
        JAL r15, puts
        LD r10, [0]
        OUT r10, 1
        LI r10, '\n'
        OUT r10, 0
        HALT
priv:   LI r13, m_priv          ; PRIVILEGED: report it and skip the instruction
        JAL r15, puts
        LD r10, [1]
        ADDI r10, 1
        ST r10, [1]
        LPSW [0]

puts:   LD r14, [r13]           ; print the string at r13, return to r15
        JZ r14, puts_end
        OUT r14, 0
        ADDI r13, 1
        JMP puts
puts_end:
        JR r15

user:   GETMODE r1              ; privileged: in user mode it traps to the kernel
        SVC 0

m_enter: .string "kernel: entering user mode with RETU\n"
m_priv:  .string "kernel: GETMODE trapped, as it must in user mode; skipped\n"
m_svc:   .string "kernel: SVC from mode M = "
