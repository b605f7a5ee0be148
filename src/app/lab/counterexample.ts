/**
 * A program that shows a monitor going wrong on an ISA where Theorem 1's (or 3's) condition fails. The classifier's own
 * counterexamples (core/classify/counterexample.ts) come first; when it found none, the program is built here
 * from a violator's witness: set the witness's registers, execute the instruction from supervisor mode (as a booted guest does),
 * and HALT. Under the full monitor the guest's supervisor code runs in real user mode in a relocated window,
 * so an unprivileged sensitive instruction sees (or changes) the real mode or R instead of the virtual one.
 * DOM-free.
 */
import type { Classification, InstructionClass, StateDesc, Witness } from '../../core/classify/classify';
import type { Counterexample } from '../../core/classify/counterexample';
import type { Isa } from '../../core/isa/isa';
import type { MonitorKind } from '../../core/vmm/kinds';

function loadReg(r: string, v: number): string[] {
  if (v >= -32768 && v <= 32767) return [`        LI ${r}, ${v}`];
  return [`        LUI ${r}, ${(v >>> 16) & 0xffff}`, `        ORI ${r}, ${v & 0xffff}`];
}

type Kind = 'modeSensitive' | 'locationSensitive' | 'controlSensitive';

function fromWitness(ic: InstructionClass, kind: Kind, isaName: string): string | null {
  const w: Witness | undefined = ic.witnesses[kind];
  // A booted guest runs in supervisor mode, so prefer a supervisor-mode state of the witness.
  const s: StateDesc | undefined = w?.states.find((x) => x.mode === 's') ?? w?.states[0];
  if (!w || !s) return null;
  const lines = [
    `; Counterexample for ${isaName}: ${ic.mnemonic} is sensitive but not privileged.`,
    `; Bare, the booted program runs in supervisor mode. Under the full monitor it runs in real user`,
    `; mode in a window of the monitor's memory, and ${ic.mnemonic} runs there without trapping.`,
    'start:',
    ...Object.entries(s.regs ?? {}).flatMap(([r, v]) => (r === 'r0' ? [] : loadReg(r, v))),
    `        ${s.instruction}`,
    '        HALT',
    '',
  ];
  return lines.join('\n');
}

/**
 * A diverging program for this ISA under the given monitor, or null when the theorem's condition holds (or no
 * program was found). The classifier's programs come first (each proved with equiv), those whose divergence is
 * in a register or the PSW before those that differ only in memory, as they read more plainly.
 */
export function pickCounterexample(isa: Isa, c: Classification, found: readonly Counterexample[], monitor: MonitorKind): string | null {
  const theorem = monitor === 'full' ? 1 : 3;
  if ((theorem === 1 ? c.theorem1 : c.theorem3).holds) return null;
  const mine = found.filter((x) => x.theorem === theorem && x.source);
  const plain = mine.find((x) => x.divergence && /^(regs|psw)/.test(x.divergence.field)) ?? mine[0];
  if (plain?.source) return plain.source;
  return theorem === 1 ? counterexampleFor(isa, c) : null;
}

/** A diverging program built from a Theorem 1 violator's witness, or null when Theorem 1's condition holds. */
export function counterexampleFor(isa: Isa, c: Classification): string | null {
  if (c.theorem1.holds) return null;
  // Reading the mode or R gives the plainest story (a register differs), so those witnesses come first.
  for (const kind of ['modeSensitive', 'locationSensitive', 'controlSensitive'] as const) {
    for (const m of c.theorem1.violators) {
      const ic = c.instructions.find((i) => i.mnemonic === m);
      const src = ic && fromWitness(ic, kind, isa.name);
      if (src) return src;
    }
  }
  return null;
}
