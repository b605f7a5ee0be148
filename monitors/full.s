; full.s — Theorem 1's virtual machine monitor (VMM), written in PG/1 itself.
;
; Popek & Goldberg, Theorem 1: if every sensitive instruction is privileged, a VMM can be built. This is that
; construction, the three parts of the paper (PG1.md §8):
;   * the DISPATCHER, at our own trap vector: every trap of the processor lands there. It saves the guest's
;     registers and decides: a privileged instruction trapped in virtual supervisor mode goes to its
;     interpreter; every other trap is reflected into the virtual machine.
;   * the ALLOCATOR: the guest owns the words [guest, guest + W) of our memory. It always runs in real user
;     mode with its virtual R composed onto that allocation: real l' = guest + vl, b' = min(vb, W - vl). The
;     real window never reaches outside the allocation, and it accepts exactly the addresses that §2 accepts
;     on a bare machine of W words, with the same trap detail.
;   * the INTERPRETERS, one per privileged instruction (LPSW SETR GETMODE GETR LRA RETU IN OUT HALT): each
;     does to the virtual PSW what the instruction does to the real one (port 2: the virtual time below). Innocuous instructions never reach
;     us: they run directly on the processor, at full speed.
; REFLECTION of a trap does to the virtual machine exactly what §3 says the hardware does: old virtual PSW,
; cause and detail into guest-physical 0..5, new virtual PSW from guest-physical 8..11. Every trap that is not
; interpreted is reflected, whatever its cause (MEMORY, ILLEGAL, SVC, ARITH, TIMER, and any other).
;
; Monitor ABI (PG1.md §8.1): labels `guest` (the guest's window; our image ends below it), `guest_entry` (the
; loader stores the guest's entry there) and `vpsw` (the guest's virtual PSW M, P, l, b, kept up to date at
; every trap). We boot like a bare machine, set up our trap vector, learn our size b with GETR (at depth >= 2
; that GETR is itself trapped and interpreted by the monitor below us: that is the point), take W = b - guest
; and boot the guest like a bare machine of W words: virtual PSW (s, entry, 0, W), registers 0. A guest HALT in
; virtual supervisor mode stores the final virtual PSW at `vpsw` (P = the address after the HALT, as a bare
; machine shows it), puts the guest's registers back in the real registers, and HALTs.
;
; The corner case: a virtual R with a NEGATIVE base vl. Its valid addresses start at -vl, not at 0, and no real
; window (which always starts at virtual 0) can express that without exposing the words below the
; allocation, i.e. our own memory. Then we do not run the guest directly: the EMULATOR below executes it one
; instruction at a time until its R is composable again. Loads, stores and jumps the emulator does itself
; (with the §2 check against the virtual R); any other instruction (arithmetic, SVC, an undefined opcode)
; touches only registers, so we run it on the processor in a window of ONE word, the instruction itself:
; R = (its real address, 1), P = 0. It either traps (reflected as usual) or finishes, and the next fetch, at
; P = 1, traps back to us. The guest never touches a word outside its allocation.
;
; VIRTUAL TIME (PG1.md §11; Theorem 2's premise: a monitor with no timing dependence). The guest's clock
; (IN ra, 2) counts the guest's own steps as the bare machine would, ours never: vclk. While the guest runs
; directly, vclk = real clock - toff; we read the real clock at the dispatcher (its 2nd instruction) and just
; before the LPSW that resumes the guest (`enter`, a straight line of ENTER instructions after the IN), so
; every instruction of ours between the two is left out, and the trapping instruction (a real step) is in. An
; instruction we emulate counts 1; an emulated step's trap back (not the guest's) is taken out. The guest's
; timer (OUT ra, 2) is (varm, vdue) in guest steps: when we resume the guest in virtual USER mode with it
; armed, the real timer is armed to expire after exactly the guest's remaining steps (our own instructions
; from that OUT to the LPSW added), so its TIMER trap comes before the guest's next user-mode instruction,
; as on the bare machine, and is reflected (cause 6, detail 0); already expired, we reflect it at once (the
; trap is one guest step). In virtual SUPERVISOR mode the real timer stays off: the guest's timer is pending
; until it enters user mode, exactly as §11 says. The innocuous loop pays nothing: no per-instruction cost.
; At depth >= 2 our own IN/OUT on port 2 are interpreted by the monitor below, whose clock counts our
; instructions as its guest's: the construction nests.
;
; Limits, said plainly:
;   * A privileged instruction that an ISA file adds cannot be interpreted by a program that does not know its
;     effect: in virtual supervisor mode it is reflected as a PRIVILEGED trap. The emulator (negative base only)
;     likewise knows §5's instructions only.
;   * The monitor is only as good as Theorem 1's condition. On the x86, pdp10 and lra presets some sensitive
;     instructions are not privileged: they run directly and see the real machine (GETR gives the real l, RETU
;     in virtual supervisor mode really leaves supervisor mode...), so the result differs from the bare
;     machine exactly as the theorem's failed condition allows. What a sensitive instruction does in *user*
;     mode is not written anywhere in memory, so at boot we ask the processor (see "probing" below); the
;     emulator needs it.
;
; Memory of the monitor (all addresses absolute: we run in supervisor mode with R = (0, b), l = 0):
;   0..5     our trap frame (old PSW, cause, detail), written by the processor
;   8..11    our trap vector: new PSW = (s, dispatcher, 0, b)
;   16..     this code, its tables, the save area
;   guest..  the guest's allocation, W words: guest-physical address x is our address guest + x
;
; Registers: while the guest runs, the real registers are the guest's. Whenever we run, the guest's r1..r15
; are in the save area (save+N holds rN; save+0 stays 0, the value of r0), and all registers are ours.

        .equ ENTER, 20           ; instructions after `enter`'s IN through its LPSW, that one included

; ============================================================================================== boot
start:  GETR r1, r2              ; r1 = l (0: we were booted like a bare machine), r2 = b: all of our memory
        ST r0, [8]               ; our trap vector E[8..11]: new M = s,
        LI r3, dispatcher        ;   new P = the dispatcher,
        ST r3, [9]
        ST r1, [10]              ;   new R = (l, b): all of our memory
        ST r2, [11]
        LI r3, guest
        SUB r2, r3               ; W = b - guest: the guest's allocation, all the memory above our image
        ST r2, [wsize]
        LI r3, 64                ; a machine has at least 64 words (§1): with less room for the guest we stop
        JLT r2, r3, nomem        ;   (this only happens when we are run as a plain program, not by the loader)

; Probing: what does each sensitive instruction do in USER mode on this processor (its variant, §5)? We run
; each one once in user mode, in a window of one word (the probe itself), and look at the trap that follows:
; a PRIVILEGED trap means `privileged`; otherwise it ran (and the fetch at P = 1 traps back to us): `open`,
; or for SETR `user-nop` when R did not change. vtab[op] keeps the answer: 0 privileged, 1 open, 2 user-nop.
; Only the emulator (negative base) needs it; the direct execution of the guest gets the variants for free.
        ST r0, [pk]              ; probe number k = 0..4
probe:  LD r1, [pk]
        LI r2, 5
        JLT r1, r2, probe1
        JMP boot_guest
probe1: LI r2, probes
        ADD r2, r1               ; the probe's own address is its window: R = (probes + k, 1), P = 0, M = u
        ST r2, [rpsw+2]
        LI r2, 1
        ST r2, [rpsw+3]
        ST r2, [rpsw]
        ST r0, [rpsw+1]
        LI r2, 2
        ST r2, [stepping]        ; tell the dispatcher that this trap ends a probe
        LPSW [rpsw]
probed: ST r0, [stepping]        ; (the dispatcher jumps here, registers saved)
        LD r1, [pk]
        LI r3, 0                 ; variant 0: privileged
        LD r2, [4]
        LI r4, 1
        JEQ r2, r4, probe2       ; cause PRIVILEGED
        LI r3, 1                 ; variant 1: open
        JNZ r1, probe2           ; probe 0 is SETR: open if it changed R, user-nop if not
        LD r2, [2]
        LD r4, [rpsw+2]
        JEQ r2, r4, probe3
        JMP probe2
probe3: LD r2, [3]
        LI r4, 1
        JEQ r2, r4, probe4
        JMP probe2
probe4: LI r3, 2                 ; variant 2: user-nop
probe2: LD r2, [r1+probes]       ; the probe's opcode = its word >> 24
        LI r4, 24
        SHR r2, r4
        ST r3, [r2+vtab]
        ADDI r1, 1
        ST r1, [pk]
        JMP probe

