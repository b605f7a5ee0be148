/**
 * Theorem 1's condition relative to guest mode (hardware assist, `"assist": true`). In guest mode the hardware
 * makes some instructions exit to the monitor (cause EXIT) whatever their variant, as VT-x non-root mode does.
 * Which ones is found by running them, like everything the classifier says: an instruction *exits* when, from
 * every state tried (both modes, several operand values, R a small window or all of memory), its execution in
 * guest mode raises an EXIT trap and changes nothing else. The condition is restored when every instruction that
 * §7 shows sensitive exits: the monitor then sees, and interprets, every sensitive instruction the guest runs,
 * in virtual supervisor and virtual user mode alike. A sufficient condition, as the theorem is.
 */
import { Machine, RunFlag } from '../machine/machine';
import type { Isa } from '../isa/isa';
import { Cause, encode } from '../isa/table';
import { configs, type Classification } from './classify';

export interface GuestModeVerdict {
  /** Sensitive ⊆ exits-in-guest-mode. */
  holds: boolean;
  /** Sensitive instructions that do not exit in guest mode (with assist there are none). */
  violators: string[];
  /** The instructions that exit in guest mode, shown by running them. */
  exits: string[];
  explanation: string;
}

const Q = 64;
const AT = 20;

/** Whether the instruction exits in guest mode from every state tried. */
function exitsFromEveryState(isa: Isa, op: number): boolean {
  const d = isa.byOp[op]!;
  const m = new Machine({ q: Q, isa, jit: false });
  for (const c of configs(d).slice(0, 12)) {
    for (const mode of [0, 1]) {
      for (const [l, b] of [[0, Q], [4, 24]]) {
        m.boot();
        const word = encode(op, c.ra, c.rb, c.imm);
        m.mem[AT + l] = word;
        m.mem[8] = 0;
        m.mem[9] = 40;
        m.mem[11] = Q;
        m.regs[c.ra] = c.va;
        m.regs[c.rb] = c.vb;
        m.regs[0] = 0;
        m.setPSW({ mode, pc: AT, l, b });
        m.run(1, RunFlag.GUEST | RunFlag.EXIT_ON_TRAP);
        if (m.mem[4] !== Cause.EXIT || m.mem[5] !== word || m.mem[0] !== mode || m.mem[1] !== AT || m.mem[2] !== l || m.mem[3] !== b) return false;
      }
    }
  }
  return true;
}

/** The guest-mode verdict for an ISA with hardware assist; null for one without. */
export function guestModeVerdict(isa: Isa, cls: Classification): GuestModeVerdict | null {
  if (!isa.assist) return null;
  const exits = isa.instructions.filter((d) => exitsFromEveryState(isa, d.op)).map((d) => d.mnemonic);
  const set = new Set(exits);
  const violators = cls.instructions.filter((c) => c.sensitive && !set.has(c.mnemonic)).map((c) => c.mnemonic);
  const before = cls.theorem1.violators;
  return {
    holds: violators.length === 0,
    violators,
    exits,
    explanation:
      violators.length === 0
        ? `Relative to guest mode the condition of Theorem 1 holds: every sensitive instruction exits to the monitor (${exits.join(', ')})` +
          (before.length ? `, ${before.join(', ')} included, though unprivileged in user mode` : '') +
          ', so a monitor that runs its guest in guest mode (pglab run --vmm assist) sees every one of them. A sufficient condition, not "if and only if".'
        : `Relative to guest mode the condition fails: ${violators.join(', ')} ${violators.length > 1 ? 'are' : 'is'} sensitive but do${violators.length > 1 ? '' : 'es'} not exit.`,
  };
}
