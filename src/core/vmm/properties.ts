/**
 * The three properties of a virtual machine monitor (Popek & Goldberg, §2), as this project checks them for a
 * run under a monitor. One definition for the CLI (`run|equiv --json`'s "properties"), the worker (the
 * workbench's live panel, the Equivalence view) and the tests:
 * - efficiency: the share of guest instructions the real processor executed with no monitor involved, and the
 *   ones it did not (trapped, by instruction; interpreted);
 * - resource control: the first real access by guest code outside its allocation, or the first time guest code
 *   put the real processor in supervisor mode (§8; the core's `VirtualStack.resourceControl`);
 * - equivalence: whether the run ends (or stands, at a step) as the bare machine does under f, and how that was
 *   found: not yet checked, end states compared, or compared after every instruction (the lockstep).
 * The paper makes these the definition of a VMM; here they are observations of one run, never proofs.
 */
import { ConsoleDevices, Machine, type Image } from '../machine/machine';
import type { Isa } from '../isa/isa';
import { compareStates, type Divergence, type Lockstep } from './equiv';
import { TRAPPED_FETCH, TRAPPED_TIMER, type ResourceEvent } from './monitor';
import { pswOut, type RunResult, type RunStats, type VirtualStack } from './stack';

export interface NotDirect {
  /** The mnemonic of the instruction, `(fetch)` when its fetch trapped, `(timer)` for the timer's trap. */
  instruction: string;
  count: number;
}

export interface EfficiencyProperty {
  steps: number;
  direct: number;
  trapped: number;
  interpreted: number;
  /** direct / steps, or null before the first step. */
  ratio: number | null;
  /** The guest instructions that trapped on the real processor, by instruction, most frequent first. */
  trappedBy: NotDirect[];
}

export interface ResourceControlProperty {
  /** No breach seen so far. */
  kept: boolean;
  breach: ResourceEvent | null;
}

export interface EquivalenceProperty {
  /** Whether anything was compared yet. */
  checked: boolean;
  /** null while not checked. */
  equivalent: boolean | null;
  /** The first difference under f; `step` is the guest step after which it appeared, when known. */
  divergence: (Divergence & { step: number | null }) | null;
  /** How it was (or was not) checked, in plain words. */
  how: string;
}

export interface VmmProperties {
  efficiency: EfficiencyProperty;
  resourceControl: ResourceControlProperty;
  equivalence: EquivalenceProperty;
}

/** The name of an entry of VirtualMachine.trappedOps. */
function entryName(i: number, isa: Isa): string {
  if (i === TRAPPED_FETCH) return '(fetch)';
  if (i === TRAPPED_TIMER) return '(timer)';
  return isa.byOp[i]?.mnemonic ?? `(illegal 0x${i.toString(16).padStart(2, '0')})`;
}

/** Efficiency from the §10 statistics and the tally of trapped instructions by opcode (VirtualMachine.trappedOps). */
export function efficiencyOf(stats: RunStats, steps: number, trappedOps: ArrayLike<number> | undefined, isa: Isa): EfficiencyProperty {
  const trappedBy: NotDirect[] = [];
  if (trappedOps) {
    for (let i = 0; i < trappedOps.length; i++) if (trappedOps[i] > 0) trappedBy.push({ instruction: entryName(i, isa), count: trappedOps[i] });
  }
  trappedBy.sort((a, b) => b.count - a.count || (a.instruction < b.instruction ? -1 : 1));
  return { steps, direct: stats.direct, trapped: stats.trapped, interpreted: stats.interpreted, ratio: steps > 0 ? stats.direct / steps : null, trappedBy };
}

export function resourceControlOf(breach: ResourceEvent | null | undefined): ResourceControlProperty {
  return { kept: !breach, breach: breach ?? null };
}

export function notChecked(how = 'not checked yet: equivalence is judged when the run stops'): EquivalenceProperty {
  return { checked: false, equivalent: null, divergence: null, how };
}

/** Equivalence from two end states (§8: a bare run with q = w against the VM's). */
export function endEquivalence(native: RunResult, virtual: RunResult): EquivalenceProperty {
  const d = compareStates(native, virtual);
  return {
    checked: true,
    equivalent: d === null,
    divergence: d && { ...d, step: null },
    how: `end states compared under f (status, console, registers, PSW, all ${virtual.mem.length} words) after ${native.steps} bare and ${virtual.steps} virtual steps`,
  };
}

/**
 * Equivalence of a VirtualStack where it stands: the bare machine (q = w, same ISA and input) is run for as many
 * steps as the guest has executed and the two states are compared under f. A VM and the bare machine count steps
 * alike (one per guest instruction), so this is the state the bare machine is in at that point.
 */
export function equivalenceAt(stack: VirtualStack, image: Image, input = ''): EquivalenceProperty {
  const g = stack.guest;
  const bare = new Machine({ q: stack.w, isa: g.isa, dev: new ConsoleDevices(input) });
  bare.boot(image);
  if (g.steps > 0) bare.run(g.steps);
  const side = (m: { status: string; console: string; psw: Parameters<typeof pswOut>[0]; regs: Int32Array; mem: Int32Array }) => ({
    status: m.status === 'halted' ? ('halted' as const) : ('limit' as const),
    console: m.console,
    psw: pswOut(m.psw),
    regs: Array.from(m.regs),
    mem: m.mem,
  });
  const d = compareStates(side(bare), side(g));
  return {
    checked: true,
    equivalent: d === null,
    divergence: d && { ...d, step: null },
    how: `the bare machine run to the same step (${g.steps}) and compared under f (status, console, registers, PSW, all ${stack.w} words)`,
  };
}

/** Equivalence as a Lockstep found it so far (compared after every guest instruction). */
export function lockstepEquivalence(ls: Lockstep): EquivalenceProperty {
  const d = ls.divergence;
  const how = `compared under f after each of ${ls.steps} guest instructions (lockstep)`;
  if (d) {
    const { field, native, virtual, step } = d;
    return { checked: true, equivalent: false, divergence: { field, native, virtual, step }, how };
  }
  if (ls.steps === 0) return notChecked('not checked yet: no step taken');
  return { checked: true, equivalent: true, divergence: null, how: ls.done ? `${how}; both halted in the same state` : `${how}; no difference so far` };
}

/** The three properties of a stack's run so far; equivalence as the caller checked it (default: not yet). */
export function stackProperties(stack: VirtualStack, equivalence: EquivalenceProperty = notChecked()): VmmProperties {
  const g = stack.guest;
  return {
    efficiency: efficiencyOf(stack.stats(), g.steps, stack.vms[0].trappedOps, g.isa),
    resourceControl: resourceControlOf(stack.resourceControl),
    equivalence,
  };
}

/** The three properties of a finished run (the CLI's), from its RunResult. */
export function runProperties(r: RunResult, isa: Isa, equivalence: EquivalenceProperty): VmmProperties {
  return {
    efficiency: efficiencyOf(r.stats, r.steps, r.trappedOps, isa),
    resourceControl: resourceControlOf(r.resourceControl),
    equivalence,
  };
}
