import { instructionText } from '../asm/disassembler';
import { isUser, type Isa, type UserInstrDef } from '../isa/isa';
import { encode, usesField, type InstrDef } from '../isa/table';
import { Machine, RunFlag, Stop, type Devices } from '../machine/machine';

/**
 * The classifier of PG1.md §7. Every verdict is computed by running the machine (the same generated interpreter
 * as everywhere else) on chosen states, one instruction at a time, and comparing the results: nothing is read
 * from variant names, labels or docs.
 *
 * The states are small (q = 64) and cover, for each instruction: both modes; four windows R, three of them the
 * same size at different bases (so every pair of them is a shift r ⊕ x); two P values; two window contents
 * (all zeros, and all different); and, for the operand fields the instruction's encoding has, the registers r0
 * and an aliased pair, register values that include 0, ±1, the bases, the bounds and the extremes, and
 * immediates likewise. Sensitivity runs on a copy of the ISA with every user-mode PRIVILEGED trap set aside
 * (§7: "as if its variant were open"); privilege runs on the ISA as given.
 */

export const CLASSIFY_Q = 64;
/** (l, b) pairs; the first three have the same b, so each pair of them is a location shift. */
const WINDOWS: readonly (readonly [number, number])[] = [
  [0, 16],
  [8, 16],
  [40, 16],
  [20, 8],
];
const PATTERNS = ['zeros', 'distinct'] as const;
type Pattern = (typeof PATTERNS)[number];
/** (P, window contents) pairs: P = 0 with both contents, and P = 5 (= b of no window, ≠ any l) with distinct contents. */
const STARTS: readonly (readonly [number, Pattern])[] = [
  [0, 'zeros'],
  [0, 'distinct'],
  [5, 'distinct'],
];
const patternValue = (p: Pattern, i: number): number => (p === 'zeros' ? 0 : i + 1);

/** Register values tried when one register field is in play; the shorter lists for two or three fields. */
const V1 = [0, 1, 2, 3, -1, 5, 8, 15, 16, 40, 64, 0x7fffffff, -0x80000000];
const V2 = [0, 1, 3, -1, 8, 16, 40];
const V3 = [0, 1, -1, 8, 16];
const I1 = [0, 1, 2, 3, -1, 5, 8, 15, 16, 40, 0x7fff, -0x8000];
const I2 = [0, 1, -1, 8, 15];
/**
 * Executions per operand combination: 3 starts x 4 windows x 2 modes on the open ISA, and the user-mode half again
 * on the ISA as given. When an ISA would need more than RUN_BUDGET executions (a few tenths of a second), every instruction's
 * combinations are thinned evenly (never below MIN_CONFIGS): the four presets stay well inside it.
 */
const RUNS_PER_CONFIG = 36;
export const RUN_BUDGET = 100_000;
const MIN_CONFIGS = 12;
/** A user-defined instruction's run costs about twice a built-in one's (the effect is interpreted). */
const USER_WEIGHT = 2;
/** Registers outside the operand fields hold these, so a stray write would show. */
const BACKGROUND = (r: number): number => 1000 + r;

export interface StateDesc {
  mode: 's' | 'u';
  P: number;
  l: number;
  b: number;
  /** The instruction word at window offset P, and its assembly text. */
  word: number;
  instruction: string;
  /** Values of the registers named by the operand fields. */
  regs: Record<string, number>;
  /** Window contents before the instruction (the word is at offset P). */
  window: number[];
  pattern: Pattern;
}

export interface Outcome {
  trap: { cause: number; detail: number } | null;
  halted: boolean;
  mode: 's' | 'u';
  P: number;
  l: number;
  b: number;
  regs: number[];
  /** The window of the starting state, after the instruction. */
  window: number[];
  device: string | null;
}

export interface Witness {
  text: string;
  states: StateDesc[];
  outcomes: Outcome[];
}

export interface InstructionClass {
  mnemonic: string;
  op: number;
  privileged: boolean;
  controlSensitive: boolean;
  modeSensitive: boolean;
  locationSensitive: boolean;
  behaviourSensitive: boolean;
  sensitive: boolean;
  userSensitive: boolean;
  innocuous: boolean;
  /** One readable paragraph: the witness of each property that holds (and of privilege either way). */
  witness: string;
  witnesses: {
    privileged: Witness;
    controlSensitive?: Witness;
    /** Control sensitivity from a user-mode state (for user sensitivity). */
    controlSensitiveUser?: Witness;
    modeSensitive?: Witness;
    locationSensitive?: Witness;
    /** Location sensitivity with m = u (for user sensitivity). */
    locationSensitiveUser?: Witness;
    innocuous?: Witness;
  };
  /** Executions run for this instruction. */
  runs: number;
  /** Its operand values were thinned to keep a large ISA within the time budget (see RUN_BUDGET). */
  thinned: boolean;
}

