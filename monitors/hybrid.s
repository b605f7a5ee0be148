; hybrid.s — Theorem 3's hybrid virtual machine monitor (HVM), written in PG/1 itself.
;
; Popek & Goldberg, Theorem 3: if every *user sensitive* instruction is privileged, a hybrid monitor can be
; built. It differs from Theorem 1's monitor in one point: while the virtual machine is in virtual
; *supervisor* mode, the monitor interprets every instruction (none runs on the processor); only virtual
; *user* mode runs directly, in real user mode. So an instruction that is sensitive only in supervisor mode
; (the PDP-10's JRST 1, our RETU under the pdp10 preset) never reaches the processor unseen.
;
; The three parts of the paper's construction (PG1.md §8):
;   * the DISPATCHER, where every trap of the processor lands: it saves the guest's registers and reflects
;     the trap into the virtual machine (all traps here come from virtual user mode);
;   * the ALLOCATOR: the guest gets the words [guest, guest + W) of our memory; in virtual user mode the
;     real R is the guest's virtual R composed onto that allocation, never a window outside it;
;   * the INTERPRETER: a PG/1 interpreter written in PG/1, one routine per instruction of §5, used for all
;     of virtual supervisor mode (and for virtual user mode when its R cannot be composed: a negative base,
;     or a base past the allocation).
;
; Monitor ABI (PG1.md §8.1): labels `guest` (the guest's window; our image ends below it), `guest_entry`
; (the loader stores the guest's entry there) and `vpsw` (the guest's virtual PSW M, P, l, b; exact when the
; machine halts). We boot like a bare machine, set up our own trap frame, take W = (our b) - guest and boot
; the guest as a bare machine of size W: virtual PSW (s, entry, 0, W), registers 0. A guest HALT in virtual
; supervisor mode stores the final virtual PSW at `vpsw`, puts the guest's registers in the real registers
; and HALTs. Because we only use the machine interface, the guest may itself be this monitor (a tower).
;
; VIRTUAL TIME (PG1.md §11; Theorem 2's premise: a monitor with no timing dependence). The guest's clock
; (IN ra, 2) counts the guest's own steps as the bare machine would, ours never: vclk. Every fetch loop of the
; interpreter counts one step first (so an instruction that traps counts too: 3 real instructions per
; interpreted one). While the guest runs directly, vclk = real clock - toff: we read the real clock at the
; dispatcher (its 2nd instruction) and just before the LPSW that resumes the guest (`enter`, ENTER
; instructions after the IN, straight-line), so our own work is left out and the trapping instruction is in.
; The guest's timer (OUT ra, 2) is (varm, vdue) in guest steps. Virtual user mode: an expired timer is a TIMER
; trap (one guest step) before the next instruction, whether that one runs directly (checked in `resume`) or is
; interpreted (checked in `ufetch`); an armed one is put on the real timer for exactly the steps left when the
; guest runs directly. Virtual supervisor mode (always interpreted): the timer is pending, as §11 says. At depth
; >= 2 our own IN/OUT on port 2 are interpreted by the monitor below, which counts our instructions as its
; guest's: the construction nests.
;
; Limits, said plainly:
;   * Instructions that an ISA file adds (user-defined opcodes) cannot be interpreted by a program that does
;     not know their effect: in virtual supervisor mode we treat every opcode outside §5 as undefined
;     (ILLEGAL trap, detail = the word). In virtual user mode they run on the processor like any other.
;   * The monitor is only as good as Theorem 3's condition: on the x86 preset (GETMODE/GETR open, i.e. user
;     sensitive and unprivileged) and the lra preset (LRA open), a guest in virtual user mode can see the
;     real R; the result then differs from the bare machine, as the theorem's failed condition allows.
;     On pg1 and pdp10 the guest cannot tell us from a bare machine, not even by the clock.
;   * What a sensitive instruction does in *user* mode (its variant, §5) is not written anywhere in memory,
;     so at boot we ask the processor: each one is run once in user mode (see "probing" below).
;
; Cost: one interpreted instruction takes about 23 real instructions (20 before virtual time counted it) (fetch and check 2 to 5, opcode
; dispatch 4, the instruction's own routine 2 to 20; measured by src/core/vmm/hybrid.s.test.ts on a loop of
; ADD, LD, ST, ADDI, JNZ), and about 500 at depth 2, where the outer monitor interprets this one: so the
; routines prefer instructions that are cheap to interpret (a write to r0 is skipped with JZ, not undone
; with a store). At depth N a program in virtual supervisor mode costs about 23^N real steps per step.
;
; Memory of the monitor (all addresses absolute: we run with R = (0, b), l = 0):
;   0..5     our trap frame (old PSW, cause, detail), written by the processor
;   8..11    our trap vector: new PSW = (s, dispatcher, 0, b)
;   16..     this code, its tables, the save area
;   guest..  the guest's allocation, W words: guest-physical address x is our address guest + x
;
; Registers while the interpreter runs (the guest's registers are in the save area then, save+N = rN):
;   r1..r4  scratch                      r11  the instruction word being interpreted
;   r5      address of the fetch loop    r12  last valid virtual address of the guest's window (hi - 1)
;   r6 = 20, r7 = 24, r8 = 65536,        r13  first valid virtual address (lo)
;   r9 = 15, r10 = 16: decoding          r14  real address of guest-virtual 0 (guest + l)
;   constants                            r15  the guest's virtual P

        .equ ENTER, 20           ; instructions after `enter`'s IN through its LPSW, that one included

; ============================================================================================== boot
start:  GETR r1, r4              ; r4 = b: all of our memory (l = 0: we were booted like a bare machine)
        ST r0, [8]               ; our trap vector E[8..11]: new M = s,
        LI r3, probe_back        ;   new P = probe_back while we probe the processor (below), then the
        ST r3, [9]               ;   dispatcher,
        ST r0, [10]              ;   new R = (0, b): all of our memory
        ST r4, [11]
        LI r3, guest
        SUB r4, r3
        ST r4, [wsize]           ; W = b - guest: the size of the virtual machine we give the guest

; ------------------------------------------------------------------------- probing the user-mode variants
; The interpreter must know what each sensitive instruction does in *user* mode (PRIVILEGED trap, or run it
; (open), or nothing (user-nop)) for the rare case that it interprets virtual user mode. We run each one in
; real user mode, in a 2-word window holding it and an `SVC 0`, and look at the trap that comes back:
;   PRIVILEGED (1): privileged, utable keeps u_priv;
;   SVC (4): it ran and fell through: open (or, for SETR, user-nop: nothing happened);
;   MEMORY (2): only SETR r0, r0 open gets there (R = (0, 0), so the next fetch fails).
; HALT, LPSW, IN and OUT have no other variant (§5): always privileged.
        LI r1, p_setr
        JAL r15, probe           ; r2 = the cause that came back
        LI r3, op_nop            ; SVC: SETR did nothing (user-nop)
        LI r1, 4
        JEQ r2, r1, pr_setr
        LI r3, op_setr           ; MEMORY: SETR set R (open)
        LI r1, 2
        JEQ r2, r1, pr_setr
        LI r3, u_priv            ; PRIVILEGED
pr_setr: ST r3, [utable+1]
        LI r5, probes            ; the others: privileged or open, from the table `probes`
pr_next: LD r1, [r5]             ; the probe's window
        JZ r1, pr_done
        JAL r15, probe
        LI r3, 1
        JEQ r2, r3, pr_skip      ; PRIVILEGED: utable keeps u_priv
        LD r3, [r5+1]            ; it ran: in user mode we interpret it with this routine
        LD r4, [r5+2]
        ST r3, [r4]
pr_skip: ADDI r5, 3
        JMP pr_next
pr_done: LI r3, dispatcher
        ST r3, [9]               ; from now on every trap goes to the dispatcher

; Boot the guest as a bare machine of size W (§4): PSW (s, entry, 0, W); registers 0 (the save area is 0).
        ST r0, [vpsw]
        LD r3, [guest_entry]
        ST r3, [vpsw+1]
        ST r0, [vpsw+2]
        LD r3, [wsize]
        ST r3, [vpsw+3]
        JMP resume

; probe: run the instruction at our address r1 in user mode, R = (r1, 2); returns the trap's cause in r2,
; to r15. The probes only write r1.
probe:  ST r1, [ppsw+2]
        LPSW [ppsw]              ; (u, 0, r1, 2): the processor runs the probe in user mode ...
probe_back:                      ; ... and its trap brings it back here (our trap vector while probing)
        LD r2, [4]               ; the cause
        JR r15

; ======================================================================================== the dispatcher
; Every trap of the processor lands here, in real supervisor mode, R = (0, b). The guest was running
; directly in virtual user mode, so its registers are the real ones: save them first, all fifteen.
dispatcher:
        ST r1, [save+1]
        IN r1, 2                 ; the real clock (§11), this IN included: our 2nd instruction since the trap
        ST r1, [tnow]
        ST r2, [save+2]
        ST r3, [save+3]
        ST r4, [save+4]
        ST r5, [save+5]
        ST r6, [save+6]
        ST r7, [save+7]
        ST r8, [save+8]
        ST r9, [save+9]
        ST r10, [save+10]
        ST r11, [save+11]
        ST r12, [save+12]
        ST r13, [save+13]
        ST r14, [save+14]
        ST r15, [save+15]
        LD r1, [tnow]            ; the guest's clock: the real steps before this dispatcher, minus ours
        ADDI r1, -2              ;   (toff, set when we last resumed it; see "virtual time")
        LD r2, [toff]
        SUB r1, r2
        ST r1, [vclk]
        LD r15, [1]              ; P of the instruction that trapped: the composed R keeps virtual addresses,
        LD r1, [4]               ;   so it is the guest's virtual P; cause and detail (a memory trap's detail
        LD r2, [5]               ;   is the virtual address, also unchanged)
        LI r3, 6
        JEQ r1, r3, timer        ; TIMER: the real timer we armed for the guest
        ; fall through: reflect it into the virtual machine

; trap: the virtual machine takes a trap (§3): cause r1, detail r2, at virtual P = r15. The old PSW goes to
; guest-physical E[0..3], cause and detail to E[4..5]; the new PSW comes from guest-physical E[8..11]. The
; guest's trap frame is physical in *its* machine: guest-physical x is our address guest + x.
trap:   LD r3, [vpsw]
        ST r3, [guest+0]         ; old M
        ST r15, [guest+1]        ; old P: the trapping instruction
        LD r3, [vpsw+2]
        ST r3, [guest+2]         ; old l
        LD r3, [vpsw+3]
        ST r3, [guest+3]         ; old b
        ST r1, [guest+4]         ; cause
        ST r2, [guest+5]         ; detail
        LD r3, [guest+8]         ; new M: any nonzero value means user mode
        JZ r3, trap_m
        LI r3, 1
trap_m: ST r3, [vpsw]
        LD r3, [guest+9]
        ST r3, [vpsw+1]          ; new P
        LD r3, [guest+10]
        ST r3, [vpsw+2]          ; new l
        LD r3, [guest+11]
        ST r3, [vpsw+3]          ; new b
        ; fall through: go on in the mode the new PSW gives

; ========================================================================================= the allocator
; resume: continue the virtual machine from the virtual PSW at vpsw (guest registers in the save area).
; Virtual supervisor mode: interpret. Virtual user mode: run directly with the composed R when there is one.
resume: LD r1, [vpsw]
        JZ r1, interpret_s       ; (virtual supervisor mode: the guest's timer waits, as on the bare machine)
; Virtual time, the timer: in virtual user mode an expired guest timer is taken now, before the instruction
; at virtual P (a TIMER trap, one guest step); an armed one gives a direct run its budget, trem guest steps.
        ST r0, [trem]
        LD r1, [varm]
        JZ r1, res1
        LD r1, [vdue]
        LD r2, [vclk]
        SUB r1, r2               ; guest steps left (vdue - vclk wraps correctly, like the clock)
        JLT r0, r1, res0
        LD r15, [vpsw+1]         ; expired: TIMER trap at virtual P
        JMP ttrap
res0:   ST r1, [trem]
res1:   LD r2, [vpsw+2]          ; l
        JLT r2, r0, interpret_u  ; a negative base is no real window: interpret instead
        LD r4, [wsize]
        SUB r4, r2               ; r4 = W - l: room in the allocation above the base
        JLT r4, r0, interpret_u  ; a base past the allocation: interpret instead
        LD r3, [vpsw+3]          ; b' = min(b, W - l): §2's a + l < W becomes a < b'
        JLT r4, r3, du_b
        MOV r4, r3
        JLT r0, r4, du_b
        LI r4, 0                 ; b <= 0: an empty window, as in the VM
du_b:   ST r4, [rpsw+3]
        ADDI r2, guest
        ST r2, [rpsw+2]          ; l' = guest + l: inside [guest, guest + W)
        LD r3, [vpsw+1]
        ST r3, [rpsw+1]          ; P is a virtual address: unchanged (rpsw's M is always 1, user)
; The real timer: armed so that it expires after exactly trem guest steps, or off (when we armed it before).
        LD r1, [trem]
        JNZ r1, arm
        LD r1, [rarm]
        JZ r1, enter
        ST r0, [rarm]
        OUT r0, 2
        JMP enter
arm:    LI r2, 1
        ST r2, [rarm]
        ADDI r1, ENTER+1         ; our ENTER+1 instructions from the OUT through the LPSW come first
        OUT r1, 2
; The guest's clock while it runs is the real clock minus toff: toff = (real clock after our LPSW) - vclk.
; After the IN come exactly ENTER instructions through the LPSW, straight-line.
enter:  IN r1, 2
        ADDI r1, ENTER
        LD r2, [vclk]
        SUB r1, r2
        ST r1, [toff]
        LD r1, [save+1]          ; the guest's registers become the real ones
        LD r2, [save+2]
        LD r3, [save+3]
        LD r4, [save+4]
        LD r5, [save+5]
        LD r6, [save+6]
        LD r7, [save+7]
        LD r8, [save+8]
        LD r9, [save+9]
        LD r10, [save+10]
        LD r11, [save+11]
        LD r12, [save+12]
        LD r13, [save+13]
        LD r14, [save+14]
        LD r15, [save+15]
        LPSW [rpsw]              ; run the guest directly until its next trap (-> dispatcher)

interpret_s:                     ; virtual supervisor mode: the interpreter, with the fetch loop that fits R
        JAL r1, window
        LI r5, ifetch
        JNZ r2, interp           ; l != 0: the general loop
        LI r5, ifetch0           ; l = 0 (most kernels): a shorter fetch
        JMP interp
interpret_u:                     ; virtual user mode without a real window: interpret, user-mode rules
        JAL r1, window
        LI r5, ufetch
interp: LI r6, 20                ; the decoding constants
        LI r7, 24
        LUI r8, 1
        LI r9, 15
        LI r10, 16
        LD r15, [vpsw+1]         ; P
        JLT r15, r0, pfetchtrap  ; P < 0 is never valid; from here on the l = 0 loop relies on P >= 0
        JR r5

; window: the guest's virtual R as the interpreter checks it (§2): a virtual address a is valid when
; a >= 0, a < b, a + l >= 0 and a + l < W, i.e. lo <= a <= last with lo = max(0, -l), last = min(b, W - l) - 1.
; Sets r13 = lo, r12 = last (lo = 1 > last = -1 when nothing is valid), r14 = guest + l; leaves r2 = l.
; Returns to r1. Uses r2..r4.
window: LD r2, [vpsw+2]          ; l
        LD r4, [wsize]
        SUB r4, r2               ; r4 = W - l (may wrap when l is very negative: see win_neg)
        LI r13, 0                ; lo = 0 ...
        JLT r2, r0, win_neg      ; ... unless l < 0
win_hi: LD r3, [vpsw+3]          ; hi = min(b, W - l)
        JLT r3, r4, win_lt
        MOV r3, r4
win_lt: JLT r13, r3, win_ok      ; lo < hi: some address is valid
win_no: LI r13, 1                ; none is: lo = 1 > last = -1 rejects every a (the l = 0 loop, which
        LI r12, -1               ;   checks only a > last, too: a >= 0 there)
        JMP win_rel
win_ok: MOV r12, r3
        ADDI r12, -1             ; last = hi - 1
win_rel: MOV r14, r2
        ADDI r14, guest          ; virtual a is our address a + guest + l
        JR r1
win_neg: SUB r13, r2             ; lo = -l (so that a + l >= 0)
        JLT r13, r0, win_no      ; l = -2^31: -l does not fit in 32 bits; no a reaches memory
        JLT r0, r4, win_hi       ; W - l did not wrap: it is the limit
        LUI r4, 0x7FFF           ; it wrapped (W - l >= 2^31): memory sets no limit below b
        ORI r4, 0xFFFF
        JMP win_hi

; ======================================================================================= the interpreter
; The fetch loops. Each fetches the word at virtual P through the virtual R (a memory trap with detail P
; when P fails §2), and jumps to its routine through `optable`, indexed by the opcode (word >>> 24).
; Every routine ends with NEXT (`ADDI r15, 1` + `JR r5`, back to the loop it came from), a jump, or a
; change of PSW (-> trap or resume, which picks the loop again).
ifetch0:                         ; l = 0: virtual P is our address guest + P. lo = 0, and P >= 0 always holds
        LD r1, [vclk]            ;   (every loop first counts the instruction: one guest step, even if it
        ADDI r1, 1               ;   traps)
        ST r1, [vclk]
        JLT r12, r15, fetchtrap  ;   here (P + 1 after a valid P, a jump's uimm, JR and entry check it)
        LD r11, [r15+guest]      ; r11 = the instruction word
        MOV r1, r11
        SHR r1, r7               ; r1 = opcode
        LD r2, [r1+optable]
        JR r2
ifetch:                          ; any l
        LD r1, [vclk]
        ADDI r1, 1
        ST r1, [vclk]
        JLT r15, r13, fetchtrap
        JLT r12, r15, fetchtrap
        MOV r11, r15
        ADD r11, r14
        LD r11, [r11]            ; r11 = the instruction word
        MOV r1, r11
        SHR r1, r7               ; r1 = opcode
        LD r2, [r1+optable]
        JR r2
ufetch:                          ; virtual user mode: the sensitive group does what the processor's variant does
        LD r1, [varm]            ; first the guest's timer: expired, it is taken before this instruction
        JZ r1, ufetch1
        LD r1, [vdue]
        LD r2, [vclk]
        SUB r1, r2               ; steps left
        JLT r0, r1, ufetch1
        JMP ttrap
ufetch1:
        LD r1, [vclk]
        ADDI r1, 1
        ST r1, [vclk]
        JLT r15, r13, fetchtrap
        JLT r12, r15, fetchtrap
        MOV r11, r15
        ADD r11, r14
        LD r11, [r11]
        MOV r1, r11
        SHR r1, r7               ; r1 = opcode
        LI r2, 1
        JEQ r1, r2, u_priv       ; HALT: always privileged
        LI r2, 0x20
        JLT r1, r2, u_plain      ; below the sensitive group 0x20..0x27
        LI r2, 0x27
        JLT r2, r1, u_plain      ; above it
        LD r2, [r1+utable-0x20]  ; the user-mode routine the probes chose
        JR r2
u_plain: LD r2, [r1+optable]
        JR r2

pfetchtrap:                      ; P < 0 found before a fetch loop counted the instruction
        LD r1, [vclk]
        ADDI r1, 1
        ST r1, [vclk]
fetchtrap:                       ; P itself fails §2: MEMORY trap, detail P
        LI r1, 2
        MOV r2, r15
        JMP trap
memtrap:                         ; an operand address r3 fails §2: MEMORY trap, detail = that address
        LI r1, 2
        MOV r2, r3
        JMP trap
u_priv:                          ; a privileged instruction in user mode: PRIVILEGED, detail = the word,
        LI r1, 1                 ;   before any operand is looked at
        MOV r2, r11
        JMP trap
ill:                             ; an undefined opcode: ILLEGAL, detail = the word
        LI r1, 3
        MOV r2, r11
        JMP trap

; Decoding, §5: word = op << 24 | ra << 20 | rb << 16 | imm. Each routine decodes the fields it uses:
;   ra   = (w >>> 20) & 15        MOV x, r11 / SHR x, r6 / AND x, r9
;   rb   = (w >>> 16) & 15        MOV x, r11 / SHR x, r10 / AND x, r9
;   simm = (w << 16) / 65536      MOV x, r11 / SHL x, r10 / DIV x, r8   (exact: a signed shift right by 16)
;   uimm = (w << 16) >>> 16       MOV x, r11 / SHL x, r10 / SHR x, r10
; Guest register n is the word save+n: read with LD x, [n+save] (save+0 is always 0: r0), written with
; ST x, [n+save] unless n = 0 (JZ n, next: a write to r0 is dropped).

op_nop:                          ; NOP
next:   ADDI r15, 1              ; (every routine that only has to go on to the next instruction comes here)
        JR r5

op_halt:                         ; HALT (virtual supervisor mode): stop, P advanced like any instruction
        ADDI r15, 1
        ST r15, [vpsw+1]         ; vpsw = (s, P + 1, l, b): the PSW the bare machine shows after HALT
        LD r1, [save+1]          ; the guest's registers become the real ones
        LD r2, [save+2]
        LD r3, [save+3]
        LD r4, [save+4]
        LD r5, [save+5]
        LD r6, [save+6]
        LD r7, [save+7]
        LD r8, [save+8]
        LD r9, [save+9]
        LD r10, [save+10]
        LD r11, [save+11]
        LD r12, [save+12]
        LD r13, [save+13]
        LD r14, [save+14]
        LD r15, [save+15]
        HALT

op_li:  MOV r2, r11              ; LI ra, simm
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r3, r11
        SHL r3, r10
        DIV r3, r8               ; r3 = simm
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_lui: MOV r2, r11              ; LUI ra, uimm: ra = uimm << 16, which is just w << 16
        SHR r2, r6
        AND r2, r9
        MOV r3, r11
        SHL r3, r10
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_ori: MOV r2, r11              ; ORI ra, uimm
        SHR r2, r6
        AND r2, r9
        MOV r3, r11
        SHL r3, r10
        SHR r3, r10              ; r3 = uimm
        LD r4, [r2+save]
        OR r4, r3
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r4, [r2+save]
        ADDI r15, 1
        JR r5

op_mov: MOV r2, r11              ; MOV ra, rb
        SHR r2, r6
        AND r2, r9
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r3, [r3+save]
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

; ADD SUB MUL DIV MOD AND OR XOR SHL SHR ra, rb: each written out in full (they are the most frequent
; instructions; sharing the decoding through a second jump table would cost 3 more real instructions each).
; The real instruction does the arithmetic, so wrapping, truncation and shift counts are the machine's own.
op_add: MOV r2, r11              ; ADD ra, rb: ra = ra + rb, wrapping
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        ADD r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_sub: MOV r2, r11              ; SUB ra, rb: ra = ra - rb
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        SUB r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_mul: MOV r2, r11              ; MUL ra, rb: ra = ra * rb, low 32 bits
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        MUL r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_div: MOV r2, r11              ; DIV ra, rb: ra = ra / rb, truncated
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        JZ r4, arith             ; by zero: ARITH trap, ra untouched
        DIV r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_mod: MOV r2, r11              ; MOD ra, rb: ra = ra mod rb, the dividend's sign
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        JZ r4, arith             ; by zero: ARITH trap, ra untouched
        MOD r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_and: MOV r2, r11              ; AND ra, rb: ra = ra & rb
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        AND r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_or:  MOV r2, r11              ; OR ra, rb: ra = ra | rb
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        OR r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_xor: MOV r2, r11              ; XOR ra, rb: ra = ra ^ rb
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        XOR r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_shl: MOV r2, r11              ; SHL ra, rb: ra = ra << (rb & 31)
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        SHL r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_shr: MOV r2, r11              ; SHR ra, rb: ra = ra >>> (rb & 31)
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r4, r11
        SHR r4, r10
        AND r4, r9
        LD r4, [r4+save]         ; r4 = R[rb]
        LD r3, [r2+save]         ; r3 = R[ra]
        SHR r3, r4
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

arith:  LI r1, 5                 ; ARITH, detail 0
        LI r2, 0
        JMP trap

op_addi: MOV r2, r11             ; ADDI ra, simm
        SHR r2, r6
        AND r2, r9
        MOV r3, r11
        SHL r3, r10
        DIV r3, r8               ; r3 = simm
        LD r4, [r2+save]
        ADD r4, r3
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r4, [r2+save]
        ADDI r15, 1
        JR r5

op_ld:  MOV r2, r11              ; LD ra, [rb+simm]
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r3, [r3+save]         ; r3 = R[rb]
        MOV r4, r11
        SHL r4, r10
        DIV r4, r8               ; r4 = simm
        ADD r3, r4               ; r3 = EA, wrapped at 32 bits like the processor's
        JLT r3, r13, memtrap     ; §2 through the virtual R
        JLT r12, r3, memtrap
        ADD r3, r14              ; our address of it
        LD r4, [r3]
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r4, [r2+save]
        ADDI r15, 1
        JR r5

op_st:  MOV r2, r11              ; ST ra, [rb+simm]
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r3, [r3+save]         ; r3 = R[rb]
        MOV r4, r11
        SHL r4, r10
        DIV r4, r8               ; r4 = simm
        ADD r3, r4               ; r3 = EA
        JLT r3, r13, memtrap
        JLT r12, r3, memtrap
        ADD r3, r14
        LD r4, [r2+save]         ; R[ra]
        ST r4, [r3]
        ADDI r15, 1
        JR r5

op_jmp: MOV r15, r11             ; JMP t: P = uimm (also RETU open in user mode: only P = t)
        SHL r15, r10
        SHR r15, r10
        JR r5

op_jz:  MOV r2, r11              ; JZ ra, t
        SHR r2, r6
        AND r2, r9
        LD r2, [r2+save]
        JZ r2, op_jmp
        ADDI r15, 1
        JR r5

op_jnz: MOV r2, r11              ; JNZ ra, t
        SHR r2, r6
        AND r2, r9
        LD r2, [r2+save]
        JNZ r2, op_jmp
        ADDI r15, 1
        JR r5

op_jeq: MOV r2, r11              ; JEQ ra, rb, t
        SHR r2, r6
        AND r2, r9
        LD r2, [r2+save]
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r3, [r3+save]
        JEQ r2, r3, op_jmp
        ADDI r15, 1
        JR r5

op_jlt: MOV r2, r11              ; JLT ra, rb, t (signed)
        SHR r2, r6
        AND r2, r9
        LD r2, [r2+save]
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r3, [r3+save]
        JLT r2, r3, op_jmp
        ADDI r15, 1
        JR r5

op_jal: MOV r2, r11              ; JAL ra, t: ra = P + 1, then P = t
        SHR r2, r6
        AND r2, r9
        MOV r3, r15
        ADDI r3, 1
        JZ r2, op_jmp            ; JAL r0, t: only the jump
        ST r3, [r2+save]
        JMP op_jmp

op_jr:  MOV r2, r11              ; JR ra: P = ra
        SHR r2, r6
        AND r2, r9
        LD r15, [r2+save]
        JLT r15, r0, jr_neg      ; the l = 0 loop does not look for P < 0 itself
        JR r5
jr_neg: LI r1, ifetch0
        JEQ r5, r1, pfetchtrap
        JR r5                    ; (the other loops check P against lo >= 0, after ufetch's timer)
        JR r5

op_svc: MOV r2, r11              ; SVC n: trap SVC, detail n (uimm)
        SHL r2, r10
        SHR r2, r10
        LI r1, 4
        JMP trap

; The sensitive group, against the virtual PSW (vpsw; its P is r15 while we interpret).
op_lpsw:                         ; LPSW [rb+simm]: (M, P, l, b) = the four words at EA
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r3, [r3+save]
        MOV r4, r11
        SHL r4, r10
        DIV r4, r8
        ADD r3, r4               ; r3 = EA
        MOV r4, r12
        ADDI r4, -3              ; the last EA whose four words are all in the window
        JLT r3, r13, lpsw_slow
        JLT r4, r3, lpsw_slow
        ADD r3, r14              ; all four are valid: read them straight into vpsw
        LD r1, [r3+1]
        ST r1, [vpsw+1]          ; P
        LD r1, [r3+2]
        ST r1, [vpsw+2]          ; l
        LD r1, [r3+3]
        ST r1, [vpsw+3]          ; b
        LD r1, [r3]
        JZ r1, lpsw_m            ; M: nonzero means user
        LI r1, 1
        JMP lpsw_m
lpsw_slow:                       ; some word is outside: read in order, each checked; the first bad one traps
        JLT r3, r13, memtrap     ;   and leaves the state as it was
        JLT r12, r3, memtrap
        MOV r4, r3
        ADD r4, r14
        LD r1, [r4]
        ST r1, [newpsw]          ; M
        ADDI r3, 1               ; EA + 1 (wraps like the processor's)
        JLT r3, r13, memtrap
        JLT r12, r3, memtrap
        MOV r4, r3
        ADD r4, r14
        LD r1, [r4]
        ST r1, [newpsw+1]        ; P
        ADDI r3, 1
        JLT r3, r13, memtrap
        JLT r12, r3, memtrap
        MOV r4, r3
        ADD r4, r14
        LD r1, [r4]
        ST r1, [newpsw+2]        ; l
        ADDI r3, 1
        JLT r3, r13, memtrap
        JLT r12, r3, memtrap
        MOV r4, r3
        ADD r4, r14
        LD r1, [r4]
        ST r1, [vpsw+3]          ; all four read: now the new PSW takes effect. b
        LD r1, [newpsw+2]
        ST r1, [vpsw+2]          ; l
        LD r1, [newpsw+1]
        ST r1, [vpsw+1]          ; P
        LD r1, [newpsw]
        JZ r1, lpsw_m            ; M: nonzero means user
        LI r1, 1
lpsw_m: ST r1, [vpsw]
        JMP resume

op_setr:                         ; SETR ra, rb: R = (ra, rb), in effect for the next fetch (also SETR open)
        MOV r2, r11
        SHR r2, r6
        AND r2, r9
        LD r2, [r2+save]
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r3, [r3+save]
        ST r2, [vpsw+2]
        ST r3, [vpsw+3]
        ADDI r15, 1
        ST r15, [vpsw+1]
        JMP resume

op_getmode:                      ; GETMODE ra: ra = M (also GETMODE open in user mode: M = 1)
        MOV r2, r11
        SHR r2, r6
        AND r2, r9
        LD r3, [vpsw]
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_getr:                         ; GETR ra, rb: ra = l, then rb = b (so with ra = rb it ends holding b)
        MOV r2, r11
        SHR r2, r6
        AND r2, r9
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r4, [vpsw+2]
        JZ r2, getr_b
        ST r4, [r2+save]
getr_b: LD r4, [vpsw+3]
        JZ r3, next
        ST r4, [r3+save]
        ADDI r15, 1
        JR r5

op_lra:                          ; LRA ra, [rb+simm]: ra = EA + l, a memory trap when EA fails §2
        MOV r2, r11
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r3, r11
        SHR r3, r10
        AND r3, r9
        LD r3, [r3+save]
        MOV r4, r11
        SHL r4, r10
        DIV r4, r8
        ADD r3, r4               ; r3 = EA
        JLT r3, r13, memtrap
        JLT r12, r3, memtrap
        LD r4, [vpsw+2]
        ADD r3, r4               ; the *virtual* machine's real address: EA + its l
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r3, [r2+save]
        ADDI r15, 1
        JR r5

op_retu:                         ; RETU t (supervisor mode): M = u, P = t
        LI r1, 1
        ST r1, [vpsw]
        MOV r15, r11
        SHL r15, r10
        SHR r15, r10
        ST r15, [vpsw+1]
        JMP resume

; IN ra, port / OUT ra, port go to the real devices. The port is an immediate, so we build the instruction
; with ra replaced by r1 (word - ra << 20 + 1 << 20) in the slot below it and execute it there. The slot
; keeps it: when the same guest word comes again (a loop printing a string), it is run as it is.
op_in:  MOV r2, r11
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        MOV r3, r11
        SHL r3, r10
        SHR r3, r10              ; r3 = port
        LI r4, 2
        JEQ r3, r4, in_clock     ; port 2: the guest's own clock
        LD r3, [in_word]
        JEQ r3, r11, in_slot     ; the slot holds this instruction already
        ST r11, [in_word]
        MOV r3, r2
        SHL r3, r6
        MOV r4, r11
        SUB r4, r3               ; IN r0, port
        LUI r3, 0x10
        OR r4, r3                ; IN r1, port
        ST r4, [in_slot]
in_slot: NOP                     ; <- IN r1, port runs here (input is consumed even for ra = r0)
        JZ r2, next              ; ra = r0: the result goes nowhere
        ST r1, [r2+save]
        ADDI r15, 1
        JR r5

op_out: MOV r2, r11
        SHR r2, r6
        AND r2, r9               ; r2 = ra
        LD r1, [r2+save]         ; r1 = R[ra]
        MOV r3, r11
        SHL r3, r10
        SHR r3, r10              ; r3 = port
        LI r4, 2
        JEQ r3, r4, out_timer    ; port 2: the guest's own timer
        LD r3, [out_word]
        JEQ r3, r11, out_slot    ; the slot holds this instruction already
        ST r11, [out_word]
        MOV r3, r2
        SHL r3, r6
        MOV r4, r11
        SUB r4, r3
        LUI r3, 0x10
        OR r4, r3                ; OUT r1, port
        ST r4, [out_slot]
out_slot: NOP                    ; <- OUT r1, port runs here
        ADDI r15, 1
        JR r5

; Virtual time (§11). The guest's clock is vclk, its steps so far: counted one by one while we interpret, and
; while it runs directly the real clock minus toff (read at the dispatcher). Its timer is (varm, vdue); it is
; put on the real timer only for a direct run in virtual user mode, for exactly the steps left.
in_clock:                        ; IN ra, 2: the guest's clock, this IN included (mod 2^32)
        LD r1, [vclk]
        JZ r2, next
        ST r1, [r2+save]
        ADDI r15, 1
        JR r5
out_timer:                       ; OUT ra, 2: the timer expires after ra more guest steps (ra <= 0: disarmed)
        ST r0, [varm]
        JLT r0, r1, out_t1
        ADDI r15, 1
        JR r5
out_t1: LD r3, [vclk]
        ADD r3, r1
        ST r3, [vdue]
        LI r3, 1
        ST r3, [varm]
        ADDI r15, 1
        JR r5

; The real timer expired during a direct run. We arm it only to expire when the guest's timer does, so this
; is the guest's TIMER trap (its step is the guest's: vclk counts it). Should it ever come when the guest's
; timer is not due, the step is not the guest's, and the guest goes on.
timer:  ST r0, [rarm]            ; the hardware disarmed it
        LD r3, [varm]
        JZ r3, tspur
        LD r3, [vdue]
        LD r4, [vclk]
        ADDI r4, -1              ; the guest's steps before the trap
        SUB r3, r4
        JLT r0, r3, tspur        ; not due yet
        ST r0, [varm]            ; one-shot; reflected like any trap: cause 6, detail 0, at P = r15
        JMP trap
tspur:  LD r3, [vclk]
        ADDI r3, -1
        ST r3, [vclk]
        ST r15, [vpsw+1]
        JMP resume

; ttrap: the guest's expired timer is taken at virtual P = r15, in virtual user mode: a TIMER trap, which is
; one guest step; one-shot.
ttrap:  ST r0, [varm]
        LD r1, [vclk]
        ADDI r1, 1
        ST r1, [vclk]
        LI r1, 6
        LI r2, 0
        JMP trap

; ============================================================================================ the data
wsize:  .word 0                  ; W, the size of the guest's virtual machine
vclk:   .word 0                  ; virtual time: the guest's clock, its steps so far (exact while we run)
toff:   .word 0                  ;   real clock - guest's clock while the guest runs directly
tnow:   .word 0                  ;   the real clock read at the dispatcher
varm:   .word 0                  ;   the guest's timer: 1 armed, 0 not
vdue:   .word 0                  ;   its deadline, in guest steps
trem:   .word 0                  ;   guest steps left on it for the direct run being started (0: none)
rarm:   .word 0                  ;   1 while the real timer may be armed by us
vpsw:   .word 0, 0, 0, 0         ; the guest's virtual PSW: M, P, l, b
rpsw:   .word 1, 0, 0, 0         ; the real PSW that runs the guest directly: (u, P, guest + l, b')
ppsw:   .word 1, 0, 0, 2         ; the real PSW of a probe: (u, 0, probe, 2)
newpsw: .word 0, 0, 0            ; LPSW's first three words, until the fourth is read
in_word: .word 0                 ; the guest's IN and OUT words now in in_slot, out_slot (0: none yet)
out_word: .word 0
save:   .zero 16                 ; the guest's registers while we work: save+n = rn (save+0 stays 0)
guest_entry: .word 0             ; filled by the loader

; optable: the routine of each opcode in virtual supervisor mode (and in user mode outside 0x20..0x27).
optable:
        .word op_nop, op_halt, op_li, op_lui, op_ori, op_mov, op_add, op_sub     ; 0x00-0x07
        .word op_mul, op_div, op_mod, op_and, op_or, op_xor, op_shl, op_shr      ; 0x08-0x0F
        .word op_addi, op_ld, op_st, op_jmp, op_jz, op_jnz, op_jeq, op_jlt       ; 0x10-0x17
        .word op_jal, op_jr, op_svc, ill, ill, ill, ill, ill                     ; 0x18-0x1F
        .word op_lpsw, op_setr, op_getmode, op_getr, op_lra, op_retu, op_in, op_out  ; 0x20-0x27
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0x28-0x37
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0x38-0x47
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0x48-0x57
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0x58-0x67
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0x68-0x77
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0x78-0x87
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0x88-0x97
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0x98-0xA7
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0xA8-0xB7
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0xB8-0xC7
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0xC8-0xD7
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0xD8-0xE7
        .word ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill, ill  ; 0xE8-0xF7
        .word ill, ill, ill, ill, ill, ill, ill, ill                             ; 0xF8-0xFF

; utable: the sensitive group 0x20..0x27 in virtual user mode; u_priv (PRIVILEGED) unless a probe found the
; processor runs it in user mode.
utable: .word u_priv, u_priv, u_priv, u_priv, u_priv, u_priv, u_priv, u_priv

; probes: the probe's window, the routine that interprets it when the processor runs it in user mode, and
; its slot in utable. (SETR, which has three variants, is probed on its own above.)
probes: .word p_getmode, op_getmode, utable+2
        .word p_getr, op_getr, utable+3
        .word p_lra, op_lra, utable+4
        .word p_retu, op_jmp, utable+5   ; RETU open in user mode: only P = t
        .word 0

; The probe windows: each is run in user mode only, with R = (its address, 2).
p_setr:    SETR r0, r0           ; open: R = (0, 0), and the fetch at P = 1 fails
           SVC 0
p_getmode: GETMODE r1
           SVC 0
p_getr:    GETR r1, r1
           SVC 0
p_lra:     LRA r1, [r0]
           SVC 0
p_retu:    RETU 1                ; open: only P = 1, the SVC below
           SVC 0

; ============================================================================================ the guest
; The guest's allocation starts here; the loader puts the guest's image at guest + a for its word a.
        .org 1152
guest:
