/**
 * A program that shows the full monitor going wrong on an ISA that fails Theorem 1. The classifier's own
 * generator is used when core/classify provides one; otherwise the program is built here from a violator's
 * witness: set the witness's registers, execute the instruction from supervisor mode (as a booted guest does),
 * and HALT. Under the full monitor the guest's supervisor code runs in real user mode in a relocated window,
 * so an unprivileged sensitive instruction sees (or changes) the real mode or R instead of the virtual one.
 * DOM-free.
 */
import * as classifier from '../../core/classify/classify';
import type { Classification, InstructionClass, StateDesc, Witness } from '../../core/classify/classify';
import type { Isa } from '../../core/isa/isa';

type Generator = (isa: Isa, c?: Classification) => string | { source: string } | null;

function classifierGenerator(): Generator | null {
  const mod = classifier as unknown as Record<string, unknown>;
  for (const name of ['counterexample', 'counterexampleProgram', 'counterexampleSource', 'generateCounterexample']) {
    if (typeof mod[name] === 'function') return mod[name] as Generator;
  }
  return null;
}

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

/** A diverging program for this ISA, or null when Theorem 1 holds (nothing to show). */
export function counterexampleFor(isa: Isa, c: Classification): string | null {
  if (c.theorem1.holds) return null;
  const gen = classifierGenerator();
  if (gen) {
    const r = gen(isa, c);
    if (typeof r === 'string') return r;
    if (r && typeof r.source === 'string') return r.source;
  }
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