export interface TheoremVerdict {
  holds: boolean;
  violators: string[];
  /** The theorem as a sufficient condition, and what the verdict means (and does not). */
  statement: string;
  explanation: string;
}

export interface Classification {
  isa: string;
  instructions: InstructionClass[];
  theorem1: TheoremVerdict;
  theorem2: TheoremVerdict;
  theorem3: TheoremVerdict;
  runs: number;
  ms: number;
}

// ---------------------------------------------------------------------------------------------------------------

/** The ISA with every user-mode PRIVILEGED trap set aside: every variant `open`, every user instruction unprivileged. */
export function openIsa(isa: Isa): Isa {
  const variants: Record<string, 'open'> = {};
  for (const k of Object.keys(isa.variants)) variants[k] = 'open';
  const instructions = isa.instructions.map((d): InstrDef => (isUser(d) && d.privileged ? ({ ...d, privileged: false } as UserInstrDef) : d));
  const byOp: (InstrDef | undefined)[] = new Array(256).fill(undefined);
  const byMnemonic = new Map<string, InstrDef>();
  for (const d of instructions) {
    byOp[d.op] = d;
    byMnemonic.set(d.mnemonic, d);
  }
  return { name: isa.name, base: isa.base, variants, instructions, byOp, byMnemonic, assist: false, key: `open:${isa.key}` };
}

/** Records whether an execution used a device; reads give a fixed value so that runs compare. */
class RecordingDevices implements Devices {
  used: string | null = null;
  read(port: number): number {
    this.used = `reads input port ${port}`;
    return 7;
  }
  write(port: number, value: number): void {
    this.used = `writes ${value} to output port ${port}`;
  }
}

/** Assembly text of a word, for witnesses and counterexample programs. */
export const formatInstruction = (d: InstrDef, w: number): string => instructionText(d, w);

export interface Config {
  ra: number;
  rb: number;
  va: number;
  vb: number;
  imm: number;
}

/** The operand-field values tried: the fields the encoding has, exhaustively over short lists of values. */
export function configs(d: InstrDef): Config[] {
  const f = usesField(d.operands);
  const out: Config[] = [];
  const imms = !f.imm ? [0] : f.ra && f.rb ? I2 : f.ra || f.rb ? (f.ra ? I1 : I2) : I1;
  if (f.ra && f.rb) {
    const vs = f.imm ? V3 : V2;
    for (const imm of imms) {
      for (const va of vs) for (const vb of vs) out.push({ ra: 1, rb: 2, va, vb, imm });
      for (const v of f.imm ? V3 : V1) {
        out.push({ ra: 3, rb: 3, va: v, vb: v, imm });
        out.push({ ra: 0, rb: 2, va: 0, vb: v, imm });
      }
    }
  } else if (f.ra || f.rb) {
    const vs = f.imm ? V2 : V1;
    for (const imm of imms) {
      for (const v of vs) out.push(f.ra ? { ra: 1, rb: 0, va: v, vb: 0, imm } : { ra: 0, rb: 2, va: 0, vb: v, imm });
      out.push({ ra: 0, rb: 0, va: 0, vb: 0, imm });
    }
  } else {
    for (const imm of imms) out.push({ ra: 0, rb: 0, va: 0, vb: 0, imm });
  }
  return out;
}

/** The result of one run, in buffers reused from run to run (the classifier runs ~10^5 of them). */
class Slot {
  trap = 0;
  detail = 0;
  halted = false;
  mode = 0;
  P = 0;
  l = 0;
  b = 0;
  readonly regs = new Int32Array(16);
  readonly window = new Int32Array(CLASSIFY_Q);
  size = 0;
  device: string | null = null;

  outcome(): Outcome {
    return {
      trap: this.trap ? { cause: this.trap, detail: this.detail } : null,
      halted: this.halted,
      mode: this.mode === 0 ? 's' : 'u',
      P: this.P,
      l: this.l,
      b: this.b,
      regs: Array.from(this.regs),
      window: Array.from(this.window.subarray(0, this.size)),
      device: this.device,
    };
  }
}

