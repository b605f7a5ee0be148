import { instructionText } from '../asm/disassembler';
import { isUser, type Isa, type UserInstrDef } from '../isa/isa';
import { encode, usesField, type InstrDef } from '../isa/table';
import { Machine, RunFlag, Stop, type Devices } from '../machine/machine';
import { dependence, type Dependence } from './dependence';

/**
 * The classifier of PG1.md §7: sound in one direction, exact where it can be.
 *
 * - A property is reported as holding only with a **witness**: states on which the machine (the same generated
 *   interpreter as everywhere else) really does what the definition asks. Witnesses replay (see `replay`).
 * - A property is reported as absent only when the **dependence analysis** (dependence.ts) proves it: e.g. an
 *   instruction that neither reads l nor assigns l or b cannot be location sensitive.
 * - Otherwise the verdict is **not shown**: the search found no witness among the states it tried.
 *
 * The search runs in two rounds. The base round uses small states (q = 64): both modes; four windows R, three of
 * them the same size at different bases (so each pair is a shift r ⊕ x); two P values; zero and distinct window
 * contents; for the operand fields the encoding has, r0, an aliased pair and short value lists. It settles every
 * preset. Only when a question is still open (no witness, no proof) does a second round run, on a machine of the
 * largest size §1 allows, with values taken from the semantics itself: its constants ± 1, the powers of two of
 * the bits it masks and shifts, odd and large bases, window sizes around its comparisons, and window contents
 * filled with its constants.
 *
 * Sensitivity runs on a copy of the ISA with the user-mode PRIVILEGED trap set aside (§7: a `privileged` variant
 * or a `privileged: true` instruction is judged as if `open`; a `user-nop` is judged as it is). Privilege runs on
 * the ISA as given.
 */

export const CLASSIFY_Q = 64;
/** The second round's memory: the largest q of §1, so that large bases and comparisons with large l can show. */
export const WIDE_Q = 1 << 20;

interface Win {
  l: number;
  b: number;
}
/** (l, b) pairs of the base round; the first three have the same b, so each pair of them is a location shift. */
const WINDOWS: readonly Win[] = [
  { l: 0, b: 16 },
  { l: 8, b: 16 },
  { l: 40, b: 16 },
  { l: 20, b: 8 },
];
type Pattern = 'zeros' | 'distinct' | 'fill';
interface Start {
  P: number;
  pattern: Pattern;
  fill: number;
}
/** P = 0 with both contents, and P = 5 (= b of no window, ≠ any l) with distinct contents. */
const STARTS: readonly Start[] = [
  { P: 0, pattern: 'zeros', fill: 0 },
  { P: 0, pattern: 'distinct', fill: 0 },
  { P: 5, pattern: 'distinct', fill: 0 },
];
const patternValue = (p: Pattern, i: number, fill: number): number => (p === 'zeros' ? 0 : p === 'fill' ? fill : i + 1);

/** Register values tried when one register field is in play; the shorter lists for two or three fields. */
const V1 = [0, 1, 2, 3, -1, 5, 8, 15, 16, 40, 64, 0x7fffffff, -0x80000000];
const V2 = [0, 1, 3, -1, 8, 16, 40];
const V3 = [0, 1, -1, 8, 16];
const I1 = [0, 1, 2, 3, -1, 5, 8, 15, 16, 40, 0x7fff, -0x8000];
const I2 = [0, 1, -1, 8, 15];
/**
 * Executions per operand combination in the base round: 3 starts x 4 windows x 2 modes on the open ISA, and the
 * user-mode half again on the ISA as given. When an ISA would need more than RUN_BUDGET executions, every
 * instruction's combinations are thinned evenly (never below MIN_CONFIGS): the four presets stay well inside it.
 */
const RUNS_PER_CONFIG = 36;
export const RUN_BUDGET = 100_000;
const MIN_CONFIGS = 12;
/** A user-defined instruction's run costs about twice a built-in one's (the effect is interpreted). */
const USER_WEIGHT = 2;
/** Executions of the second round, per instruction that still has an open question ("N states"). */
export const SECOND_ROUND_RUNS = 24_000;
/** All second rounds of one ISA together (an ISA with many open questions stays within a few seconds). */
export const SECOND_ROUND_BUDGET = 240_000;
/** The second round's memory for an effect that may write after moving its window (cleared at every run). */
const WILD_Q = 4096;
/** Registers outside the operand fields hold these, so a stray write would show. */
const BACKGROUND = (r: number): number => 1000 + r;
/** The largest window the second round uses (its outcomes keep the whole window). */
const MAX_WIDE_B = 1024;

