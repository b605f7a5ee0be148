/**
 * Lessons 8–10: make x86 virtualizable three ways (beyond 1974: binary translation, paravirtualization, hardware
 * assist). Like the paper's lessons, each check RUNS the answer — on the bare machine and under the monitor of its
 * technique — and judges what happened. Lesson 10's answer is an ISA file, not a program: guest mode is a change
 * to the machine, and the check runs an unmodified x86 kernel on the machine the file describes.
 */
import { classify } from '../core/classify/classify';
import { guestModeVerdict } from '../core/classify/assist';
import { isUser, presetIsa, type Isa } from '../core/isa/isa';
import { parseIsaFile } from '../core/isa/isafile';
import { Cause } from '../core/isa/table';
import { runBare } from '../core/vmm/stack';
import { equiv, type EquivResult } from '../core/vmm/equiv';
import type { MonitorKind } from '../core/vmm/kinds';
import { guarded, n, result, type CheckItem, type CheckResult, type Lesson } from './check';
import { assembleOrThrow, describeDivergence, LESSON_MAX_STEPS, LESSON_Q, ran, type BareTrace } from './run';

const X86 = presetIsa('x86');
/** x86's sensitive instructions that do not trap in user mode (read from the ISA's variants, never listed here). */
const OPEN_ON_X86 = Object.entries(X86.variants)
  .filter(([, v]) => v !== 'privileged')
  .map(([m]) => m);

/** The smaller machine on which lesson 9 checks that the kernel reads its R instead of assuming it. */
const SMALL_Q = 8192;

/**
 * An unmodified x86 kernel: it reads its mode with GETMODE and its R with GETR (SMSW and SGDT), prints them, does
 * some work, and starts a user program whose SVC it serves. Lesson 9's starting point, lesson 10's test program.
 */
export const UNMODIFIED_KERNEL = `; An unmodified x86 kernel: GETMODE and GETR are sensitive, and on x86 they do not trap in user mode.
        .org 8
        .word 0, handler, 0, 16384   ; new PSW: M = s, P = handler, R = (0, 16384)
        .org 16
start:  LI r7, ' '
        GETMODE r1              ; the kernel's mode: 0
        OUT r1, 1
        OUT r7, 0
        GETR r2, r3             ; the kernel's R: (0, size of memory)
        OUT r3, 1
        OUT r7, 0
        LI r4, 0
work:   ADDI r4, 1              ; some kernel work
        LI r5, 100
        JLT r4, r5, work
        LPSW [upsw]             ; start the user program
handler:
        LD r6, [5]              ; the number of its system call
        OUT r6, 1
        HALT
upsw:   .word 1, 0, 1024, 64
        .org 1024
        SVC 7
`;

interface Virtual {
  eq: EquivResult;
  direct: number;
  translated: number;
  interpreted: number;
  hypercalls: number;
  exits: number;
  traps: number;
}

/** The program bare (q = w = LESSON_Q) and under one monitor, compared (PG1.md §8), with the monitor's counters. */
function underMonitor(source: string, isa: Isa, kind: MonitorKind, paravirt = false): Virtual {
  const asm = assembleOrThrow(source, isa);
  const eq = equiv(asm.image, { isa, kind, paravirt, w: LESSON_Q, maxSteps: LESSON_MAX_STEPS });
  const s = eq.virtual.stats;
  return { eq, direct: s.direct, translated: s.translated ?? 0, interpreted: s.interpreted, hypercalls: s.hypercalls ?? 0, exits: s.exits ?? 0, traps: s.levels[0]?.traps ?? 0 };
}

const eqItem = (v: Virtual, under: string): CheckItem => ({
  ok: v.eq.equivalent,
  text: v.eq.equivalent ? `Under ${under} it ends exactly as on the bare machine.` : `Under ${under} it diverges: ${describeDivergence(v.eq)}.`,
});

/** The x86 instructions that are sensitive but open in user mode and that ran in supervisor mode, with counts. */
function openInKernel(t: BareTrace): string[] {
  return OPEN_ON_X86.filter((m) => ran(t, 's', m) > 0).map((m) => `${m}×${ran(t, 's', m)}`);
}

function userTrap(t: BareTrace): CheckItem {
  const tr = t.traps.find((x) => x.old.mode === 1);
  return { ok: !!tr, text: tr ? `A user program ran and trapped to the kernel (${tr.what || 'cause ' + tr.cause} at P = ${tr.old.pc}).` : 'No user program trapped to the kernel: start one (LPSW) that makes an SVC.' };
}

const bareConsole = (source: string, q: number): string => {
  const r = runBare(assembleOrThrow(source, X86).image, { isa: X86, q, maxSteps: LESSON_MAX_STEPS });
  return r.status === 'halted' ? r.console : `(no halt within ${n(LESSON_MAX_STEPS)} instructions) ${r.console}`;
};

const ISA_STARTER = `{
  "name": "x86-vt",
  "base": "x86",
  "doc": "x86 as it is; TODO: turn on guest mode (docs/DECISIONS.md, Beyond 1974)"
}
`;

/** Lesson 10's check: the ISA file parsed, then the unmodified kernel run on the machine it describes. */
function checkAssist(text: string): CheckResult {
  const parsed = parseIsaFile(text, 'answer.json');
  if (!parsed.ok) {
    return {
      passed: false,
      stopped: 'asm',
      items: parsed.errors.slice(0, 8).map((e) => ({ ok: false, text: `${e.line !== undefined ? `Line ${e.line}, column ${e.col}: ` : ''}${e.path ? `${e.path}: ` : ''}${e.message}` })),
      notes: [],
    };
  }
  const isa = parsed.isa;
  const changed = Object.keys(X86.variants).filter((m) => isa.variants[m] !== X86.variants[m]);
  const added = isa.instructions.filter(isUser).map((d) => d.mnemonic);
  const items: CheckItem[] = [
    { ok: isa.base === 'x86', text: isa.base === 'x86' ? 'The machine is based on x86.' : `The machine is based on ${isa.base}, not x86.` },
    {
      ok: changed.length === 0 && added.length === 0,
      text:
        changed.length + added.length === 0
          ? "x86's instructions keep their x86 behaviour (GETMODE, GETR and SETR still do not trap in user mode): old kernels run unchanged."
          : `That changes the instruction set (${[...changed.map((m) => `${m} ${X86.variants[m]} → ${isa.variants[m]}`), ...added.map((m) => `adds ${m}`)].join(', ')}): a new ISA, not a guest mode added to x86.`,
    },
    { ok: isa.assist, text: isa.assist ? 'The machine has a guest mode ("assist": true).' : 'The machine has no guest mode: the ISA file must turn on hardware assist.' },
  ];
  if (!items.every((i) => i.ok)) return result(items);
  const cls = classify(isa);
  const gm = guestModeVerdict(isa, cls);
  items.push({
    ok: !cls.theorem1.holds,
    text: cls.theorem1.holds ? "Theorem 1's condition holds: this is no longer x86." : `Relative to user mode Theorem 1's condition still fails (sensitive, not privileged: ${cls.theorem1.violators.join(', ')}).`,
  });
  items.push({
    ok: !!gm?.holds,
    text: gm?.holds ? `Relative to guest mode it holds: every sensitive instruction exits (${gm.exits.join(', ')}).` : `In guest mode some sensitive instructions do not exit: ${gm?.violators.join(', ') ?? '?'}.`,
  });
  const full = underMonitor(UNMODIFIED_KERNEL, isa, 'full');
  const assist = underMonitor(UNMODIFIED_KERNEL, isa, 'assist');
  items.push({ ok: !full.eq.equivalent, text: full.eq.equivalent ? 'The unmodified kernel is equivalent under the full monitor: nothing to fix.' : `The unmodified kernel still diverges under the full monitor (${describeDivergence(full.eq)}).` });
  items.push(eqItem(assist, 'the assist monitor (the kernel in guest mode)'));
  items.push({ ok: assist.exits > 0, text: assist.exits > 0 ? `The kernel's sensitive instructions left guest mode ${assist.exits} time(s), each handled by the monitor.` : 'No guest-mode exit was taken.' });
  return result(items, [`Unmodified kernel under the assist monitor: ${n(assist.direct)} instructions ran directly, ${n(assist.exits)} guest-mode exits, ${n(assist.traps)} traps reached the monitor.`]);
}

export const BEYOND_LESSONS: Lesson[] = [
  {
    id: 'translate',
    title: '8. Beyond 1974: binary translation',
    isa: 'x86',
    chart: 'costs',
    text: [
      "x86 fails Theorem 1's condition: GETMODE, GETR and SETR are sensitive but run in user mode (SMSW, SGDT, POPF). A full monitor runs the guest's kernel in real user mode, so a kernel that reads its mode or its R learns the truth about the monitor — it diverges (lesson 4).",
      'VMware (1999) did not run kernel code directly at all, nor interpret it: it *translated* it. The `bt` monitor translates the code of virtual supervisor mode a basic block at a time into a translation cache: innocuous instructions copied, memory instructions given explicit relocation and bounds checks, branches chained to translated blocks, and every sensitive instruction — privileged or not — replaced by a call into the monitor, which runs it on the VM\'s virtual processor. Translated code runs nearly as fast as direct code: `npm run bench` measures it.',
      'Try it: `pglab equiv examples/x86-kernel.s --isa x86 --vmm bt` (equivalent) against `--vmm full` (not).',
    ],
    task: 'Write an x86 kernel that reads its mode with GETMODE and its R with GETR in supervisor mode and prints what they return, does some work in a loop, then starts a user program that makes an SVC, which the kernel serves and HALTs. It must diverge under the full monitor and be equivalent under binary translation, with most of its kernel code run as translated code.',
    hints: [
      '`GETMODE r1` then `OUT r1, 1` prints the mode; `GETR r2, r3` then `OUT r3, 1` prints the bound.',
      'A loop such as `work: ADDI r4, 1` / `LI r5, 100` / `JLT r4, r5, work` gives the translator a block worth translating.',
      'Start the user program as in lesson 3: `LPSW [upsw]`, `upsw: .word 1, 0, 1024, 64`, `SVC 7` at `.org 1024`.',
    ],
    starter: `; Lesson 8: binary translation (x86)
        .org 8
        .word 0, handler, 0, 16384
        .org 16
start:  ; TODO: GETMODE and GETR, printed; a loop; LPSW into a user program that makes an SVC
        HALT
handler:
        HALT
`,
    check(source) {
      return guarded(source, 'x86', (t) => {
        const open = openInKernel(t);
        const full = underMonitor(source, X86, 'full');
        const bt = underMonitor(source, X86, 'bt');
        return result(
          [
            { ok: true, text: `The program halts after ${n(t.steps)} instructions.` },
            {
              ok: open.length > 0,
              text: open.length > 0 ? `In supervisor mode it ran x86's sensitive unprivileged instructions ${open.join(', ')}.` : `It never runs ${OPEN_ON_X86.join(', ')} in supervisor mode: the full monitor would run it correctly, nothing needs translating around.`,
            },
            userTrap(t),
            {
              ok: !full.eq.equivalent,
              text: full.eq.equivalent ? 'Under the full monitor it is still equivalent: what GETMODE/GETR return never shows (print it).' : `Under the full monitor it diverges, as expected (${describeDivergence(full.eq)}).`,
            },
            eqItem(bt, 'binary translation'),
            {
              ok: bt.translated > bt.interpreted,
              text:
                bt.translated > bt.interpreted
                  ? `Binary translation ran ${n(bt.translated)} kernel instructions as translated code and called into the monitor ${n(bt.interpreted)} time(s).`
                  : `Only ${n(bt.translated)} instructions ran as translated code against ${n(bt.interpreted)} calls into the monitor: give the kernel a loop to do.`,
            },
          ],
          [`Binary translation: ${n(bt.translated)} translated, ${n(bt.interpreted)} calls into the monitor, ${n(bt.direct)} user instructions run directly; the full monitor ran ${n(full.direct)} directly (and wrongly).`],
        );
      });
    },
  },
  {
    id: 'paravirt',
    title: '9. Beyond 1974: paravirtualization',
    isa: 'x86',
    chart: 'costs',
    text: [
      'Xen (2003) changed the guest instead of the monitor: a *paravirtual* kernel asks the monitor for what it would otherwise learn from a sensitive instruction. Here, in virtual supervisor mode, `SVC 0xFF00 + k` is a hypercall to the full monitor (run with `--vmm full --hypercalls`): 0 GETMODE (r1 = M), 1 GETR (r1 = l, r2 = b), 2 SETR, 3 LRA, 4 RETU, 5 LPSW — docs/HYPERCALLS.md.',
      'On a bare machine there is no monitor: the SVC traps to the kernel\'s own handler, with the old PSW in supervisor mode. A paravirtual kernel that must also run bare serves the call itself there — its *native backend*: GETMODE is the saved M (E[0]), GETR the saved l and b (E[2], E[3]); then it resumes after the SVC (E[1] + 1, `LPSW [0]`).',
      'Try it: `pglab equiv examples/x86-para.s --isa x86 --vmm full --hypercalls`.',
    ],
    task: 'The editor holds an unmodified x86 kernel. Port it: replace GETMODE and GETR by hypercalls, and give its trap handler a native backend, so that it prints exactly what the unmodified kernel prints on the bare machine (on 16384 words and on 8192), never runs GETMODE, GETR or SETR in supervisor mode, and is equivalent under the full monitor with hypercalls.',
    hints: [
      '`SVC 0xFF00` leaves the mode in r1; `SVC 0xFF01` leaves l in r1 and b in r2 (the unmodified kernel wanted b in r3: `MOV r3, r2`).',
      'In the handler, `LD r6, [0]` is the old M: 0 means the kernel itself trapped (a hypercall on the bare machine), 1 the user program.',
      'Native GETR: `LD r1, [2]` and `LD r2, [3]`; then `LD r6, [1]`, `ADDI r6, 1`, `ST r6, [1]`, `LPSW [0]` resumes after the SVC. The number of the call is E[5]: compare it with `ORI r8, 0xFF00` (after `MOV r8, r0`).',
      'Equivalence compares every register: a scratch register the native backend uses must end as it would under the monitor, which never runs the backend (clear it before resuming).',
    ],
    starter: UNMODIFIED_KERNEL.replace('; An unmodified x86 kernel', '; Lesson 9: paravirtualize this kernel. An unmodified x86 kernel'),
    check(source) {
      return guarded(source, 'x86', (t) => {
        const open = openInKernel(t);
        const want = [LESSON_Q, SMALL_Q].map((q) => bareConsole(UNMODIFIED_KERNEL, q));
        const got = [t.console, bareConsole(source, SMALL_Q)];
        const para = underMonitor(source, X86, 'full', true);
        const same = (k: number): CheckItem => ({
          ok: got[k] === want[k],
          text:
            got[k] === want[k]
              ? `Bare, on ${n([LESSON_Q, SMALL_Q][k])} words, it prints ${JSON.stringify(got[k])}, as the unmodified kernel does.`
              : `Bare, on ${n([LESSON_Q, SMALL_Q][k])} words, it prints ${JSON.stringify(got[k])}; the unmodified kernel prints ${JSON.stringify(want[k])}.`,
        });
        return result(
          [
            { ok: true, text: `The program halts after ${n(t.steps)} instructions.` },
            { ok: open.length === 0, text: open.length === 0 ? `No ${OPEN_ON_X86.join(', ')} runs in supervisor mode.` : `In supervisor mode it still runs ${open.join(', ')}: replace them by hypercalls.` },
            same(0),
            same(1),
            userTrap(t),
            { ok: para.hypercalls >= 2, text: para.hypercalls >= 2 ? `The full monitor served ${para.hypercalls} hypercalls.` : `The full monitor served ${para.hypercalls} hypercall(s): ask it for the mode and for R (SVC 0xFF00, SVC 0xFF01).` },
            eqItem(para, 'the full monitor with hypercalls'),
          ],
          [
            `Full monitor with hypercalls: ${para.traps} traps reached it (${para.hypercalls} hypercalls served), ${n(para.direct)} instructions ran directly; bare, the kernel's own handler took ${t.traps.filter((x) => x.cause === Cause.SVC && x.old.mode === 0).length} hypercall trap(s).`,
          ],
        );
      });
    },
  },
  {
    id: 'assist',
    title: '10. Beyond 1974: hardware assist',
    isa: 'x86',
    chart: 'costs',
    answer: 'isa',
    text: [
      'Intel VT-x and AMD-V (2005–06) changed the machine: a *guest mode* (non-root mode) in which every sensitive instruction traps to the monitor — an *exit* — whatever its variant, while old kernels keep running unchanged. Theorem 1\'s condition is restored relative to guest mode, though it still fails relative to user mode.',
      'Here guest mode is an ISA option: the ISA-file field `"assist": true`. The `assist` monitor runs the guest in real user mode *and* guest mode; innocuous code runs directly, and each exit (cause 7, EXIT) runs the instruction on the VM\'s virtual processor.',
      'Try it: `pglab equiv examples/x86-getr.s --isa examples/x86-assist.json --vmm assist`, and `pglab check --isa examples/x86-assist.json` for the classifier\'s verdict relative to guest mode.',
    ],
    task: 'Your answer is an ISA file (JSON). Describe x86 with a guest mode: the same instructions with the same x86 behaviour, plus hardware assist. The check classifies it and runs the unmodified kernel of lesson 9 on it under the full monitor and the assist monitor.',
    hints: [
      'An ISA file names its base preset: `"base": "x86"` keeps GETMODE, GETR and SETR as x86 has them.',
      'Hardware assist is one top-level field of the ISA file.',
      '`{ "name": "x86-vt", "base": "x86", "assist": true }` (examples/x86-assist.json).',
    ],
    starter: ISA_STARTER,
    check: checkAssist,
  },
];