/** Runs one instruction from one state; a small harness around a Machine reused for every run. */
class Bench {
  readonly m: Machine;
  readonly dev = new RecordingDevices();
  runs = 0;
  /** Physical memory before the word is placed, per window and pattern. */
  private readonly templates: Int32Array[][] = WINDOWS.map(([l, b]) =>
    PATTERNS.map((p) => {
      const t = new Int32Array(CLASSIFY_Q);
      for (let i = 0; i < b; i++) t[l + i] = patternValue(p, i);
      return t;
    }),
  );

  constructor(isa: Isa) {
    // One instruction per run, rewritten between runs: the block compiler would only add work.
    this.m = new Machine({ q: CLASSIFY_Q, isa, dev: this.dev, jit: false });
  }

  run(out: Slot, word: number, c: Config, mode: number, P: number, wi: number, pattern: Pattern): void {
    const m = this.m;
    const E = m.mem;
    const [l, b] = WINDOWS[wi];
    E.set(this.templates[wi][pattern === 'zeros' ? 0 : 1]);
    E[l + P] = word;
    const R = m.regs;
    for (let r = 1; r < 16; r++) R[r] = BACKGROUND(r);
    if (c.rb !== 0) R[c.rb] = c.vb;
    if (c.ra !== 0) R[c.ra] = c.va;
    m.mode = mode;
    m.pc = P;
    m.l = l;
    m.b = b;
    m.status = 'ready';
    this.dev.used = null;
    const r = m.run(1, RunFlag.EXIT_ON_TRAP);
    this.runs++;
    out.trap = r === Stop.TRAP ? E[4] : 0;
    out.detail = r === Stop.TRAP ? E[5] : 0;
    out.halted = r === Stop.HALTED;
    out.mode = m.mode;
    out.P = m.pc;
    out.l = m.l;
    out.b = m.b;
    out.regs.set(R);
    for (let i = 0; i < b; i++) out.window[i] = E[l + i];
    out.size = b;
    out.device = this.dev.used;
  }
}

/** The state with its window contents filled in (left out of the many states that witness nothing). */
function full(s: StateDesc): StateDesc {
  const window: number[] = [];
  for (let i = 0; i < s.b; i++) window.push(i === s.P ? s.word : patternValue(s.pattern, i));
  return { ...s, window };
}

function describeState(s: StateDesc): string {
  const regs = Object.entries(s.regs)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const mem = s.pattern === 'zeros' ? 'the rest of the window 0' : 'window word i = i+1 elsewhere';
  return `(${s.mode}, P=${s.P}, R=(${s.l},${s.b})) [${regs ? `${regs}; ` : ''}${mem}]`;
}

function controlChange(s: StateDesc, o: Slot): string | null {
  if (o.trap) return null;
  const parts: string[] = [];
  const mode = s.mode === 's' ? 0 : 1;
  if (o.mode !== mode) parts.push(`sets M to ${o.mode ? 'u' : 's'}`);
  if (o.l !== s.l || o.b !== s.b) parts.push(`sets R from (${s.l},${s.b}) to (${o.l},${o.b})`);
  if (o.halted) parts.push('halts the machine');
  if (o.device) parts.push(o.device);
  return parts.length ? parts.join(' and ') : null;
}

/** Neither traps nor changes M or R: the executions §7 compares for behaviour sensitivity. */
const clean = (mode: number, l: number, b: number, o: Slot): boolean => o.trap === 0 && o.mode === mode && o.l === l && o.b === b;
const changesControl = (mode: number, l: number, b: number, o: Slot): boolean =>
  o.trap === 0 && (o.mode !== mode || o.l !== l || o.b !== b || o.halted || o.device !== null);

/** The first difference in registers, P or window contents, as words; null when the two end alike. */
function difference(a: Slot, b: Slot, la: string, lb: string): string | null {
  for (let r = 0; r < 16; r++) if (a.regs[r] !== b.regs[r]) return `r${r} ends ${a.regs[r]} ${la} but ${b.regs[r]} ${lb}`;
  if (a.P !== b.P) return `P ends ${a.P} ${la} but ${b.P} ${lb}`;
  for (let i = 0; i < a.size; i++) {
    if (a.window[i] !== b.window[i]) return `window word ${i} ends ${a.window[i]} ${la} but ${b.window[i]} ${lb}`;
  }
  if (a.halted !== b.halted) return `it halts ${a.halted ? la : lb} only`;
  if (a.device !== b.device) return `it ${a.device ?? 'uses no device'} ${la} but ${b.device ?? 'uses no device'} ${lb}`;
  return null;
}

const CAUSE = ['none', 'PRIVILEGED', 'MEMORY', 'ILLEGAL', 'SVC', 'ARITH'];
const causeName = (c: number): string => CAUSE[c] ?? `cause ${c}`;

function classifyOne(d: InstrDef, plan: Config[], thinned: boolean, open: Bench, real: Bench): InstructionClass {
  const runs0 = open.runs + real.runs;
  let control: Witness | undefined;
  let controlUser: Witness | undefined;
  let mode: Witness | undefined;
  let location: Witness | undefined;
  let locationUser: Witness | undefined;
  let notPrivileged: Witness | undefined;
  let userStates = 0;
  let supStates = 0;
  let total = 0;
  let example: StateDesc | null = null;

  const f = usesField(d.operands);
  const slots = WINDOWS.map(() => [new Slot(), new Slot()]);
  const scratch = new Slot();
  const check = new Slot();
  /** For a user-mode witness found with the trap set aside: what the ISA as given does from that state, if different. */
  const asGiven = (c: Config, word: number, o: Slot, P: number, wi: number, pattern: Pattern): string => {
    real.run(check, word, c, 1, P, wi, pattern);
    const diff = check.trap ? `raises ${causeName(check.trap)}` : difference(check, o, 'as given', 'with the trap set aside');
    const control = check.trap ? null : changesControl(1, WINDOWS[wi][0], WINDOWS[wi][1], check) !== changesControl(1, WINDOWS[wi][0], WINDOWS[wi][1], o);
    if (!check.trap && !diff && !control && check.mode === o.mode && check.l === o.l && check.b === o.b) return '';
    const what = check.trap ? diff : `ends with M=${check.mode ? 'u' : 's'}, P=${check.P}, R=(${check.l},${check.b})`;
    return ` (sensitivity is judged with the user-mode PRIVILEGED trap set aside, §7; on this ISA as given, from that state it ${what})`;
  };
  for (const c of plan) {
    const word = encode(d.op, c.ra, c.rb, c.imm);
    let text = '';
    const regs: Record<string, number> = {};
    if (f.ra) regs[`r${c.ra}`] = c.va;
    if (f.rb && c.rb !== c.ra) regs[`r${c.rb}`] = c.vb;
    const st = (mo: number, P: number, wi: number, pattern: Pattern): StateDesc => {
      text ||= formatInstruction(d, word);
      const [l, b] = WINDOWS[wi];
      return full({ mode: mo ? 'u' : 's', P, l, b, word, instruction: text, regs, window: [], pattern });
    };
    for (const [P, pattern] of STARTS) {
      {
        for (let wi = 0; wi < WINDOWS.length; wi++) {
          const [l, b] = WINDOWS[wi];
          if (P >= b) continue;
          for (let mo = 0; mo < 2; mo++) {
            const o = slots[wi][mo];
            open.run(o, word, c, mo, P, wi, pattern);
            total++;
            example ??= st(mo, P, wi, pattern);
            if ((!control || (mo === 1 && !controlUser)) && changesControl(mo, l, b, o)) {
              const s = st(mo, P, wi, pattern);
              const note = mo === 1 ? asGiven(c, word, o, P, wi, pattern) : '';
              const w: Witness = { text: `from ${describeState(s)}, \`${s.instruction}\` ${controlChange(s, o)}${note}`, states: [s], outcomes: [o.outcome()] };
              control ??= w;
              if (mo === 1) controlUser ??= w;
            }
            // Privilege, on the ISA as given; stops looking once refuted. Variants and the `privileged` flag act
            // only in user mode (§5, §10), so a supervisor-mode run is the same on both ISAs and serves both.
            if (!notPrivileged) {
              if (mo === 1) {
                real.run(scratch, word, c, mo, P, wi, pattern);
                userStates++;
                if (scratch.trap !== 1 && scratch.trap !== 2) {
                  const s = st(mo, P, wi, pattern);
                  notPrivileged = {
                    text: `from the user-mode state ${describeState(s)}, \`${s.instruction}\` ${scratch.trap ? `raises ${causeName(scratch.trap)}, not PRIVILEGED` : 'completes without a trap'}`,
                    states: [s],
                    outcomes: [scratch.outcome()],
                  };
                }
              } else {
                supStates++;
                if (o.trap === 1) {
                  const s = st(mo, P, wi, pattern);
                  notPrivileged = {
                    text: `from the supervisor-mode state ${describeState(s)}, \`${s.instruction}\` raises PRIVILEGED`,
                    states: [s],
                    outcomes: [o.outcome()],
                  };
                }
              }
            }
          }
          // Mode pair: the same state but M.
          const [os, ou] = slots[wi];
          if (!mode && clean(0, l, b, os) && clean(1, l, b, ou)) {
            const diff = difference(os, ou, 'in s', 'in u');
            if (diff) {
              const ss = st(0, P, wi, pattern);
              mode = {
                text: `from ${describeState(ss)} and from the same state in user mode, \`${ss.instruction}\` ends differently: ${diff}`,
                states: [ss, st(1, P, wi, pattern)],
                outcomes: [os.outcome(), ou.outcome()],
              };
            }
          }
        }
        // Location pairs: windows of the same size at different bases, same contents, same mode.
        for (let i = 0; i < WINDOWS.length; i++) {
          for (let j = i + 1; j < WINDOWS.length; j++) {
            const [li, bi] = WINDOWS[i];
            const [lj, bj] = WINDOWS[j];
            if (bi !== bj || P >= bi) continue;
            for (let mo = 1; mo >= 0; mo--) {
              if (mo === 1 ? locationUser : location) continue;
              const oa = slots[i][mo];
              const ob = slots[j][mo];
              if (!clean(mo, li, bi, oa) || !clean(mo, lj, bj, ob)) continue;
              const diff = difference(oa, ob, `with l=${li}`, `with l=${lj}`);
              if (!diff) continue;
              const a = st(mo, P, i, pattern);
              const note = mo === 1 ? asGiven(c, word, oa, P, i, pattern) : '';
              const w: Witness = {
                text: `\`${a.instruction}\` in mode ${a.mode} at P=${P} with R=(${li},${bi}) and with R=(${lj},${bj}), the same window contents and registers: ${diff}${note}`,
                states: [a, st(mo, P, j, pattern)],
                outcomes: [oa.outcome(), ob.outcome()],
              };
              location ??= w;
              if (mo === 1) locationUser ??= w;
            }
          }
        }
      }
    }
  }

  const privileged = !notPrivileged;
  const controlSensitive = !!control;
  const modeSensitive = !!mode;
  const locationSensitive = !!location;
  const behaviourSensitive = modeSensitive || locationSensitive;
  const sensitive = controlSensitive || behaviourSensitive;
  const userSensitive = !!controlUser || !!locationUser;
  const privilegedWitness: Witness = notPrivileged ?? {
    text: `\`${example?.instruction ?? d.mnemonic}\` and every other form tried raises PRIVILEGED from all ${userStates} user-mode states, and from none of the ${supStates} supervisor-mode states`,
    states: example ? [{ ...example, mode: 'u' }] : [],
    outcomes: [],
  };
  const innocuousWitness: Witness | undefined = sensitive
    ? undefined
    : {
        text: `none of the ${total} executions tried (both modes, ${WINDOWS.length} windows) changes M or R, halts or uses a device without trapping, and no pair of them differs only by mode or by location${thinned ? ` (operand values thinned to ${plan.length} combinations to keep a large ISA within the time budget)` : ''}`,
        states: [],
        outcomes: [],
      };
  const sentences = [
    `privileged: ${privileged ? 'yes' : 'no'} — ${privilegedWitness.text}`,
    control && `control sensitive — ${control.text}`,
    mode && `mode sensitive — ${mode.text}`,
    location && `location sensitive — ${location.text}`,
    userSensitive && `user sensitive — ${(controlUser ?? locationUser)!.text}`,
    innocuousWitness && `innocuous — ${innocuousWitness.text}`,
  ].filter(Boolean) as string[];
  return {
    mnemonic: d.mnemonic,
    op: d.op,
    privileged,
    controlSensitive,
    modeSensitive,
    locationSensitive,
    behaviourSensitive,
    sensitive,
    userSensitive,
    innocuous: !sensitive,
    witness: sentences.join('. ') + '.',
    witnesses: {
      privileged: privilegedWitness,
      controlSensitive: control,
      controlSensitiveUser: controlUser,
      modeSensitive: mode,
      locationSensitive: location,
      locationSensitiveUser: locationUser,
      innocuous: innocuousWitness,
    },
    runs: open.runs + real.runs - runs0,
    thinned,
  };
}

