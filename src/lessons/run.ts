/**
 * What the lesson checks run: the student's program assembled and executed — on the bare machine, instruction by
 * instruction so a check can ask what happened (which instructions ran in which mode, which traps were taken),
 * and under the monitors through core/vmm. DOM-free.
 */
import { assemble, type AsmResult } from '../core/asm/assembler';
import { presetIsa, type Isa, type PresetName } from '../core/isa/isa';
import { CAUSE_NAMES, fieldOp, fieldRa, fieldRb, fieldSimm } from '../core/isa/table';
import { ConsoleDevices, Machine, Stop, type PSW } from '../core/machine/machine';
import { equiv, type EquivResult } from '../core/vmm/equiv';
import { VirtualStack, type LevelInfo } from '../core/vmm/stack';

/** Memory of the bare machine and size of every VM in the lessons (PG1.md §10's default VM size). */
export const LESSON_Q = 16384;
/** A lesson's program is small: a correct answer halts well within this; one that does not is looping. */
export const LESSON_MAX_STEPS = 100_000;

export interface TrapSeen {
  step: number;
  cause: number;
  detail: number;
  /** The old PSW the hardware saved in E[0..3]. */
  old: PSW;
  what: string;
}

export interface BareTrace {
  status: 'halted' | 'limit';
  steps: number;
  regs: number[];
  psw: PSW;
  console: string;
  traps: TrapSeen[];
  /** Instructions executed without trapping, by mode: `s:SETR` -> count. */
  executed: Map<string, number>;
  /**
   * For each register, the last instruction that wrote it (changed its value, or loaded it): its mnemonic, the
   * step, and for an instruction with a memory operand the physical address it used. Lets a check ask where a
   * value came from (read from E[4] by the handler) rather than only what it is.
   */
  lastWrite: ({ mnemonic: string; step: number; phys: number | null } | null)[];
  mem: Int32Array;
}

export class AsmFailure extends Error {
  constructor(readonly asm: AsmResult) {
    super(`The program does not assemble: ${asm.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  }
}

export function assembleOrThrow(source: string, isa: Isa): AsmResult {
  const asm = assemble(source, isa);
  if (!asm.ok) throw new AsmFailure(asm);
  return asm;
}

/** Runs the program bare, one instruction at a time, recording what each did. */
export function traceBare(source: string, isa: Isa | PresetName = 'pg1', maxSteps = LESSON_MAX_STEPS, input = ''): BareTrace {
  const I = typeof isa === 'string' ? presetIsa(isa) : isa;
  const asm = assembleOrThrow(source, I);
  const m = new Machine({ q: LESSON_Q, isa: I, dev: new ConsoleDevices(input), jit: false });
  m.boot(asm.image);
  const traps: TrapSeen[] = [];
  const executed = new Map<string, number>();
  let what = '';
  m.onTrap = (cause, detail) => {
    const E = m.mem;
    traps.push({ step: m.steps + 1, cause, detail, old: { mode: E[0], pc: E[1], l: E[2], b: E[3] }, what });
  };
  let status: 'halted' | 'limit' = 'limit';
  const lastWrite: BareTrace['lastWrite'] = new Array<BareTrace['lastWrite'][number]>(16).fill(null);
  const before = new Int32Array(16);
  for (let i = 0; i < maxSteps; i++) {
    const pa = m.pc + m.l;
    const word = pa >= 0 && pa < m.q ? m.mem[pa] : 0;
    const def = I.byOp[fieldOp(word)];
    what = def?.mnemonic ?? '';
    const trapsBefore = traps.length;
    const mode = m.mode;
    before.set(m.regs);
    const phys = def?.operands.includes('mem') ? ((m.regs[fieldRb(word)] + fieldSimm(word)) | 0) + m.l : null;
    const writesRa = !!def && /SETREG\(ra\b/.test(def.exec);
    const r = m.step();
    if (traps.length === trapsBefore && what) {
      const k = `${mode === 0 ? 's' : 'u'}:${what}`;
      executed.set(k, (executed.get(k) ?? 0) + 1);
      const ra = fieldRa(word);
      for (let x = 1; x < 16; x++) {
        // A write that stores the value already there still counts: the table says which instructions set ra.
        if (m.regs[x] !== before[x] || (x === ra && writesRa)) lastWrite[x] = { mnemonic: what, step: m.steps, phys };
      }
    }
    if (r === Stop.HALTED) {
      status = 'halted';
      break;
    }
  }
  return { status, steps: m.steps, regs: Array.from(m.regs), psw: m.psw, console: m.console, traps, executed, lastWrite, mem: m.mem.slice() };
}

export function ran(t: BareTrace, mode: 's' | 'u', mnemonic: string): number {
  return t.executed.get(`${mode}:${mnemonic}`) ?? 0;
}

export function causeName(c: number): string {
  return CAUSE_NAMES[c] ?? `cause ${c}`;
}

/** Equivalence of the bare machine (q = w) and the program under `depth` monitors. */
export function equivalence(source: string, isa: PresetName | Isa, kind: 'full' | 'hybrid', depth = 1): EquivResult {
  const I = typeof isa === 'string' ? presetIsa(isa) : isa;
  const asm = assembleOrThrow(source, I);
  return equiv(asm.image, { isa: I, kind, depth, w: LESSON_Q, maxSteps: LESSON_MAX_STEPS });
}

/** Per-level monitor statistics of a virtual run. */
export function towerRun(
  source: string,
  isa: PresetName,
  kind: 'full' | 'hybrid',
  depth: number,
): { status: string; levels: LevelInfo[]; steps: number; realSteps: number; amplification: number } {
  const I = presetIsa(isa);
  const asm = assembleOrThrow(source, I);
  const s = new VirtualStack({ isa: I, kind, depth, w: LESSON_Q });
  s.boot(asm.image);
  s.run(LESSON_MAX_STEPS);
  return { status: s.status, levels: s.levels(), steps: s.guest.steps, realSteps: s.real.steps, amplification: s.amplification() };
}

export function describeDivergence(r: EquivResult): string {
  const d = r.divergence;
  if (!d) return 'equivalent';
  if (d.field === 'status' && d.virtual === 'limit') {
    return `status: the bare machine halts, but under the monitor the run was stopped after ${LESSON_MAX_STEPS.toLocaleString('en')} instructions without halting`;
  }
  const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  return `${d.field}: bare ${show(d.native)}, virtual ${show(d.virtual)}`;
}
