; SVC-heavy user code: a user-mode loop of four instructions, one of them an SVC, and a supervisor kernel
; that takes each SVC trap (§3), advances the old P past it and returns with LPSW: 4 user + 7 kernel
; instructions per SVC. After `size` SVCs the user's HALT traps (PRIVILEGED) and the kernel halts.
; Memory: the VM size (16384 words) is assumed by the new PSW.
start:  LI   r1, handler         ; new PSW (s, handler, 0, 16384)
        ST   r1, [9]
        LI   r1, 16384
        ST   r1, [11]
        LD   r13, [size]
        LPSW [upsw]
handler: LD  r1, [4]             ; cause
        LI   r2, 4
        JEQ  r1, r2, onsvc
        HALT                     ; not an SVC: the user program is done
onsvc:  LD   r1, [1]             ; old P: the SVC itself; resume after it
        ADDI r1, 1
        ST   r1, [1]
        LPSW [r0+0]
size:   .word 0x7fffffff
upsw:   .word 1, 0, 4096, 256    ; user mode, P = 0, R = (4096, 256)
        .org 4096
uloop:  ADDI r5, 1               ; virtual address 0
        XOR  r6, r5
        SVC  1
        JLT  r5, r13, 0          ; back to uloop (virtual 0)
        HALT