export const THEOREM_STATEMENTS = {
  theorem1: 'Theorem 1: if every sensitive instruction is privileged, a virtual machine monitor can be built. A sufficient condition, not "if and only if".',
  theorem2:
    'Theorem 2: if Theorem 1 holds and a VMM without timing dependences can be built (ours has none), the machine is recursively virtualizable. A sufficient condition, not "if and only if".',
  theorem3:
    'Theorem 3: if every user-sensitive instruction is privileged, a hybrid virtual machine monitor (HVM) can be built. A sufficient condition, not "if and only if".',
} as const;

/** Classifies every instruction of an ISA (§7) and gives the verdicts of Theorems 1–3. */
export function classify(isa: Isa): Classification {
  const t0 = performance.now();
  const open = new Bench(openIsa(isa));
  const real = new Bench(isa);
  // Touch every instruction once in each mode before the long runs, so that the generated interpreter is
  // optimized once with feedback for all of its cases rather than deoptimized at each new instruction.
  const plans = isa.instructions.map((d) => configs(d));
  const slot = new Slot();
  isa.instructions.forEach((d, k) => {
    const cs = plans[k];
    for (const c of [cs[0], cs[cs.length - 1]]) {
      const word = encode(d.op, c.ra, c.rb, c.imm);
      for (let wi = 0; wi < WINDOWS.length; wi++) {
        for (let mo = 0; mo < 2; mo++) {
          open.run(slot, word, c, mo, 0, wi, 'distinct');
          real.run(slot, word, c, mo, 0, wi, 'distinct');
        }
      }
    }
  });
  const weight = (d: InstrDef): number => (isUser(d) ? USER_WEIGHT : 1);
  const planned = plans.reduce((n, p, k) => n + p.length * RUNS_PER_CONFIG * weight(isa.instructions[k]), 0);
  const instructions = isa.instructions.map((d, k) => {
    let plan = plans[k];
    let thinned = false;
    if (planned > RUN_BUDGET && plan.length > MIN_CONFIGS) {
      const keep = Math.max(MIN_CONFIGS, Math.floor((plan.length * RUN_BUDGET) / planned));
      if (keep < plan.length) {
        // An even stride keeps every immediate (the outer loop of `configs`) and a spread of register values.
        plan = Array.from({ length: keep }, (_, i) => plans[k][Math.floor((i * plans[k].length) / keep)]);
        thinned = true;
      }
    }
    return classifyOne(d, plan, thinned, open, real);
  });
  const v1 = instructions.filter((c) => c.sensitive && !c.privileged).map((c) => c.mnemonic);
  const v3 = instructions.filter((c) => c.userSensitive && !c.privileged).map((c) => c.mnemonic);
  const list = (v: string[]): string => v.join(', ');
  const theorem1: TheoremVerdict = {
    holds: v1.length === 0,
    violators: v1,
    statement: THEOREM_STATEMENTS.theorem1,
    explanation: v1.length
      ? `The condition fails: ${list(v1)} ${v1.length > 1 ? 'are' : 'is'} sensitive but not privileged, so the theorem gives no guarantee (it does not say that no VMM exists); pglab check --programs looks for a program the full monitor gets wrong.`
      : 'Every sensitive instruction is privileged, so the full monitor of Theorem 1 (dispatcher, allocator, interpreters) is a VMM.',
  };
  const theorem2: TheoremVerdict = {
    holds: v1.length === 0,
    violators: v1,
    statement: THEOREM_STATEMENTS.theorem2,
    explanation: v1.length
      ? `Theorem 1's condition fails (${list(v1)}), so Theorem 2 gives no guarantee of recursive virtualization.`
      : "Theorem 1 holds and the lab's monitor has no timing dependence, so monitors nest to any depth.",
  };
  const theorem3: TheoremVerdict = {
    holds: v3.length === 0,
    violators: v3,
    statement: THEOREM_STATEMENTS.theorem3,
    explanation: v3.length
      ? `The condition fails: ${list(v3)} ${v3.length > 1 ? 'are' : 'is'} user sensitive but not privileged, so the theorem gives no guarantee (it does not say that no hybrid monitor exists).`
      : 'Every user-sensitive instruction is privileged, so the hybrid monitor (which interprets all of virtual supervisor mode) is a VMM.',
  };
  return { isa: isa.name, instructions, theorem1, theorem2, theorem3, runs: open.runs + real.runs, ms: performance.now() - t0 };
}