nomem:  HALT

; The guest boots like a bare machine of W words (§4): M = s, P = entry, R = (0, W), registers 0.
boot_guest:
        ST r0, [vclk]            ; its clock starts at 0 (the probes went through the dispatcher, which set it)
        ST r0, [vpsw]
        LD r1, [guest_entry]
        ST r1, [vpsw+1]
        ST r0, [vpsw+2]
        LD r1, [wsize]
        ST r1, [vpsw+3]
        LI r1, 15                ; the save area holds the guest's registers: all 0
clear:  ST r0, [r1+save]
        ADDI r1, -1
        JNZ r1, clear
        JMP resume

; ============================================================================================== dispatcher
; Every trap of the processor lands here, in supervisor mode with R = (0, b) (our trap vector). The trap frame
; E[0..5] holds the guest's real PSW, the cause and the detail. First the guest's registers go to the save
; area: [save+N] is an absolute address (r0 + save + N), so no register is needed to save the others.
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
        LD r1, [stepping]        ; a probe or an emulated step ends with this trap: handled apart
        JNZ r1, stepped
        LD r1, [1]               ; the trapping instruction's P: real and virtual P are the same number,
        ST r1, [vpsw+1]          ;   since the real window starts where the guest's virtual 0 is
; The real R is the one we composed, unless an unprivileged instruction changed it (possible only on an ISA
; that fails Theorem 1, e.g. an ISA file with SETR open): then the guest sees what the processor did.
        LD r1, [2]
        LD r2, [rpsw+2]
        LD r3, [3]
        LD r4, [rpsw+3]
        JEQ r1, r2, disp1
        JMP disp2
disp1:  JEQ r3, r4, decode
disp2:  LI r2, guest
        SUB r1, r2
        ST r1, [vpsw+2]          ; vl = l - guest
        ST r3, [vpsw+3]          ; vb = b
; Decode the cause: a PRIVILEGED trap (cause 1, detail = the instruction word) in virtual supervisor mode is
; interpreted; everything else (every trap in virtual user mode; MEMORY, ILLEGAL, SVC, ARITH, TIMER) reflected.
decode: LD r1, [4]               ; r1 = cause
        LD r2, [5]               ; r2 = detail
        LI r4, 6
        JEQ r1, r4, timer        ; TIMER: the real timer we armed for the guest
        LD r3, [vpsw]
        JNZ r3, reflect          ; virtual user mode
        LI r4, 1
        JEQ r1, r4, interpret
        JMP reflect

; An emulated step or a probe trapped back. A probe: see "probing". A step: the instruction ran in its one-word
; window; if it finished, the next fetch (P = 1) failed: MEMORY trap, detail 1, at P = 1. Any other trap is
; the instruction's own (SVC, ARITH, ILLEGAL...): reflected, at the instruction's P (vpsw+1 still holds it).
stepped:
        LI r2, 2
        JEQ r1, r2, probed
        ST r0, [stepping]
        LD r1, [4]
        LD r2, [5]
        LI r3, 2
        JEQ r1, r3, step1
        JMP reflect
step1:  LI r3, 1
        JEQ r2, r3, step2
        JMP reflect
step2:  LD r4, [1]
        JEQ r4, r3, step3        ; finished: the guest goes on at P + 1
        JMP reflect
step3:  LD r4, [vclk]            ; the trap back is ours, not a guest step
        ADDI r4, -1
        ST r4, [vclk]
        JMP next

; The real timer expired. We arm it only to expire when the guest's own timer does (see "virtual time"), so
; this is the guest's TIMER trap (its step is the guest's, vclk counts it): one-shot, then reflected like any
; trap. Should it ever come when the guest's timer is not due, the step is not the guest's: we go on.
timer:  ST r0, [rarm]            ; the hardware disarmed it
        LD r3, [vpsw]
        JZ r3, tspur
        LD r3, [varm]
        JZ r3, tspur
        LD r3, [vdue]
        LD r4, [vclk]
        ADDI r4, -1              ; the guest's steps before the trap
        SUB r3, r4
        JLT r0, r3, tspur        ; not due yet
        ST r0, [varm]
        JMP reflect              ; cause 6, detail 0