export interface StateDesc {
  mode: 's' | 'u';
  P: number;
  l: number;
  b: number;
  /** Size of the machine's memory. */
  q: number;
  /** The instruction word at window offset P, and its assembly text. */
  word: number;
  instruction: string;
  /** Values of the registers named by the operand fields (the others hold 1000 + n). */
  regs: Record<string, number>;
  /** Window contents before the instruction (the word is at offset P); the rest of memory is 0. */
  window: number[];
  pattern: Pattern;
  /** The value of every window word but P's, for the `fill` pattern. */
  fill?: number;
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

/** Proved (the analysis or a witness settles it) or not shown (neither). */
export type Settled = 'yes' | 'no' | 'not shown';

export interface InstructionClass {
  mnemonic: string;
  op: number;
  /** True only when proved (for the presets: the hardware traps it in user mode and nothing traps it in supervisor mode). */
  privileged: boolean;
  /** Privilege settled either way: 'no' has a witness, 'not shown' has neither proof nor witness. */
  privilege: Settled;
  /** Each sensitivity flag is true only with a witness. */
  controlSensitive: boolean;
  modeSensitive: boolean;
  locationSensitive: boolean;
  behaviourSensitive: boolean;
  sensitive: boolean;
  userSensitive: boolean;
  /** True only when proved: the analysis shows it cannot observe or change M or R. */
  innocuous: boolean;
  /** Neither shown sensitive nor proved innocuous. */
  unresolved: boolean;
  /** Not shown user sensitive, and user sensitivity not excluded by the analysis. */
  userUnresolved: boolean;
  /** The properties left open (not shown either way), e.g. ['location sensitive']. */
  notShown: string[];
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
  /** The condition is proved. */
  holds: boolean;
  /** Instructions shown (with witnesses) to break the condition. */
  violators: string[];
  /** Instructions not proved privileged that might break it (not shown either way). */
  unresolved: string[];
  /** 'holds' (proved), 'fails' (a witness) or 'not shown'. */
  status: 'holds' | 'fails' | 'not shown';
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

/**
 * The ISA with the user-mode PRIVILEGED trap set aside (§7): every `privileged` variant `open`, every user
 * instruction unprivileged; `open` and `user-nop` variants stay as they are.
 */
export function openIsa(isa: Isa): Isa {
  const variants: Record<string, 'open' | 'user-nop'> = {};
  for (const [k, v] of Object.entries(isa.variants)) variants[k] = v === 'user-nop' ? 'user-nop' : 'open';
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

/** The operand-field values of the base round: the fields the encoding has, exhaustively over short lists. */
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

// ---------------------------------------------------------------------------------------------------------------
// Values taken from the semantics, for the second round.

/** A small deterministic PRNG (mulberry32), so that a classification is the same every time. */
function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GENERIC = [0, 1, -1, 2, 3, 5, 7, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 1000, 4095, 4096, 65535, 65536, 0x7fffffff, -0x80000000, -2];

/** Values from the semantics' constants: each ± 1, its negation, and the powers of two of its bits and of shift counts. */
export function derivedValues(constants: readonly number[]): number[] {
  const out = new Set<number>();
  for (const c of constants) {
    for (const v of [c, c - 1, c + 1, -c]) out.add(v | 0);
    if (c >= 0 && c <= 31) for (const v of [1 << c, (1 << c) - 1, (1 << c) + 1, 2 << c]) out.add(v | 0);
    for (let k = 0; k < 32; k++) if ((c >>> k) & 1) out.add((1 << k) | 0);
  }
  return [...out];
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

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
  readonly window = new Int32Array(MAX_WIDE_B);
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
  /** Memory the last run may have written outside the trap frame and its window: clear it all next time. */
  wild = false;
  private last: Win | null = null;

  constructor(
    isa: Isa,
    readonly q: number,
  ) {
    // One instruction per run, rewritten between runs: the block compiler would only add work.
    this.m = new Machine({ q, isa, dev: this.dev, jit: false });
  }

  run(out: Slot, word: number, c: Config, mode: number, st: Start, w: Win): void {
    const m = this.m;
    const E = m.mem;
    const { l, b } = w;
    const { P } = st;
    // Memory is 0 but for the window: clear what the previous run set or may have written.
    if (this.q <= 4096 || this.wild) E.fill(0);
    else {
      E.fill(0, 0, 12);
      if (this.last) E.fill(0, this.last.l, this.last.l + this.last.b);
    }
    this.last = w;
    for (let i = 0; i < b; i++) E[l + i] = patternValue(st.pattern, i, st.fill);
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

function describeState(s: StateDesc): string {
  const regs = Object.entries(s.regs)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const mem = s.pattern === 'zeros' ? 'the rest of the window 0' : s.pattern === 'fill' ? `the rest of the window ${s.fill}` : 'window word i = i+1 elsewhere';
  return `(${s.mode}, P=${s.P}, R=(${s.l},${s.b})${s.q !== CLASSIFY_Q ? `, q=${s.q}` : ''}) [${regs ? `${regs}; ` : ''}${mem}]`;
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
const clean = (mode: number, w: Win, o: Slot): boolean => o.trap === 0 && o.mode === mode && o.l === w.l && o.b === w.b;
const changesControl = (mode: number, w: Win, o: Slot): boolean =>
  o.trap === 0 && (o.mode !== mode || o.l !== w.l || o.b !== w.b || o.halted || o.device !== null);

/** The first difference in registers, P or window contents, as words; null when the two end alike. */
function difference(a: Slot, b: Slot, la: string, lb: string): string | null {
  for (let r = 0; r < 16; r++) if (a.regs[r] !== b.regs[r]) return `r${r} ends ${a.regs[r]} ${la} but ${b.regs[r]} ${lb}`;
  if (a.P !== b.P) return `P ends ${a.P} ${la} but ${b.P} ${lb}`;
  for (let i = 0; i < a.size; i++) {
    if (a.window[i] !== b.window[i]) return `window word ${i} ends ${a.window[i]} ${la} but ${b.window[i]} ${lb}`;
  }
  // (Halting or using a device is control sensitivity, not a difference of behaviour: §7 compares registers, P
  // and window contents.)
  return null;
}

const CAUSE = ['none', 'PRIVILEGED', 'MEMORY', 'ILLEGAL', 'SVC', 'ARITH', 'TIMER'];
const causeName = (c: number): string => CAUSE[c] ?? `cause ${c}`;

/** The witnesses found so far for one instruction, and what is still worth looking for. */
class Search {
  control?: Witness;
  controlUser?: Witness;
  mode?: Witness;
  location?: Witness;
  locationUser?: Witness;
  notPrivileged?: Witness;
  userStates = 0;
  supStates = 0;
  total = 0;
  example: StateDesc | null = null;

  constructor(
    readonly d: InstrDef,
    readonly dep: Dependence,
  ) {}

  /** Is anything still open that more states could settle? */
  open(): boolean {
    const dep = this.dep;
    const sensitive = this.control || this.mode || this.location;
    const innocuousProved = !dep.control && !dep.mode && !dep.location;
    const privilegeOpen = !dep.privilegedProved && !this.notPrivileged;
    const userOpen = !dep.privilegedProved && !this.controlUser && !this.locationUser && (dep.controlUser || dep.locationUser);
    return (!sensitive && !innocuousProved) || privilegeOpen || userOpen;
  }

  wantControl(mo: number): boolean {
    return mo === 1 ? !this.controlUser && this.dep.controlUser : !this.control && this.dep.control;
  }

  /**
   * Runs every (operand values, start, window, mode) of one round and keeps the first witness of each property.
   * Windows of the same size at different bases are location pairs; each is compared with the first clean one.
   */
  sweep(open: Bench, real: Bench, plan: readonly Config[], starts: readonly Start[], windows: readonly Win[], maxRuns: number): void {
    const d = this.d;
    const dep = this.dep;
    const f = usesField(d.operands);
    const slots = windows.map(() => [new Slot(), new Slot()]);
    const scratch = new Slot();
    const check = new Slot();
    const checkPrivilege = !dep.privilegedProved;
    const limit = open.runs + real.runs + maxRuns;
    /** For a user-mode witness found with the trap set aside: what the ISA as given does from that state, if different. */
    const asGiven = (c: Config, word: number, o: Slot, st: Start, w: Win): string => {
      real.run(check, word, c, 1, st, w);
      const diff = check.trap ? `raises ${causeName(check.trap)}` : difference(check, o, 'as given', 'with the trap set aside');
      const control = check.trap ? null : changesControl(1, w, check) !== changesControl(1, w, o);
      if (!check.trap && !diff && !control && check.mode === o.mode && check.l === o.l && check.b === o.b) return '';
      const what = check.trap ? diff : `ends with M=${check.mode ? 'u' : 's'}, P=${check.P}, R=(${check.l},${check.b})`;
      return ` (sensitivity is judged with the user-mode PRIVILEGED trap set aside, §7; on this ISA as given, from that state it ${what})`;
    };
    for (const c of plan) {
      if (open.runs + real.runs >= limit || !this.open()) return;
      const word = encode(d.op, c.ra, c.rb, c.imm);
      let text = '';
      const regs: Record<string, number> = {};
      if (f.ra) regs[`r${c.ra}`] = c.va;
      if (f.rb && c.rb !== c.ra) regs[`r${c.rb}`] = c.vb;
      const st = (mo: number, s: Start, w: Win): StateDesc => {
        text ||= formatInstruction(d, word);
        const window: number[] = [];
        for (let i = 0; i < w.b; i++) window.push(i === s.P ? word : patternValue(s.pattern, i, s.fill));
        const desc: StateDesc = { mode: mo ? 'u' : 's', P: s.P, l: w.l, b: w.b, q: open.q, word, instruction: text, regs, window, pattern: s.pattern };
        if (s.pattern === 'fill') desc.fill = s.fill;
        return desc;
      };
      for (const s of starts) {
        const { P } = s;
        const ref: (number | undefined)[] = [];
        for (let wi = 0; wi < windows.length; wi++) {
          const w = windows[wi];
          if (P >= w.b) continue;
          for (let mo = 0; mo < 2; mo++) {
            const o = slots[wi][mo];
            open.run(o, word, c, mo, s, w);
            this.total++;
            this.example ??= st(mo, s, w);
            if (this.wantControl(mo) && changesControl(mo, w, o)) {
              const sd = st(mo, s, w);
              const note = mo === 1 ? asGiven(c, word, o, s, w) : '';
              const wit: Witness = { text: `from ${describeState(sd)}, \`${sd.instruction}\` ${controlChange(sd, o)}${note}`, states: [sd], outcomes: [o.outcome()] };
              this.control ??= wit;
              if (mo === 1) this.controlUser ??= wit;
            }
            // Privilege, on the ISA as given; stops looking once refuted. Variants and the `privileged` flag act
            // only in user mode (§5, §10), so a supervisor-mode run is the same on both ISAs and serves both.
            if (checkPrivilege && !this.notPrivileged) {
              if (mo === 1) {
                real.run(scratch, word, c, mo, s, w);
                this.userStates++;
                if (scratch.trap !== 1 && scratch.trap !== 2) {
                  const sd = st(mo, s, w);
                  this.notPrivileged = {
                    text: `from the user-mode state ${describeState(sd)}, \`${sd.instruction}\` ${scratch.trap ? `raises ${causeName(scratch.trap)}, not PRIVILEGED` : 'completes without a trap'}`,
                    states: [sd],
                    outcomes: [scratch.outcome()],
                  };
                }
              } else {
                this.supStates++;
                if (o.trap === 1) {
                  const sd = st(mo, s, w);
                  this.notPrivileged = {
                    text: `from the supervisor-mode state ${describeState(sd)}, \`${sd.instruction}\` raises PRIVILEGED`,
                    states: [sd],
                    outcomes: [o.outcome()],
                  };
                }
              }
            }
          }
          // Mode pair: the same state but M.
          const [os, ou] = slots[wi];
          if (!this.mode && dep.mode && clean(0, w, os) && clean(1, w, ou)) {
            const diff = difference(os, ou, 'in s', 'in u');
            if (diff) {
              const ss = st(0, s, w);
              this.mode = {
                text: `from ${describeState(ss)} and from the same state in user mode, \`${ss.instruction}\` ends differently: ${diff}`,
                states: [ss, st(1, s, w)],
                outcomes: [os.outcome(), ou.outcome()],
              };
            }
          }
        }
        // Location pairs: windows of the same size at different bases, same contents, same mode. If two clean
        // executions differ, at least one of them differs from the first clean one of their size.
        if (!dep.location) continue;
        for (let mo = 1; mo >= 0; mo--) {
          if (mo === 1 ? this.locationUser || !dep.locationUser : this.location) continue;
          ref.length = 0;
          const firstOf = new Map<number, number>();
          for (let wi = 0; wi < windows.length; wi++) {
            const w = windows[wi];
            if (P >= w.b || !clean(mo, w, slots[wi][mo])) continue;
            const i0 = firstOf.get(w.b);
            if (i0 === undefined) {
              firstOf.set(w.b, wi);
              continue;
            }
            const wa = windows[i0];
            const oa = slots[i0][mo];
            const ob = slots[wi][mo];
            const diff = difference(oa, ob, `with l=${wa.l}`, `with l=${w.l}`);
            if (!diff) continue;
            const a = st(mo, s, wa);
            const note = mo === 1 ? asGiven(c, word, oa, s, wa) : '';
            const wit: Witness = {
              text: `\`${a.instruction}\` in mode ${a.mode} at P=${P} with R=(${wa.l},${wa.b}) and with R=(${w.l},${w.b}), the same window contents and registers: ${diff}${note}`,
              states: [a, st(mo, s, w)],
              outcomes: [oa.outcome(), ob.outcome()],
            };
            this.location ??= wit;
            if (mo === 1) this.locationUser ??= wit;
            break;
          }
        }
      }
    }
  }
}

/** The second round's states: values, windows, starts and operand combinations taken from the semantics. */
function secondRound(d: InstrDef, dep: Dependence, q: number): { plan: Config[]; starts: Start[]; windows: Win[] } {
  const derived = derivedValues(dep.constants);
  const values = [...new Set([...derived, ...GENERIC])];
  const rand = prng(d.op * 7919 + derived.length);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const imms = values.filter((v) => v >= -0x8000 && v <= 0xffff);
  // Windows: size 16 at odd, power-of-two, large and derived bases (location pairs among them), and windows
  // whose size comes from the semantics' constants (comparisons with b).
  const bases = [...new Set([0, 1, 3, 5, 7, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 100, 255, 256, 1000, 1024, 4096, 65535, 65536, 100_000, 524_288, q - 16, ...derived])]
    .filter((l) => l >= 0 && l <= q - 16)
    .slice(0, 40);
  const windows: Win[] = bases.map((l) => ({ l, b: 16 }));
  const sizes = [...new Set(derived.filter((v) => v >= 1 && v <= MAX_WIDE_B && v !== 16))].slice(0, 6);
  for (const b of sizes) for (const l of [0, 1, 40]) if (l + b <= q) windows.push({ l, b });
  const starts: Start[] = [...STARTS];
  for (const v of derived.slice(0, 3)) starts.push({ P: 0, pattern: 'fill', fill: v });
  for (const v of derived.filter((x) => x > 0 && x < 16 && x !== 5).slice(0, 2)) starts.push({ P: v, pattern: 'distinct', fill: 0 });
  const f = usesField(d.operands);
  const plan: Config[] = [];
  const mk = (va: number, vb: number, imm: number): Config => ({ ra: f.ra ? 1 : 0, rb: f.rb ? 2 : 0, va: f.ra ? va : 0, vb: f.rb ? vb : 0, imm: f.imm ? imm : 0 });
  // Each field through every value with the others small, then random combinations of the values.
  for (const v of values) {
    if (f.ra) plan.push(mk(v, 0, 0));
    if (f.rb) plan.push(mk(0, v, 0));
    if (f.ra && f.rb) plan.push({ ra: 3, rb: 3, va: v, vb: v, imm: 0 });
  }
  if (f.imm) for (const v of imms) plan.push(mk(0, 0, v));
  if (!f.ra && !f.rb && !f.imm) plan.push(mk(0, 0, 0));
  for (let k = 0; k < 400; k++) plan.push(mk(pick(values), pick(values), pick(imms)));
  return { plan, starts, windows };
}

function classifyOne(
  d: InstrDef,
  dep: Dependence,
  plan: Config[],
  thinned: boolean,
  open: Bench,
  real: Bench,
  wide: (q: number) => [Bench, Bench],
  budget: { left: number },
): InstructionClass {
  const search = new Search(d, dep);
  const [o0, r0] = [open.runs, real.runs];
  search.sweep(open, real, plan, STARTS, WINDOWS, Infinity);
  let runs = open.runs + real.runs - o0 - r0;
  let second = 0;
  if (search.open() && budget.left > 0) {
    // An effect that may write memory after moving its window could write anywhere: its runs clear the whole
    // memory each time, so they get a smaller one.
    const wild = dep.open.some((f) => f.writesMem && (f.writesL || f.writesB));
    const [wo, wr] = wide(wild ? WILD_Q : WIDE_Q);
    const a = wo.runs + wr.runs;
    wo.wild = wr.wild = wild;
    const r = secondRound(d, dep, wo.q);
    search.sweep(wo, wr, r.plan, r.starts, r.windows, Math.min(SECOND_ROUND_RUNS, budget.left));
    second = wo.runs + wr.runs - a;
    budget.left = Math.max(0, budget.left - second);
    runs += second;
  }
  const s = search;
  const privilege: Settled = dep.privilegedProved && !s.notPrivileged ? 'yes' : s.notPrivileged ? 'no' : 'not shown';
  const privileged = privilege === 'yes';
  const controlSensitive = !!s.control;
  const modeSensitive = !!s.mode;
  const locationSensitive = !!s.location;
  const behaviourSensitive = modeSensitive || locationSensitive;
  const sensitive = controlSensitive || behaviourSensitive;
  const userSensitive = !!s.controlUser || !!s.locationUser;
  const innocuous = !sensitive && !dep.control && !dep.mode && !dep.location;
  const unresolved = !sensitive && !innocuous;
  const userUnresolved = !userSensitive && ((dep.controlUser && !s.controlUser) || (dep.locationUser && !s.locationUser));
  const notShown = [
    dep.control && !s.control && 'control sensitive',
    dep.mode && !s.mode && 'mode sensitive',
    dep.location && !s.location && 'location sensitive',
    privilege === 'not shown' && 'privileged',
  ].filter((x): x is string => !!x);
  const tried = `${s.total} states (both modes${second ? `, ${second} of them chosen from the semantics on a larger memory` : ''})`;
  const privilegedWitness: Witness = s.notPrivileged ?? {
    text: privileged
      ? isUser(d)
        ? `proved: ${d.privileged ? 'the hardware traps it in user mode before its effect runs' : 'in user mode every path of its effect ends in trap(1) (or a memory trap)'}, and no supervisor-mode path of its effect can raise PRIVILEGED`
        : 'proved: its variant in force traps it in user mode before it does anything, and its supervisor-mode semantics raise no PRIVILEGED trap'
      : `not shown: no state among the ${s.userStates + s.supStates} tried refutes it, and the analysis cannot prove it (some path of its effect may end without trap(1) in user mode, or raise PRIVILEGED in supervisor mode)`,
    states: s.example ? [{ ...s.example, mode: 'u' }] : [],
    outcomes: [],
  };
  const innocuousWitness: Witness | undefined = innocuous
    ? {
        text: `proved: its semantics neither read M or l nor assign M, l or b, halt or use a device${dep.modesDiffer ? '' : ', and are the same in both modes'}, so no execution can change M or R and no pair of executions can differ only by mode or by location${thinned ? ` (operand values thinned to ${plan.length} combinations in the search)` : ''}`,
        states: [],
        outcomes: [],
      }
    : undefined;
  const sentences = [
    `privileged: ${privilege === 'yes' ? 'yes' : privilege === 'no' ? 'no' : 'not shown'} — ${privilegedWitness.text}`,
    s.control && `control sensitive — ${s.control.text}`,
    s.mode && `mode sensitive — ${s.mode.text}`,
    s.location && `location sensitive — ${s.location.text}`,
    userSensitive && `user sensitive — ${(s.controlUser ?? s.locationUser)!.text}`,
    innocuousWitness && `innocuous — ${innocuousWitness.text}`,
    (unresolved || userUnresolved) &&
      `not shown — ${notShown.filter((x) => x !== 'privileged').join(', ') || 'user sensitive'}: ${dep.reasons.join('; ')}; no witness among ${tried}`,
  ].filter(Boolean) as string[];
  return {
    mnemonic: d.mnemonic,
    op: d.op,
    privileged,
    privilege,
    controlSensitive,
    modeSensitive,
    locationSensitive,
    behaviourSensitive,
    sensitive,
    userSensitive,
    innocuous,
    unresolved,
    userUnresolved,
    notShown,
    witness: sentences.join('. ') + '.',
    witnesses: {
      privileged: privilegedWitness,
      controlSensitive: s.control,
      controlSensitiveUser: s.controlUser,
      modeSensitive: s.mode,
      locationSensitive: s.location,
      locationSensitiveUser: s.locationUser,
      innocuous: innocuousWitness,
    },
    runs,
    thinned,
  };
}

export const THEOREM_STATEMENTS = {
  theorem1: 'Theorem 1: if every sensitive instruction is privileged, a virtual machine monitor can be built. A sufficient condition, not "if and only if".',
  theorem2:
    "Theorem 2: if Theorem 1's condition holds and a VMM without timing dependences can be built, the machine is recursively virtualizable. A sufficient condition, not \"if and only if\".",
  theorem3:
    'Theorem 3: if every user-sensitive instruction is privileged, a hybrid virtual machine monitor (HVM) can be built. A sufficient condition, not "if and only if".',
} as const;

/** A theorem's verdict from its violators (witnessed) and the instructions that might violate it (not shown). */
function verdict(statement: string, violators: string[], unresolved: string[], text: { fails: (v: string) => string; open: (u: string) => string; holds: string }): TheoremVerdict {
  const list = (v: string[]): string => v.join(', ');
  const status = violators.length ? 'fails' : unresolved.length ? 'not shown' : 'holds';
  const explanation =
    status === 'fails'
      ? text.fails(list(violators)) + (unresolved.length ? ` Not shown either way: ${list(unresolved)}.` : '')
      : status === 'not shown'
        ? text.open(list(unresolved))
        : text.holds;
  return { holds: status === 'holds', violators, unresolved, status, statement, explanation };
}

/** Classifies every instruction of an ISA (§7) and gives the verdicts of Theorems 1–3. */
export function classify(isa: Isa): Classification {
  const t0 = performance.now();
  const openI = openIsa(isa);
  const open = new Bench(openI, CLASSIFY_Q);
  const real = new Bench(isa, CLASSIFY_Q);
  const wideBenches = new Map<number, [Bench, Bench]>();
  const wide = (q: number): [Bench, Bench] => {
    let b = wideBenches.get(q);
    if (!b) wideBenches.set(q, (b = [new Bench(openI, q), new Bench(isa, q)]));
    return b;
  };
  const budget = { left: SECOND_ROUND_BUDGET };
  // Touch every instruction once in each mode before the long runs, so that the generated interpreter is
  // optimized once with feedback for all of its cases rather than deoptimized at each new instruction.
  const plans = isa.instructions.map((d) => configs(d));
  const slot = new Slot();
  isa.instructions.forEach((d, k) => {
    const cs = plans[k];
    for (const c of [cs[0], cs[cs.length - 1]]) {
      const word = encode(d.op, c.ra, c.rb, c.imm);
      for (const w of WINDOWS) {
        for (let mo = 0; mo < 2; mo++) {
          open.run(slot, word, c, mo, STARTS[1], w);
          real.run(slot, word, c, mo, STARTS[1], w);
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
    return classifyOne(d, dependence(isa, d), plan, thinned, open, real, wide, budget);
  });
  const unprivileged = (c: InstructionClass): boolean => c.privilege !== 'yes';
  const v1 = instructions.filter((c) => c.sensitive && c.privilege === 'no').map((c) => c.mnemonic);
  const u1 = instructions.filter((c) => unprivileged(c) && !v1.includes(c.mnemonic) && !c.innocuous).map((c) => c.mnemonic);
  const v3 = instructions.filter((c) => c.userSensitive && c.privilege === 'no').map((c) => c.mnemonic);
  const u3 = instructions.filter((c) => unprivileged(c) && !v3.includes(c.mnemonic) && (c.userSensitive || c.userUnresolved)).map((c) => c.mnemonic);
  const are = (s: string): string => (s.includes(',') ? 'are' : 'is');
  const theorem1 = verdict(THEOREM_STATEMENTS.theorem1, v1, u1, {
    fails: (v) =>
      `The condition fails: ${v} ${are(v)} sensitive but not privileged (with witnesses), so the theorem gives no guarantee (it does not say that no VMM exists); pglab check --programs looks for a program the full monitor gets wrong.`,
    open: (u) =>
      `The condition is not shown: ${u} ${are(u)} not proved privileged, and the classifier could neither prove ${u.includes(',') ? 'them' : 'it'} innocuous nor find a witness of sensitivity. The theorem's guarantee is not established (nor refuted).`,
    holds: 'The condition holds (proved): every instruction is either proved privileged or proved innocuous, so the full monitor of Theorem 1 (dispatcher, allocator, interpreters) is a VMM.',
  });
  const theorem2 = verdict(THEOREM_STATEMENTS.theorem2, v1, u1, {
    fails: (v) => `Theorem 1's condition fails (${v}), so Theorem 2 gives no guarantee of recursive virtualization.`,
    open: (u) => `Theorem 1's condition is not shown (${u}), so Theorem 2's guarantee is not established.`,
    holds:
      "Theorem 1's condition holds (proved) and the lab's monitor has no timing dependence, so the theorem guarantees recursive virtualization (the tool nests monitors up to depth 8).",
  });
  const theorem3 = verdict(THEOREM_STATEMENTS.theorem3, v3, u3, {
    fails: (v) =>
      `The condition fails: ${v} ${are(v)} user sensitive but not privileged (with witnesses), so the theorem gives no guarantee (it does not say that no hybrid monitor exists).`,
    open: (u) =>
      `The condition is not shown: ${u} ${are(u)} not proved privileged, and whether ${u.includes(',') ? 'they are' : 'it is'} user sensitive was neither proved nor refuted. The theorem's guarantee is not established (nor refuted).`,
    holds: 'The condition holds (proved): every instruction is proved privileged or proved not user sensitive, so the hybrid monitor (which interprets all of virtual supervisor mode) is a VMM.',
  });
  return { isa: isa.name, instructions, theorem1, theorem2, theorem3, runs: open.runs + real.runs + [...wideBenches.values()].reduce((n, [a, b]) => n + a.runs + b.runs, 0), ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Runs a witness state again on a fresh machine (the ISA with the trap set aside for sensitivity witnesses, as
 * given for privilege witnesses), for tests and for anyone who doubts a verdict.
 */
export function replay(isa: Isa, s: StateDesc, opts: { asGiven?: boolean } = {}): Outcome {
  const dev = new RecordingDevices();
  const m = new Machine({ q: s.q, isa: opts.asGiven ? isa : openIsa(isa), dev, jit: false });
  for (let i = 0; i < s.b; i++) m.mem[s.l + i] = s.window[i];
  for (let r = 1; r < 16; r++) m.regs[r] = BACKGROUND(r);
  for (const [k, v] of Object.entries(s.regs)) if (k !== 'r0') m.regs[Number(k.slice(1))] = v;
  m.mode = s.mode === 's' ? 0 : 1;
  m.pc = s.P;
  m.l = s.l;
  m.b = s.b;
  const r = m.run(1, RunFlag.EXIT_ON_TRAP);
  const window: number[] = [];
  for (let i = 0; i < s.b; i++) window.push(m.mem[s.l + i]);
  return {
    trap: r === Stop.TRAP ? { cause: m.mem[4], detail: m.mem[5] } : null,
    halted: r === Stop.HALTED,
    mode: m.mode === 0 ? 's' : 'u',
    P: m.pc,
    l: m.l,
    b: m.b,
    regs: Array.from(m.regs),
    window,
    device: dev.used,
  };
}
