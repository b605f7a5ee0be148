/**
 * The guided lessons: seven on the paper, then three beyond 1974 (beyond.ts). Each check RUNS the student's program (bare, traced; under the monitors; nested) and
 * judges what happened — never the text. DOM-free, so vitest runs every check on a right and a wrong answer.
 */
import { Cause } from '../core/isa/table';
import { BEYOND_LESSONS } from './beyond';
import { equivItem, guarded, instrs, loadedFrom, n, result, starter, type CheckItem, type Lesson } from './check';
import { LESSON_MAX_STEPS, causeName, describeDivergence, equivalence, ran, towerRun } from './run';
import { walkSvc } from './walk';

export type { CheckItem, CheckResult, Lesson } from './check';

export const LESSONS: Lesson[] = [
  {
    id: 'machine',
    title: '1. The machine, modes and traps',
    isa: 'pg1',
    text: [
      'A PG/1 state is S = ⟨E, M, P, R⟩: memory `E`, the mode `M` (0 = supervisor s, 1 = user u), the program counter `P`, and the relocation register `R = (l, b)`, plus sixteen registers. The PSW is (M, P, l, b).',
      'A *privileged* instruction runs in supervisor mode and traps in user mode. A trap stores the old PSW in physical `E[0..3]`, the cause in `E[4]`, the detail in `E[5]`, and loads a new PSW from `E[8..11]`. Cause 1 is PRIVILEGED, 2 MEMORY, 3 ILLEGAL, 4 SVC, 5 ARITH.',
      '`RETU t` enters user mode at `t`. The lessons run on a machine of q = 16384 words.',
    ],
    task: 'Go to user mode, execute a privileged instruction there, and let your trap handler put the trap\'s cause (read from E[4]) into r1 before it HALTs.',
    hints: [
      'The starter already points the new PSW at `handler`. Use `RETU somewhere` to reach user mode.',
      'HALT is privileged: in user mode it traps instead of stopping.',
      'In the handler, `LD r1, [4]` reads the cause from physical E[4] (the handler runs with R = (0, q)).',
    ],
    starter: starter('Lesson 1: the machine, modes and traps', 'enter user mode and execute a privileged instruction there', 'r1 = the cause of the trap (E[4])'),
    check(source) {
      return guarded(source, 'pg1', (t) => {
        const userPriv = t.traps.find((x) => x.cause === Cause.PRIVILEGED && x.old.mode === 1);
        const anyUser = t.traps.some((x) => x.old.mode === 1) || [...t.executed.keys()].some((k) => k.startsWith('u:'));
        return result([
          { ok: true, text: `The program halts after ${instrs(t.steps)}.` },
          { ok: anyUser, text: anyUser ? 'It runs in user mode.' : 'It never runs in user mode (RETU gets there).' },
          {
            ok: !!userPriv,
            text: userPriv
              ? `A PRIVILEGED trap was taken from user mode at P = ${userPriv.old.pc} (${userPriv.what}).`
              : 'No PRIVILEGED trap was taken from user mode.',
          },
          { ok: t.regs[1] === Cause.PRIVILEGED, text: `At the halt r1 = ${t.regs[1]} (the cause should be ${Cause.PRIVILEGED}, PRIVILEGED).` },
          loadedFrom(t, 1, 4, 'the cause'),
        ]);
      });
    },
  },
  {
    id: 'relocation',
    title: '2. Relocation and the memory trap',
    isa: 'pg1',
    text: [
      'Every address is relocated, in both modes: a virtual address a means physical a + l, and it is a *memory trap* (cause 2, detail a) when a < 0, a ≥ b, or a + l falls outside memory. This is how a monitor confines a program to a window R = (l, b).',
      '`LPSW [x]` loads (M, P, l, b) from E[x..x+3] in one go — the way a supervisor starts a user program in its own window. `SETR ra, rb` changes R immediately, so the next instruction is already fetched through the new window.',
    ],
    task: 'Start a user program in a window that does not begin at 0 (l > 0), make it touch an address outside its window, and let the handler put the trap\'s detail (E[5]) into r1 and the old l (E[2]) into r2 before it HALTs.',
    hints: [
      'Put a PSW in memory, e.g. `upsw: .word 1, 0, 1024, 64` (user mode, P = 0, l = 1024, b = 64), and `LPSW [upsw]`.',
      'Code for the user program goes at physical 1024: `.org 1024`. Its P = 0 is physical 1024.',
      'In user mode `LI r5, 100` then `LD r6, [r5]`: 100 ≥ b, a memory trap with detail 100.',
    ],
    starter: starter('Lesson 2: relocation and the memory trap', 'start a user program in a window (l > 0) that touches an address outside it', 'r1 = detail (E[5]), r2 = the old l (E[2])'),
    check(source) {
      return guarded(source, 'pg1', (t) => {
        const mem = t.traps.filter((x) => x.cause === Cause.MEMORY && x.old.mode === 1 && x.old.l > 0);
        const last = mem[mem.length - 1];
        return result([
          { ok: true, text: `The program halts after ${instrs(t.steps)}.` },
          {
            ok: !!last,
            text: last
              ? `A memory trap from user mode in the window R = (${last.old.l}, ${last.old.b}), for virtual address ${last.detail} (physical ${last.detail + last.old.l}).`
              : 'No memory trap was taken from user mode in a window with l > 0.',
          },
          { ok: !!last && t.regs[1] === last.detail, text: `r1 = ${t.regs[1]}${last ? `; the trap's detail was ${last.detail}` : ''}.` },
          { ok: !!last && t.regs[2] === last.old.l, text: `r2 = ${t.regs[2]}${last ? `; the old l was ${last.old.l}` : ''}.` },
          loadedFrom(t, 1, 5, 'the detail'),
          loadedFrom(t, 2, 2, 'the old l'),
        ]);
      });
    },
  },
  {
    id: 'monitor',
    title: '3. A monitor: dispatcher, allocator, interpreters',
    isa: 'pg1',
    text: [
      'The full monitor of Theorem 1 runs your whole program — supervisor code included — in real user mode, in a window of its own memory. Innocuous instructions run directly on the real processor. Every trap reaches the *dispatcher*.',
      'When the VM is in virtual supervisor mode, a trapped privileged instruction goes to its *interpreter*, which does to the virtual state what the instruction would have done; those that change R (SETR, LPSW) go through the *allocator*, which composes the VM\'s R with the window the monitor gave it. Every other trap is *reflected*: written into the VM\'s own trap frame E[0..11], exactly as the hardware would. That is a privileged instruction in virtual user mode, and a MEMORY, SVC, ILLEGAL or ARITH trap in either virtual mode.',
      'On pg1 every sensitive instruction is privileged, so Theorem 1\'s condition holds and the result is the same as on the bare machine (q = w = 16384): same console, registers, PSW and memory. Equivalence alone therefore says little about your kernel; the check also asks the monitor what it did.',
    ],
    task: 'Write a small kernel that makes the monitor use all three parts: in supervisor mode change R (LPSW or SETR) to start a user program, print with OUT, let the user program make an SVC that your kernel handles, and HALT. It must run equivalently under the full monitor on pg1.',
    hints: [
      'Start the user program with `LPSW [upsw]`, `upsw: .word 1, 0, 1024, 64`, and put `SVC 7` at `.org 1024`.',
      'The handler can print the cause: `LD r2, [4]` then `OUT r2, 1`.',
      'Look at the notes after a check: how many traps reached the dispatcher, how many were reflected and interpreted.',
    ],
    starter: starter('Lesson 3: a monitor on pg1', 'OUT something, start a user program with LPSW (or SETR)', 'the user program\'s SVC lands here; print the cause, HALT'),
    check(source) {
      return guarded(source, 'pg1', (t) => {
        const alloc = ran(t, 's', 'SETR') + ran(t, 's', 'LPSW');
        const outs = ran(t, 's', 'OUT');
        const svc = t.traps.find((x) => x.cause === Cause.SVC && x.old.mode === 1);
        const eq = equivalence(source, 'pg1', 'full');
        const tower = towerRun(source, 'pg1', 'full', 1);
        const lv = tower.levels[0];
        const interp = Object.entries(lv.interpreted).map(([k, v]) => `${k}×${v}`).join(', ') || 'none';
        const allocated = (lv.interpreted.LPSW ?? 0) + (lv.interpreted.SETR ?? 0);
        const devices = (lv.interpreted.OUT ?? 0) + (lv.interpreted.IN ?? 0);
        return result(
          [
            { ok: true, text: `The program halts after ${instrs(t.steps)}.` },
            // What the monitor did, from its own statistics: each of these fails for a kernel that skips a part.
            { ok: allocated > 0, text: allocated > 0 ? `The monitor interpreted LPSW/SETR ${allocated} time(s), composing R through its allocator.` : 'The monitor never had to compose R: no LPSW or SETR reached its allocator.' },
            { ok: devices > 0, text: devices > 0 ? `The monitor interpreted ${devices} device instruction(s) for the guest.` : 'No device instruction reached the monitor\'s interpreters.' },
            { ok: lv.stats.reflected > 0, text: lv.stats.reflected > 0 ? `The dispatcher reflected ${lv.stats.reflected} trap(s) into the guest's own trap frame.` : 'The dispatcher reflected no trap into the guest.' },
            { ok: alloc > 0, text: alloc > 0 ? `R was changed in supervisor mode ${alloc} time(s): work for the allocator.` : 'R is never changed in supervisor mode (use LPSW or SETR): the allocator has nothing to do.' },
            { ok: outs > 0 && t.console.length > 0, text: outs > 0 ? `OUT ran ${outs} time(s) in supervisor mode; console "${t.console}".` : 'No OUT ran in supervisor mode: no interpreter for a device.' },
            { ok: !!svc, text: svc ? `An SVC ${svc.detail} was taken from user mode: the monitor must reflect it.` : 'No SVC was taken from user mode, so no trap is reflected.' },
            equivItem(eq, true, 'Under the full monitor on pg1 it ends exactly as on the bare machine.', (why) => `Under the full monitor it diverges: ${why}.`),
          ],
          [`Dispatcher at level 1: ${lv.stats.traps} traps, ${lv.stats.reflected} reflected, ${lv.stats.interpreted} interpreted (${interp}).`],
        );
      });
    },
  },
  {
    id: 'theorem1',
    title: "4. Where Theorem 1's condition fails: pdp10 and x86",
    isa: 'pg1',
    text: [
      'Theorem 1: if every sensitive instruction is privileged, a VMM can be built. It is a sufficient condition. When the condition fails, the theorem promises nothing: the full monitor is not guaranteed to be equivalent — and on these ISAs a program can tell.',
      'On `pdp10`, RETU is open: in user mode it only sets P (like JRST 1). The monitor runs the guest\'s supervisor code in real user mode, so the guest\'s RETU never traps and the monitor never learns the VM went to user mode.',
      'On `x86`, GETMODE and GETR are open and SETR is a user-mode no-op (SMSW, SGDT, POPF). Under the monitor the guest\'s supervisor code really runs in user mode, so GETMODE reads 1 where the bare machine reads 0.',
    ],
    task: 'Write one program that runs equivalently under the full monitor on pg1, but diverges under the full monitor on pdp10 and on x86.',
    hints: [
      'On x86: `GETMODE r1` in supervisor mode is all it takes.',
      'On pdp10: `RETU user` then a privileged instruction at `user:` (HALT). Bare, it traps to your handler; in the VM, the monitor thinks the VM is still in supervisor mode and interprets it.',
      'Give the handler something visible to do (`LI r2, 1`, then HALT), so the two runs end differently.',
    ],
    starter: starter('Lesson 4: make the full monitor diverge on pdp10 and x86'),
    check(source) {
      return guarded(source, 'pg1', () =>
        result([
          equivItem(equivalence(source, 'pg1', 'full'), true, 'pg1: equivalent under the full monitor (as Theorem 1 promises).', (why) => `pg1: diverges (${why}) — on pg1 that means the program itself misbehaves; make it halt the same way.`),
          equivItem(equivalence(source, 'pdp10', 'full'), false, 'pdp10: still equivalent. Use RETU in supervisor mode.', 'pdp10'),
          equivItem(equivalence(source, 'x86', 'full'), false, 'x86: still equivalent. Read the mode (GETMODE) or R (GETR) in supervisor mode.', 'x86'),
        ]),
      );
    },
  },
  {
    id: 'hybrid',
    title: '5. The hybrid monitor and Theorem 3',
    isa: 'pdp10',
    text: [
      'Theorem 3: if every *user-sensitive* instruction is privileged, a hybrid monitor (HVM) can be built. A user-sensitive instruction is one that is control sensitive from user mode, or location sensitive in user mode.',
      'The hybrid monitor interprets *every* instruction while the VM is in virtual supervisor mode, and runs it directly only in virtual user mode. The PDP-10\'s JRST 1 (our open RETU) is sensitive only in supervisor mode, so the hybrid monitor never lets it run on the real processor — and the VM stays equivalent, at the price of interpreting all supervisor code.',
      'On x86, GETR reads R in user mode (location sensitive with M = u): user sensitive and unprivileged, so Theorem 3\'s condition fails there and the theorem promises nothing. (x86\'s SETR is not user sensitive: in user mode it does nothing, bare or virtual.)',
    ],
    task: 'Write a program (for pdp10) that diverges under the full monitor on pdp10 but runs equivalently under the hybrid monitor on pdp10.',
    hints: [
      'Your pdp10 program from lesson 4 is a good start: `RETU user` then a privileged instruction at `user:`.',
      'Make sure the bare run halts: the handler reached by the user-mode trap must HALT.',
      'The notes show how much the hybrid monitor interprets: all the supervisor-mode instructions.',
    ],
    starter: starter('Lesson 5: the hybrid monitor (isa: pdp10)'),
    check(source) {
      return guarded(source, 'pdp10', () => {
        const items = [
          equivItem(equivalence(source, 'pdp10', 'full'), false, 'pdp10, full monitor: equivalent — nothing for the hybrid monitor to fix yet. Use RETU in supervisor mode.', 'pdp10, full monitor'),
          equivItem(equivalence(source, 'pdp10', 'hybrid'), true, "pdp10, hybrid monitor: equivalent (Theorem 3's condition holds on pdp10).", 'pdp10, hybrid monitor'),
        ];
        const tower = towerRun(source, 'pdp10', 'hybrid', 1);
        const x86 = equivalence(source, 'x86', 'hybrid');
        return result(
          items,
          [
            `Hybrid monitor: ${tower.levels[0].stats.interpreted} of ${tower.steps} guest instructions interpreted.`,
            `The same program on x86 under the hybrid monitor: ${x86.equivalent ? 'equivalent' : `diverges (${describeDivergence(x86)})`}.`,
          ],
        );
      });
    },
  },
  {
    id: 'recursion',
    title: '6. Recursive virtualization and Theorem 2',
    isa: 'pg1',
    text: [
      'Theorem 2: if Theorem 1\'s condition holds and a monitor has no timing dependence, the machine is *recursively virtualizable*: a monitor runs, unchanged, inside a VM that another monitor gives it, level after level (the lab nests up to 8).',
      'Each level costs: a trap in the innermost guest goes to the outermost monitor, which reflects it into monitor 2 (which runs in a VM), whose own privileged instructions trap to monitor 1 again... The real instructions per guest instruction grow with the depth: trap amplification.',
      'On pg1 every program that halts runs equivalently at every depth, so the check also asks every monitor of the tower what it did with your trap: each level must have reflected it.',
    ],
    task: 'Write a program that takes a trap in user mode that its kernel handles, prints with OUT, and runs equivalently on pg1 under the full monitor nested 1, 2 and 3 deep.',
    hints: [
      'Lesson 3\'s kernel is a good answer: an LPSW to a user window, an SVC there, a handler that prints and HALTs.',
      'The notes show the real steps per guest step at each depth. The Recursion view plots it up to depth 8.',
    ],
    starter: starter('Lesson 6: recursive virtualization'),
    check(source) {
      return guarded(source, 'pg1', (t) => {
        const userTrap = t.traps.find((x) => x.old.mode === 1);
        const outs = ran(t, 's', 'OUT');
        const items: CheckItem[] = [
          { ok: !!userTrap, text: userTrap ? `A trap (${causeName(userTrap.cause)}) from user mode is handled by your kernel.` : 'No trap is taken from user mode.' },
          { ok: outs > 0, text: outs > 0 ? `OUT ran ${outs} time(s) in supervisor mode.` : 'No OUT in supervisor mode.' },
        ];
        const notes: string[] = [];
        // Theorem 2's other premise (no timing dependence) is not checked here: PG/1 has no clock a guest can read
        // in this branch. When PG1.md §11's clock lands, add an item with a program that reads it (--time real).
        for (const depth of [1, 2, 3]) {
          const eq = equivalence(source, 'pg1', 'full', depth);
          items.push(equivItem(eq, true, `Depth ${depth}: equivalent.`, `Depth ${depth}`));
          const tw = towerRun(source, 'pg1', 'full', depth);
          const quiet = tw.levels.filter((l) => l.stats.reflected === 0).map((l) => l.level);
          items.push({
            ok: quiet.length === 0,
            text: quiet.length === 0
              ? `Depth ${depth}: every one of the ${depth} monitor(s) reflected a trap on its way to your kernel.`
              : `Depth ${depth}: monitor level(s) ${quiet.join(', ')} reflected no trap: no trap of your program travelled through the tower.`,
          });
          const traps = tw.levels.map((l) => l.stats.traps).join(' / ');
          notes.push(`Depth ${depth}: traps per level ${traps}; trap amplification ${tw.amplification > 0 ? tw.amplification.toFixed(2) : '— (no guest trap)'} (monitor work per guest trap).`);
        }
        return result(items, notes);
      });
    },
  },
  {
    id: 'pgmonitor',
    title: '7. One trap inside full.s, two monitors deep',
    isa: 'pg1',
    text: [
      '`monitors/full.s` is Theorem 1\'s monitor written in PG/1: a program on the machine, like your kernel. At depth 2 the real machine holds full.s 1 at real 0.., full.s 2 at real `guest`.. (640) and your program at real 2 × 640 = 1280: each level\'s memory is the VM the level above gives it.',
      'Follow one `SVC 5` from your user process. (1) The real hardware takes it: old PSW, cause 4 and detail 5 into the *real* E[0..5], new PSW from real E[8..11] — full.s 1\'s dispatcher. (2) full.s 1 sees that its VM (full.s 2) was in virtual user mode, so it reflects the trap: it writes the old virtual PSW, 4 and 5 into its VM\'s frame at real 640 + 0..5 and resumes full.s 2 at the P of *its* vector. (3) full.s 2 does the same one level down: it writes your program\'s frame at real 1280 + 0..5; its LPSW back into your program is privileged, so it traps to full.s 1, which interprets it. (4) Your kernel\'s handler runs, reading E[5] = 5 from what it calls physical 5 (real 1285).',
      'In the workbench: Monitor "full.s (PG/1)", Depth 2, Step to next trap until the SVC, then Step: the tab of each level shows where it is, Memory → real machine shows the three frames, and Step over monitor jumps to the moment your kernel runs.',
    ],
    task: 'Write a kernel whose user process makes `SVC 5`; the handler loads the SVC\'s number from E[5] into r2, prints it with `OUT r2, 1` and HALTs. The check runs it on the bare machine and under full.s at depth 2, and follows the trap through the real machine.',
    hints: [
      'Lesson 3\'s kernel: a trap vector at E[8..11], an LPSW into a user window, `SVC 5` there.',
      'The handler must *read* the number the hardware stored (LD r2, [5]): under two monitors it is the frame full.s 2 wrote, not a constant.',
    ],
    starter: starter('Lesson 7: one trap inside full.s at depth 2', 'drop to a user process that makes SVC 5'),
    check(source) {
      return guarded(source, 'pg1', (t) => {
        const svc = t.traps.find((x) => x.cause === Cause.SVC && x.old.mode === 1);
        const items: CheckItem[] = [
          {
            ok: !!svc && svc.detail === 5,
            text: svc ? (svc.detail === 5 ? 'Bare: your user process made SVC 5.' : `Bare: the user process made SVC ${svc.detail}, not SVC 5.`) : 'Bare: no SVC is taken from user mode.',
          },
          loadedFrom(t, 2, 5, 'the SVC number'),
          { ok: t.console === '5', text: t.console === '5' ? 'Bare: the kernel printed 5.' : `Bare: the console is ${JSON.stringify(t.console)}, not "5".` },
        ];
        const w = walkSvc(source, 5);
        items.push({ ok: w.equivalent, text: w.equivalent ? 'Under full.s at depth 2 the run is equivalent to the bare one.' : `Under full.s at depth 2 the run diverges — ${w.divergence}.` });
        const [hw, r1, r2, h] = w.stages;
        const lv = (s: typeof hw) => `full.s 1 ran ${n(s.byLevel[0])}, full.s 2 ${n(s.byLevel[1])}, your program ${n(s.byLevel[2])} real instructions`;
        const g = w.guest;
        items.push({
          ok: hw.reached,
          text: hw.reached
            ? `(1) Real step ${n(hw.step)}: the hardware wrote old PSW (${hw.words.slice(0, 4).join(', ')}), cause ${hw.words[4]}, detail ${hw.words[5]} into real E[0..5] and loaded full.s 1's dispatcher from real E[8..11] = (${hw.words.slice(6).join(', ')}).`
            : '(1) The real hardware never took an SVC 5 from your program under full.s.',
        });
        items.push({
          ok: r1.reached && r1.byLevel[0] > 0,
          text: r1.reached ? `(2) Real step ${n(r1.step)}: full.s 1 reflected it into full.s 2's frame at real ${g}..${g + 5} = (${r1.words.join(', ')}); ${lv(r1)}.` : '(2) full.s 1 never reflected the SVC into full.s 2.',
        });
        items.push({
          ok: r2.reached && r2.byLevel[1] > 0,
          text: r2.reached
            ? `(3) Real step ${n(r2.step)}: full.s 2 reflected it into your frame at real ${2 * g}..${2 * g + 5} = (${r2.words.join(', ')}); ${lv(r2)}, with ${r2.traps} real trap(s) on the way.`
            : '(3) full.s 2 never reflected the SVC into your program.',
        });
        items.push({
          ok: h.reached,
          text: h.reached
            ? `(4) Real step ${n(h.step)}: your handler runs (real ${h.words[0]}, your address ${h.words[1]}); ${lv(h)}, ${h.traps} real trap(s) (full.s 2's LPSW among them).`
            : '(4) Your kernel\'s handler never ran after the SVC.',
        });
        const total = h.reached ? h.step - hw.step + 1 : 0;
        return result(items, h.reached ? [`One SVC cost ${n(total)} real instructions from the trap to your handler (on the bare machine: the trap itself).`] : []);
      });
    },
  },
  ...BEYOND_LESSONS,
];

export const LESSON_LIMIT_NOTE = `Each check stops a run after ${n(LESSON_MAX_STEPS)} instructions.`;

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