tspur:  LD r3, [vclk]
        ADDI r3, -1
        ST r3, [vclk]
        JMP resume

; ============================================================================================== reflection
; The trap r1 (cause), r2 (detail) happens to the virtual machine, exactly as §3 says the hardware does it:
; old virtual PSW (P = the trapping instruction) into guest-physical 0..3, cause and detail into 4 and 5,
; new virtual PSW from guest-physical 8..11. These are physical addresses, not relocated; they are always in
; the allocation (W >= 64 words, since q >= 64 for every machine), so no check is needed.
reflect:
        LD r3, [vpsw]
        ST r3, [guest+0]
        LD r3, [vpsw+1]
        ST r3, [guest+1]
        LD r3, [vpsw+2]
        ST r3, [guest+2]
        LD r3, [vpsw+3]
        ST r3, [guest+3]
        ST r1, [guest+4]
        ST r2, [guest+5]
        LD r3, [guest+8]         ; new M: any nonzero value means user mode, stored as 1
        JZ r3, refl1
        LI r3, 1
refl1:  ST r3, [vpsw]
        LD r3, [guest+9]
        ST r3, [vpsw+1]
        LD r3, [guest+10]
        ST r3, [vpsw+2]
        LD r3, [guest+11]
        ST r3, [vpsw+3]
        JMP resume

; ============================================================================================== allocator
; Back to the guest. Its virtual R = (vl, vb) is composed onto the allocation [guest, guest + W):
;   l' = guest + vl,  b' = min(vb, W - vl).
; A virtual address a passes the real check (0 <= a < b') exactly when it passes §2 in the VM
; (0 <= a < vb and 0 <= a + vl < W), with the same detail a when it does not: for vl >= 0. When b' <= 0 no
; address is valid, virtually or really; the empty window (guest, 0) says so without any overflow.
; For vl < 0 there is no such window: the emulator takes over.
resume: ST r0, [save]            ; r0 stays 0, whatever an interpreter wrote there
; Virtual time, the timer: in virtual user mode an expired guest timer is taken now, before the instruction
; at virtual P (a TIMER trap, one guest step); an armed one gives this run its budget, trem guest steps. In
; virtual supervisor mode it waits, as on the bare machine (§11).
        ST r0, [trem]
        LD r1, [vpsw]
        JZ r1, res1
        LD r1, [varm]
        JZ r1, res1
        LD r1, [vdue]
        LD r2, [vclk]
        SUB r1, r2               ; guest steps left (vdue - vclk wraps correctly, like the clock)
        JLT r0, r1, res0
        ST r0, [varm]            ; expired: one-shot
        ADDI r2, 1               ; the TIMER trap is a guest step
        ST r2, [vclk]
        LI r1, 6
        LI r2, 0
        JMP reflect
res0:   ST r1, [trem]
res1:   LD r1, [vpsw+2]          ; r1 = vl
        JLT r1, r0, emulate
        LD r2, [vpsw+3]          ; r2 = vb
        LD r3, [wsize]
        SUB r3, r1               ; r3 = W - vl (no overflow: W > 0, vl >= 0)
        JLT r2, r3, comp1
        MOV r2, r3               ; b' = min(vb, W - vl)
comp1:  LI r4, guest
        JLT r0, r2, comp2
        MOV r1, r0               ; empty window: l' = guest, b' = 0
        MOV r2, r0
comp2:  ADD r1, r4               ; l' = guest + vl
        ST r1, [rpsw+2]
        ST r2, [rpsw+3]
        LI r1, 1                 ; real M = u, always: the guest never runs in real supervisor mode
        ST r1, [rpsw]
        LD r1, [vpsw+1]          ; real P = virtual P
        ST r1, [rpsw+1]
; The real timer: armed so that it expires after exactly trem guest steps, or off (when we armed it before).
        LD r1, [trem]
        JNZ r1, arm
timeroff:
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
; Restore the guest's registers and load the composed PSW: the guest runs until its next trap.
        LD r1, [save+1]
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
        LPSW [rpsw]

; ============================================================================================== interpreters
; The privileged instruction r2 (its word, the detail of the PRIVILEGED trap) trapped at virtual P (vpsw+1),
; in virtual supervisor mode. Decode its fields (§5), then do to the virtual PSW what it does to the real one.
interpret:
        JAL r14, fields          ; r5 = op, r6 = ra, r7 = rb, r8 = uimm, r9 = simm, r10 = EA = rb + simm
        LI r3, 0x01
        JEQ r5, r3, i_halt
        LI r3, 0x20
        JEQ r5, r3, i_lpsw
        LI r3, 0x21
        JEQ r5, r3, i_setr
        LI r3, 0x22
        JEQ r5, r3, i_getmode
        LI r3, 0x23
        JEQ r5, r3, i_getr
        LI r3, 0x24
        JEQ r5, r3, i_lra
        LI r3, 0x25
        JEQ r5, r3, i_retu
        LI r3, 0x26
        JEQ r5, r3, i_in
        LI r3, 0x27
        JEQ r5, r3, i_out
        JMP reflect              ; an ISA file's own privileged instruction: we cannot know its effect

; fields: split the word r2 into its fields (§5). The guest's rb is read from the save area. Returns by r14.
fields: MOV r5, r2
        LI r3, 24
        SHR r5, r3               ; op = w >> 24 (logical)
        MOV r6, r2
        LI r3, 20
        SHR r6, r3
        LI r3, 15
        AND r6, r3               ; ra = (w >> 20) & 15
        MOV r7, r2
        LI r3, 16
        SHR r7, r3
        LI r3, 15
        AND r7, r3               ; rb = (w >> 16) & 15
        LI r8, 0
        ORI r8, 0xFFFF
        AND r8, r2               ; uimm = w & 0xFFFF
        MOV r9, r2
        LI r3, 16
        SHL r9, r3
        LUI r3, 1
        DIV r9, r3               ; simm = (w << 16) / 65536: an exact division keeps the sign
        LD r10, [r7+save]
        ADD r10, r9              ; EA = rb + simm (wraps at 32 bits, like the hardware)
        JR r14

; vcheck: is the virtual address r10 valid under the virtual R (§2 on a machine of W words)? Returns by r13
; with r11 = its guest-physical address r10 + vl, or r11 = -1 when it is not valid. Every access the monitor
; makes to the guest's memory on the guest's behalf goes through here: nothing outside [0, W) is touched.
vcheck: JLT r10, r0, vbad        ; a < 0
        LD r12, [vpsw+3]
        JLT r10, r12, vck1       ; a < vb
        JMP vbad
vck1:   LD r12, [vpsw+2]
        MOV r11, r10
        ADD r11, r12             ; a + vl
        JLT r11, r0, vbad
        LD r12, [wsize]
        JLT r11, r12, vok        ; 0 <= a + vl < W
vbad:   LI r11, -1
vok:    JR r13

; A memory trap of the instruction at vpsw+1, detail r10 (the virtual address that failed).
memtrap:
        LI r1, 2
        MOV r2, r10
        JMP reflect

; HALT: the guest stops. Its final virtual PSW is at vpsw (P after the HALT, M = s), its registers go back in
; the real registers, and we halt the machine. (At depth >= 2 our HALT traps to the monitor below, which
; does the same: the real machine halts with the guest's registers.)
i_halt: LD r1, [vpsw+1]
        ADDI r1, 1
        ST r1, [vpsw+1]
        LD r1, [save+1]
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

; LPSW [rb+simm]: four reads at EA..EA+3, each relocated and checked against the virtual R, in that order;
; the first that fails is a memory trap (nothing changes). Then (M, P, l, b) = the four words.
i_lpsw: JAL r13, vcheck
        JLT r11, r0, memtrap
        LD r1, [r11+guest]       ; M
        ADDI r10, 1
        JAL r13, vcheck
        JLT r11, r0, memtrap
        LD r2, [r11+guest]       ; P
        ADDI r10, 1
        JAL r13, vcheck
        JLT r11, r0, memtrap
        LD r3, [r11+guest]       ; l
        ADDI r10, 1
        JAL r13, vcheck
        JLT r11, r0, memtrap
        LD r4, [r11+guest]       ; b
        JZ r1, lpsw1
        LI r1, 1                 ; any nonzero M is user mode
lpsw1:  ST r1, [vpsw]
        ST r2, [vpsw+1]
        ST r3, [vpsw+2]
        ST r4, [vpsw+3]
        JMP resume

; SETR ra, rb: virtual R = (ra, rb).
i_setr: LD r1, [r6+save]
        ST r1, [vpsw+2]
        LD r1, [r7+save]
        ST r1, [vpsw+3]
        JMP next

; GETMODE ra: ra = virtual M.
i_getmode:
        LD r1, [vpsw]
        ST r1, [r6+save]
        JMP next

; GETR ra, rb: ra = virtual l, then rb = virtual b (so with ra = rb it holds b, as on the hardware).
i_getr: LD r1, [vpsw+2]
        ST r1, [r6+save]
        LD r1, [vpsw+3]
        ST r1, [r7+save]
        JMP next

; LRA ra, [rb+simm]: ra = EA + virtual l, or a memory trap when EA fails the check.
i_lra:  JAL r13, vcheck
        JLT r11, r0, memtrap
        ST r11, [r6+save]
        JMP next

; RETU t: virtual M = u, P = t.
i_retu: LI r1, 1
        ST r1, [vpsw]
        ST r8, [vpsw+1]
        JMP resume

; IN ra, port and OUT ra, port pass through to the real devices. The port is a field of the word, so we run
; the guest's own word with ra replaced by our r1: word & 0xFF0FFFFF | 1 << 20, placed at `ioslot`.
i_in:   LI r3, 2
        JEQ r8, r3, i_clock      ; port 2: the guest's own clock
        JAL r14, ioword
        JAL r14, ioslot
        ST r1, [r6+save]
        JMP next
i_out:  LI r3, 2
        JEQ r8, r3, i_timer      ; port 2: the guest's own timer
        JAL r14, ioword
        LD r1, [r6+save]
        JAL r14, ioslot
        JMP next
ioword: LUI r3, 0xFF0F
        ORI r3, 0xFFFF
        AND r3, r2
        LUI r4, 0x10
        OR r3, r4
        ST r3, [ioslot]
        JR r14
ioslot: NOP                      ; replaced by the IN or OUT to run
        JR r14

; IN ra, 2: the guest's clock, its own steps since boot (this IN included), mod 2^32.
i_clock:
        LD r1, [vclk]
        ST r1, [r6+save]
        JMP next
; OUT ra, 2: the guest's timer expires after ra more guest steps (ra <= 0 disarms it).
i_timer:
        ST r0, [varm]
        LD r1, [r6+save]
        JLT r0, r1, i_tim1
        JMP next
i_tim1: LD r3, [vclk]
        ADD r3, r1
        ST r3, [vdue]
        LI r3, 1
        ST r3, [varm]
        JMP next

; The instruction is done: the guest goes on at P + 1.
next:   LD r1, [vpsw+1]
        ADDI r1, 1
        ST r1, [vpsw+1]
        JMP resume

; ============================================================================================== emulator
; The virtual base vl is negative: no real window expresses the guest's R (see the header). One instruction
; at a time: fetch it through vcheck (a fetch that fails is a memory trap, detail P), then
;   LD, ST, jumps                 done here, with the §2 check for LD and ST;
;   the sensitive group           in virtual supervisor mode: its interpreter; in virtual user mode as the
;                                 processor does it (the variant we probed): privileged -> PRIVILEGED trap,
;                                 open -> its interpreter (RETU open only sets P), user-nop -> nothing;
;   anything else                 on the processor, in a window of one word (see "stepped").
; Then `resume` decides again: the guest runs directly as soon as its R is composable.
emulate:
        LD r10, [vclk]           ; one guest step, whatever it does (e_step gives it back to the processor)
        ADDI r10, 1
        ST r10, [vclk]
        LD r10, [vpsw+1]
        JAL r13, vcheck
        JLT r11, r0, memtrap     ; the fetch fails: memory trap, detail P
        LD r2, [r11+guest]       ; r2 = the instruction word
        MOV r15, r11             ; r15 = its guest-physical address
        JAL r14, fields
        LI r3, 0x11
        JEQ r5, r3, e_ld
        LI r3, 0x12
        JEQ r5, r3, e_st
        LI r3, 0x13
        JEQ r5, r3, e_jmp
        LI r3, 0x14
        JEQ r5, r3, e_jz
        LI r3, 0x15
        JEQ r5, r3, e_jnz
        LI r3, 0x16
        JEQ r5, r3, e_jeq
        LI r3, 0x17
        JEQ r5, r3, e_jlt
        LI r3, 0x18
        JEQ r5, r3, e_jal
        LI r3, 0x19
        JEQ r5, r3, e_jr
        LI r3, 0x01
        JEQ r5, r3, e_sens
        LI r3, 0x20
        JLT r5, r3, e_step
        LI r3, 0x28
        JLT r5, r3, e_sens
; Run it on the processor: R = (its real address, 1), P = 0, M = u, the guest's registers.
e_step: LI r1, guest
        ADD r1, r15
        ST r1, [rpsw+2]
        LI r1, 1
        ST r1, [rpsw+3]
        ST r1, [rpsw]
        ST r0, [rpsw+1]
        ST r1, [stepping]
        LD r1, [vclk]            ; the processor counts this step itself
        ADDI r1, -1
        ST r1, [vclk]
        JMP timeroff

e_sens: LD r3, [vpsw]
        JZ r3, interpret         ; virtual supervisor mode: interpreted as if it had trapped
        LD r3, [r5+vtab]         ; virtual user mode: as this processor does it in user mode
        JZ r3, e_priv
        LI r4, 2
        JEQ r3, r4, next         ; user-nop
        LI r4, 0x25
        JEQ r5, r4, e_jmp        ; RETU open: only P = t
        JMP interpret            ; open: the same effect as in supervisor mode
e_priv: LI r1, 1                 ; PRIVILEGED trap, detail = the word
        JMP reflect

e_ld:   JAL r13, vcheck
        JLT r11, r0, memtrap
        LD r1, [r11+guest]
        ST r1, [r6+save]
        JMP next
e_st:   JAL r13, vcheck
        JLT r11, r0, memtrap
        LD r1, [r6+save]
        ST r1, [r11+guest]
        JMP next
e_jz:   LD r1, [r6+save]
        JZ r1, e_jmp
        JMP next
e_jnz:  LD r1, [r6+save]
        JNZ r1, e_jmp
        JMP next
e_jeq:  LD r1, [r6+save]
        LD r2, [r7+save]
        JEQ r1, r2, e_jmp
        JMP next
e_jlt:  LD r1, [r6+save]
        LD r2, [r7+save]
        JLT r1, r2, e_jmp
        JMP next
e_jal:  LD r1, [vpsw+1]
        ADDI r1, 1
        ST r1, [r6+save]         ; ra = P + 1
e_jmp:  ST r8, [vpsw+1]          ; P = t
        JMP resume
e_jr:   LD r1, [r6+save]
        ST r1, [vpsw+1]          ; P = ra
        JMP resume

; ============================================================================================== data
wsize:  .word 0                  ; W: the guest's allocation, in words
vclk:   .word 0                  ; virtual time: the guest's clock, its steps so far (exact while we run)
toff:   .word 0                  ;   real clock - guest's clock while the guest runs
tnow:   .word 0                  ;   the real clock read at the dispatcher
varm:   .word 0                  ;   the guest's timer: 1 armed, 0 not
vdue:   .word 0                  ;   its deadline, in guest steps
trem:   .word 0                  ;   guest steps left on it for the run being started (0: no real timer)
rarm:   .word 0                  ;   1 while the real timer may be armed by us
pk:     .word 0                  ; probing: the probe being run
stepping: .word 0                ; 0 normally, 1 during an emulated step, 2 during a probe
rpsw:   .word 0, 0, 0, 0         ; the real PSW we load to run the guest: (u, P, l', b')
vpsw:   .word 0, 0, 0, 0         ; the guest's virtual PSW: M, P, l, b
guest_entry: .word 0             ; filled by the loader
save:   .zero 16                 ; the guest's registers r0..r15 while we run (save+0 = 0)
vtab:   .zero 40                 ; vtab[op]: what a sensitive instruction does in user mode (0 privileged,
                                 ;   1 open, 2 user-nop), found by probing at boot
probes: SETR r0, r0              ; the probes, in order; each is run at its own address
        GETMODE r0
        GETR r0, r0
        LRA r0, [r0+0]
        RETU 1

        .org 640
guest:                           ; the guest's allocation starts here: W = b - guest words
