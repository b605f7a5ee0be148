/**
 * Differential test of the generated interpreter against a reference written straight from PG1.md §1–5 and §11:
 * a plain switch over mnemonics, BigInt arithmetic, no locals-caching, no unsigned-compare tricks. Random
 * memories (instructions, data, random and undefined opcodes), random R, both modes, every preset and random
 * variant mixes; the two must agree after every run call, with every code-generation option (plain,
 * breakpoints, access tracing) and both run flags.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isUser, makeIsa, presetIsa, PRESET_NAMES, type Isa, type SlowState } from '../isa/isa';
import { parseIsaFile } from '../isa/isafile';
import { encode, usesField } from '../isa/table';
import { ConsoleDevices } from './devices';
import { Machine, RunFlag, Stop } from './machine';
import { PG1, SENSITIVE, undefinedOpcodes, wrap32 } from '../../testing/testkit';

const MIN32 = -0x80000000;
const MAX32 = 0x7fffffff;

// ---------------------------------------------------------------------------------------------------------
// The reference machine.

interface Ref {
  mem: Int32Array;
  regs: Int32Array;
  M: number;
  P: number;
  l: number;
  b: number;
  halted: boolean;
  /** Steps since boot, counted as each one starts: the clock of port 2 (§11). */
  steps: number;
  /** Step count at which the interval timer expires, -1 when disarmed (§11). */
  timerAt: number;
  lastSteps: number;
  counts: number[];
  dev: ConsoleDevices;
  access: [number, number][] | null;
  traps: [number, number, number][];
}

class Trap {
  constructor(
    readonly cause: number,
    readonly detail: number,
  ) {}
}

/** The user-mode variant of an instruction: only the sensitive group of §5 has one. */
function variantIn(isa: Isa, mnemonic: string): string | null {
  if (!(SENSITIVE as readonly string[]).includes(mnemonic)) return null;
  return isa.variants[mnemonic] ?? 'privileged';
}

/** One instruction. Returns 'halt', 'trap', 'psw' (it loaded M or R) or 'ok'. */
function refStep(s: Ref, isa: Isa): 'halt' | 'trap' | 'psw' | 'ok' {
  const q = s.mem.length;
  // §2: a virtual address a is fine unless a < 0 || a >= b || a + l < 0 || a + l >= q.
  const fine = (a: number) => !(a < 0 || a >= s.b || a + s.l < 0 || a + s.l >= q);
  const log = (kind: number, pa: number) => s.access?.push([kind, pa]);
  const read = (a: number): number => {
    if (!fine(a)) throw new Trap(2, a);
    log(1, a + s.l);
    return s.mem[a + s.l];
  };
  const get = (r: number) => (r === 0 ? 0 : s.regs[r]);
  const set = (r: number, v: number | bigint) => {
    if (r !== 0) s.regs[r] = wrap32(v);
  };
  try {
    if (!fine(s.P)) throw new Trap(2, s.P);
    log(0, s.P + s.l);
    const w = s.mem[s.P + s.l];
    const d = isa.byOp[w >>> 24];
    if (!d) throw new Trap(3, w);
    if (isUser(d)) {
      // An ISA file's instruction: the hardware traps it in user mode when privileged, else its effect runs
      // (the effect language is tested on its own; here the machine's side of the hook is checked).
      if (d.privileged && s.M === 1) throw new Trap(1, w);
      const h: SlowState = { pc: s.P, mode: s.M, l: s.l, b: s.b, q, regs: s.regs, mem: s.mem, slowDetail: 0 };
      const r = d.slow(h, w);
      if (r > 0) throw new Trap(r, h.slowDetail);
      s.P = h.pc;
      s.M = h.mode;
      s.l = h.l;
      s.b = h.b;
      if (r < 0) {
        s.halted = true;
        return 'halt';
      }
      // An effect may assign M, l or b: every completed ISA-file instruction counts as a PSW load.
      return 'psw';
    }
    const ra = (w >>> 20) & 15;
    const rb = (w >>> 16) & 15;
    const uimm = w & 0xffff;
    const simm = uimm >= 0x8000 ? uimm - 0x10000 : uimm;
    const x = BigInt(get(ra));
    const y = BigInt(get(rb));
    const ea = wrap32(get(rb) + simm);
    const v = variantIn(isa, d.mnemonic);
    const m0 = s.M;
    if (s.M === 1 && v === 'privileged') throw new Trap(1, w);
    if (s.M === 1 && v === 'user-nop') {
      s.P = s.P + 1;
      return 'ok';
    }
    let next = s.P + 1;
    switch (d.mnemonic) {
      case 'NOP':
        break;
      case 'HALT':
        s.halted = true;
        s.P = next;
        return 'halt';
      case 'LI': set(ra, simm); break;
      case 'LUI': set(ra, uimm * 65536); break;
      case 'ORI': set(ra, x | BigInt(uimm)); break;
      case 'MOV': set(ra, y); break;
      case 'ADD': set(ra, x + y); break;
      case 'SUB': set(ra, x - y); break;
      case 'MUL': set(ra, x * y); break;
      case 'DIV':
        if (y === 0n) throw new Trap(5, 0);
        set(ra, x / y); // BigInt division truncates toward zero
        break;
      case 'MOD':
        if (y === 0n) throw new Trap(5, 0);
        set(ra, x % y); // BigInt remainder takes the dividend's sign
        break;
      case 'AND': set(ra, x & y); break;
      case 'OR': set(ra, x | y); break;
      case 'XOR': set(ra, x ^ y); break;
      case 'SHL': set(ra, x << (y & 31n)); break;
      case 'SHR': set(ra, BigInt.asUintN(32, x) >> (y & 31n)); break;
      case 'ADDI': set(ra, x + BigInt(simm)); break;
      case 'LD': set(ra, read(ea)); break;
      case 'ST':
        if (!fine(ea)) throw new Trap(2, ea);
        log(2, ea + s.l);
        s.mem[ea + s.l] = get(ra);
        break;
      case 'JMP': next = uimm; break;
      case 'JZ': if (get(ra) === 0) next = uimm; break;
      case 'JNZ': if (get(ra) !== 0) next = uimm; break;
      case 'JEQ': if (get(ra) === get(rb)) next = uimm; break;
      case 'JLT': if (get(ra) < get(rb)) next = uimm; break;
      case 'JAL': set(ra, s.P + 1); next = uimm; break;
      case 'JR': next = get(ra); break;
      case 'SVC': throw new Trap(4, uimm);
      case 'LPSW': {
        const m = read(ea), p = read(wrap32(ea + 1)), l = read(wrap32(ea + 2)), b = read(wrap32(ea + 3));
        s.M = m === 0 ? 0 : 1;
        s.l = l;
        s.b = b;
        next = p;
        break;
      }
      case 'SETR': {
        const l = get(ra), b = get(rb);
        s.l = l;
        s.b = b;
        break;
      }
      case 'GETMODE': set(ra, s.M); break;
      case 'GETR': set(ra, s.l); set(rb, s.b); break;
      case 'LRA':
        if (!fine(ea)) throw new Trap(2, ea);
        set(ra, ea + s.l);
        break;
      case 'RETU':
        s.M = 1; // in user mode (the open variant) M is u already, so only P changes
        next = uimm;
        break;
      // §11: port 2 is the clock (steps since boot, this IN included) and the interval timer.
      case 'IN': set(ra, uimm === 2 ? s.steps : s.dev.read(uimm)); break;
      case 'OUT':
        if (uimm === 2) s.timerAt = get(ra) > 0 ? s.steps + get(ra) : -1;
        else s.dev.write(uimm, get(ra));
        break;
      default:
        throw new Error(`the reference does not know ${d.mnemonic}`);
    }
    s.P = next;
    // A PSW load (for EXIT_ON_PSW): LPSW, SETR, RETU from supervisor mode (in user mode, open, it only sets P).
    return d.mnemonic === 'LPSW' || d.mnemonic === 'SETR' || (d.mnemonic === 'RETU' && m0 === 0) ? 'psw' : 'ok';
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    takeTrap(s, e.cause, e.detail);
    return 'trap';
  }
}

/** §3: old PSW (P of the trapping instruction), cause, detail into physical E[0..5]; new PSW from E[8..11]. */
function takeTrap(s: Ref, cause: number, detail: number): void {
  if (s.access) for (let i = 0; i < 6; i++) s.access.push([3, i]);
  s.mem[0] = s.M;
  s.mem[1] = s.P;
  s.mem[2] = s.l;
  s.mem[3] = s.b;
  s.mem[4] = cause;
  s.mem[5] = detail;
  s.M = s.mem[8] === 0 ? 0 : 1;
  s.P = s.mem[9];
  s.l = s.mem[10];
  s.b = s.mem[11];
  s.counts[cause]++;
  s.traps.push([cause, detail, s.P]);
}

/**
 * The run loop: step limit, the timer (§11), breakpoints (not at the first instruction), EXIT_ON_TRAP,
 * EXIT_ON_MODE, EXIT_ON_PSW.
 */
function refRun(s: Ref, isa: Isa, maxSteps: number, flags: number, bp: Uint8Array | null): number {
  if (s.halted) {
    s.lastSteps = 0;
    return Stop.HALTED;
  }
  const M0 = s.M;
  let n = 0;
  let reason: number = Stop.LIMIT;
  for (;;) {
    if (n >= maxSteps) break;
    // §11: an expired timer is a TIMER trap (cause 6, detail 0) before the next instruction that would run in
    // user mode; it takes the place of that instruction's step and disarms the timer.
    if (s.timerAt >= 0 && s.steps >= s.timerAt && s.M === 1) {
      n++;
      s.steps++;
      s.timerAt = -1;
      takeTrap(s, 6, 0);
      if (flags & RunFlag.EXIT_ON_TRAP) {
        reason = Stop.TRAP;
        break;
      }
      if (flags & RunFlag.EXIT_ON_MODE && s.M !== M0) {
        reason = Stop.MODE;
        break;
      }
      continue;
    }
    const q = s.mem.length;
    const pa = s.P + s.l;
    if (bp && n > 0 && s.P >= 0 && s.P < s.b && pa >= 0 && pa < q && bp[pa]) {
      reason = Stop.BREAK;
      break;
    }
    n++;
    s.steps++;
    const r = refStep(s, isa);
    if (r === 'halt') {
      reason = Stop.HALTED;
      break;
    }
    if (r === 'trap' && flags & RunFlag.EXIT_ON_TRAP) {
      reason = Stop.TRAP;
      break;
    }
    if (flags & RunFlag.EXIT_ON_MODE && s.M !== M0) {
      reason = Stop.MODE;
      break;
    }
    if (r === 'psw' && flags & RunFlag.EXIT_ON_PSW) {
      reason = Stop.PSW;
      break;
    }
  }
  s.lastSteps = n;
  return reason;
}

// ---------------------------------------------------------------------------------------------------------
// Random cases.

const DEFINED = PG1.instructions.map((d) => d.op);
const int32 = fc.integer({ min: MIN32, max: MAX32 });

function small(q: number) {
  return fc.integer({ min: -6, max: q + 6 });
}

function wordArb(q: number) {
  const reg = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 15 }));
  const imm = fc.oneof(small(q), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: -0x8000, max: -1 }));
  return fc.oneof(
    { weight: 12, arbitrary: fc.tuple(fc.constantFrom(...DEFINED), reg, reg, imm).map(([o, a, b, i]) => encode(o, a, b, i)) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...USER_OPS), reg, reg, imm).map(([o, a, b, i]) => encode(o, a, b, i)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), reg, reg, imm).map(([o, a, b, i]) => encode(o, a, b, i)) },
    // The clock and the interval timer (§11): IN/OUT on port 2.
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(PG1.byMnemonic.get('IN')!.op, PG1.byMnemonic.get('OUT')!.op), reg).map(([o, a]) => encode(o, a, 0, 2)) },
    { weight: 1, arbitrary: int32 },
    { weight: 3, arbitrary: small(q) },
  );
}

/** An ISA file with instructions of every kind the slow path must carry (free opcodes taken from the table). */
const FREE = undefinedOpcodes();
const USER_ISA = (() => {
  const ins = [
    ['SMSW', 'ra', false, 'ra = M;'],
    ['PSETR', '[rb+imm]', true, 'M = mem[rb + imm]; l = mem[rb + imm + 1]; b = mem[rb + imm + 2];'],
    ['TRP', 'ra,imm', false, 'if (ra < 0) { trap(5); } ra = ra + imm;'],
    ['HLTU', '', false, 'halt;'],
    ['SWP', 'ra,[rb+imm]', false, 'mem[rb + imm] = ra; ra = mem[rb + imm + 1];'],
    ['GOU', 'imm', false, 'P = imm; M = U;'],
    ['PTRAP', 'ra', true, 'ra = 7; trap(3);'],
  ].map(([mnemonic, operands, privileged, effect], i) => ({ mnemonic, opcode: FREE[i], operands, privileged, effect }));
  const r = parseIsaFile(JSON.stringify({ name: 'user', base: 'pg1', variants: { GETR: 'open' }, instructions: ins }));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.isa;
})();
const USER_OPS = USER_ISA.instructions.filter(isUser).map((d) => d.op);

const variantsArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(USER_ISA) },
  { weight: 3, arbitrary: fc.constantFrom(...PRESET_NAMES).map((p) => presetIsa(p)) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        base: fc.constantFrom(...PRESET_NAMES),
        SETR: fc.constantFrom('privileged', 'open', 'user-nop'),
        GETMODE: fc.constantFrom('privileged', 'open'),
        GETR: fc.constantFrom('privileged', 'open'),
        LRA: fc.constantFrom('privileged', 'open'),
        RETU: fc.constantFrom('privileged', 'open'),
      })
      .map(({ base, ...v }) => makeIsa({ base, variants: v })),
  },
);

const caseArb = fc.constantFrom(64, 96, 128).chain((q) =>
  fc.record({
    q: fc.constant(q),
    isa: variantsArb,
    mem: fc.array(wordArb(q), { minLength: q, maxLength: q }),
    // A usable new PSW at E[8..11] most of the time, so that runs go on after traps.
    newPsw: fc.option(
      fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: q >> 1 }), fc.integer({ min: -4, max: q >> 2 }), fc.integer({ min: (3 * q) >> 2, max: q + 4 })),
      { freq: 4 },
    ),
    regs: fc.array(fc.oneof({ weight: 4, arbitrary: small(q) }, { weight: 1, arbitrary: int32 }, { weight: 1, arbitrary: fc.constantFrom(MIN32, MAX32, -1, 0) }), { minLength: 16, maxLength: 16 }),
    mode: fc.integer({ min: 0, max: 1 }),
    pc: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: q - 1 }) }, { weight: 1, arbitrary: int32 }),
    l: fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) },
      { weight: 4, arbitrary: fc.integer({ min: -8, max: q >> 2 }) },
      { weight: 2, arbitrary: fc.integer({ min: -8, max: q }) },
      { weight: 1, arbitrary: int32 },
    ),
    b: fc.oneof(
      { weight: 3, arbitrary: fc.constant(q) },
      { weight: 4, arbitrary: fc.integer({ min: q >> 1, max: q + 8 }) },
      { weight: 2, arbitrary: fc.integer({ min: -2, max: q + 8 }) },
      { weight: 1, arbitrary: int32 },
    ),
    input: fc.string({ unit: fc.constantFrom('a', 'Z', '0', '7', '-', ' ', '\n', '1', '9'), maxLength: 12 }),
    codegen: fc.constantFrom('plain', 'breaks', 'traced'),
    breaks: fc.array(fc.integer({ min: 0, max: q - 1 }), { maxLength: 4 }),
    listen: fc.boolean(),
    jit: fc.boolean(),
    chunks: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 40 }) }), { minLength: 1, maxLength: 40 }),
    flags: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 }),
    // The interval timer at the start: disarmed, or expiring at a step (0: already expired).
    timer: fc.option(fc.integer({ min: 0, max: 60 }), { freq: 2 }),
  }),
);

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case) {
  const mem = Int32Array.from(c.mem);
  if (c.newPsw) mem.set(c.newPsw, 8);
  const m = new Machine({ q: c.q, isa: c.isa, dev: new ConsoleDevices(c.input), jit: c.jit });
  m.boot();
  m.mem.set(mem);
  m.regs.set(c.regs);
  m.regs[0] = 0;
  m.setPSW({ mode: c.mode, pc: c.pc, l: c.l, b: c.b });
  (m.dev as ConsoleDevices).timerAt = c.timer ?? -1;
  const ref: Ref = {
    mem: mem.slice(), regs: Int32Array.from(m.regs), M: c.mode, P: c.pc, l: c.l, b: c.b, halted: false, steps: 0, timerAt: c.timer ?? -1, lastSteps: 0,
    counts: [0, 0, 0, 0, 0, 0, 0], dev: new ConsoleDevices(c.input), access: c.codegen === 'traced' ? [] : null, traps: [],
  };
  const log: [number, number][] = [];
  const traps: [number, number, number][] = [];
  if (c.codegen === 'traced') m.onAccess = (k, a) => log.push([k, a]);
  let bp: Uint8Array | null = null;
  if (c.codegen === 'breaks') {
    bp = new Uint8Array(c.q);
    for (const a of c.breaks) bp[a] = 1;
    m.breakpoints = bp;
  }
  if (c.listen || c.codegen === 'traced') m.onTrap = (cause, detail) => traps.push([cause, detail, m.pc]);
  return { m, ref, log, traps, bp, listened: c.listen || c.codegen === 'traced' };
}

function view(m: Machine) {
  return {
    M: m.mode, P: m.pc, l: m.l, b: m.b, regs: Array.from(m.regs), halted: m.status === 'halted', steps: m.steps,
    lastSteps: m.lastSteps, counts: Array.from(m.trapCounts), out: m.console, inPos: (m.dev as ConsoleDevices).inPos,
    timer: (m.dev as ConsoleDevices).timerAt,
  };
}
function refView(s: Ref) {
  return {
    M: s.M, P: s.P, l: s.l, b: s.b, regs: Array.from(s.regs), halted: s.halted, steps: s.steps, lastSteps: s.lastSteps,
    counts: s.counts, out: s.dev.output, inPos: s.dev.inPos, timer: s.timerAt,
  };
}

function firstMemDiff(a: Int32Array, b: Int32Array): string | null {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `E[${i}]: machine ${a[i]}, reference ${b[i]}`;
  return null;
}

/** Runs a case on both and throws at the first disagreement. */
function agree(c: Case): void {
  const { m, ref, log, traps, bp, listened } = build(c);
  for (let i = 0; i < c.chunks.length; i++) {
    const n = c.chunks[i];
    const flags = c.flags[i % c.flags.length];
    const got = m.run(n, flags);
    const want = refRun(ref, c.isa, n, flags, bp);
    const where = `run #${i} (${n} steps, flags ${flags})`;
    expect(got, `${where}: stop reason`).toBe(want);
    expect(view(m), where).toEqual(refView(ref));
    const md = firstMemDiff(m.mem, ref.mem);
    if (md) throw new Error(`${where}: ${md}`);
    if (ref.access) expect(log, `${where}: accesses`).toEqual(ref.access);
    if (listened) expect(traps, `${where}: onTrap calls`).toEqual(ref.traps);
  }
}

describe('the generated interpreter agrees with the reference (PG1.md §1–5)', () => {
  it('on random memories, R, modes, ISAs, code-generation options and run flags', () => {
    fc.assert(fc.property(caseArb, (c) => agree(c)), { numRuns: 1200 });
  }, 60_000);

  it('on a memory-heavy mix (LD, ST, LPSW, LRA, SETR near the window edges)', () => {
    const ops = ['LD', 'ST', 'LPSW', 'LRA', 'SETR', 'GETR', 'JR', 'ADDI', 'SVC'].map((mn) => PG1.byMnemonic.get(mn)!.op);
    const heavy = caseArb.chain((c) =>
      fc
        .array(fc.tuple(fc.constantFrom(...ops), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: -8, max: c.q + 8 })), {
          minLength: c.q,
          maxLength: c.q,
        })
        .map((ws) => ({ ...c, mem: c.mem.map((w, i) => (i % 3 === 0 ? w : encode(...ws[i]))) })),
    );
    fc.assert(fc.property(heavy, (c) => agree(c)), { numRuns: 600 });
  }, 60_000);

  it('on ISA-file instructions (the slow path: privilege, traps, halt, PSW and window changes)', () => {
    const user = caseArb.chain((c) =>
      fc
        .array(fc.tuple(fc.constantFrom(...USER_OPS), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: -8, max: c.q + 8 })), {
          minLength: c.q,
          maxLength: c.q,
        })
        .map((ws) => ({ ...c, isa: USER_ISA, mem: c.mem.map((w, i) => (i % 2 === 0 ? w : encode(...ws[i]))) })),
    );
    fc.assert(fc.property(user, (c) => agree(c)), { numRuns: 300 });
  }, 60_000);

  it('the reference itself follows the contract on a few hand cases (so that agreement means something)', () => {
    const c = (mem: Record<number, number>, regs: number[], psw: [number, number, number, number]): Ref => {
      const E = new Int32Array(64);
      for (const [a, v] of Object.entries(mem)) E[Number(a)] = v;
      return {
        mem: E, regs: Int32Array.from({ length: 16 }, (_, i) => regs[i] ?? 0), M: psw[0], P: psw[1], l: psw[2], b: psw[3], halted: false,
        steps: 0, timerAt: -1, lastSteps: 0, counts: [0, 0, 0, 0, 0, 0, 0], dev: new ConsoleDevices(''), access: null, traps: [],
      };
    };
    const op = (mn: string) => PG1.byMnemonic.get(mn)!.op;
    // DIV truncates, MOD takes the dividend's sign.
    let s = c({ 16: encode(op('DIV'), 1, 2, 0), 17: encode(op('MOD'), 3, 2, 0) }, [0, -7, 2, -7], [0, 16, 0, 64]);
    refRun(s, PG1, 2, 0, null);
    expect([s.regs[1], s.regs[3]]).toEqual([-3, -1]);
    // A memory trap on the third LPSW read leaves the PSW and writes the frame.
    s = c({ 20: encode(op('LPSW'), 0, 0, 2), 9: 7 }, [], [0, 0, 20, 4]);
    refRun(s, PG1, 1, 0, null);
    expect(Array.from(s.mem.slice(0, 6))).toEqual([0, 0, 20, 4, 2, 4]);
    expect([s.M, s.P, s.l, s.b]).toEqual([0, 7, 0, 0]);
    // SHR is logical; r0 ignores writes.
    s = c({ 16: encode(op('SHR'), 1, 2, 0), 17: encode(op('LI'), 0, 0, 5) }, [0, -1, 28], [0, 16, 0, 64]);
    refRun(s, PG1, 2, 0, null);
    expect([s.regs[0], s.regs[1]]).toEqual([0, 15]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Hot loops: code that runs the same addresses many times, so that compiled blocks are entered, looped,
// cut by the step budget, left by traps and by stores into their own words, and met again under another l.

const Q = 256;
const CODE = 64;
const HANDLER = 200;
const K = 16; // the handler toggles l between 0 and K; the window b = Q - K covers the code either way
const BODY_OPS = ['NOP', 'LI', 'LUI', 'ORI', 'MOV', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'ADDI',
  'LD', 'ST', 'SVC', 'JMP', 'JAL'];

function word(mn: string, ra: number, rb = 0, imm = 0): number {
  const d = PG1.byMnemonic.get(mn)!;
  const f = usesField(d.operands);
  return encode(d.op, f.ra ? ra : 0, f.rb ? rb : 0, f.imm ? imm : 0);
}

/**
 * Supervisor trap handler: resume after the trapping instruction with l toggled between 0 and K (P moved to
 * match) and b toggled between Q - K and `cut`, a window that may end inside a hot loop.
 */
function handlerCode(cut: number, tick: number | null): number[] {
  const x = (Q - K) ^ cut;
  // With a tick, the handler re-arms the interval timer (§11), so the user's hot loops are preempted anywhere.
  const arm = tick === null ? [] : [word('LI', 13, 0, tick), word('OUT', 13, 0, 2)];
  return [
    ...arm,
    word('LD', 15, 0, 1), word('ADDI', 15, 0, 1), word('LD', 14, 0, 2), word('ADD', 15, 14), word('LI', 13, 0, K),
    word('XOR', 14, 13), word('SUB', 15, 14), word('ST', 15, 0, 1), word('ST', 14, 0, 2),
    word('LD', 14, 0, 3), word('LUI', 13, 0, x >>> 16), word('ORI', 13, 0, x & 0xffff), word('XOR', 14, 13), word('ST', 14, 0, 3),
    word('LPSW', 0, 0, 0),
  ];
}

const bodyInstr = fc
  .tuple(fc.constantFrom(...BODY_OPS), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: -4, max: Q }), fc.nat(15), fc.integer({ min: MIN32, max: MAX32 }))
  .map(([mn, ra, rb, imm, dice, any]) => ({ mn, ra, rb, imm, dice, any }));

const loopArb = fc.record({
  count: fc.integer({ min: 1, max: 30 }),
  body: fc.array(bodyInstr, { minLength: 1, maxLength: 12 }),
  // A loop that rewrites its own first word on every iteration (a different ADDI each time).
  selfMod: fc.option(fc.record({ at: fc.nat(), imm: fc.integer({ min: -1000, max: 1000 }), rd: fc.integer({ min: 1, max: 10 }) }), { freq: 3 }),
});

const hotArb = fc.record({
  loops: fc.array(loopArb, { minLength: 1, maxLength: 4 }),
  preset: fc.constantFrom(...PRESET_NAMES),
  user: fc.boolean(),
  startL: fc.constantFrom(0, K),
  cut: fc.integer({ min: CODE - K, max: CODE + 100 }),
  // Before some run calls the caller (a monitor would) moves the end of the window, keeping l.
  rebound: fc.array(fc.option(fc.integer({ min: CODE - K, max: Q }), { freq: 2 }), { minLength: 12, maxLength: 12 }),
  regs: fc.array(fc.integer({ min: -4, max: Q }), { minLength: 16, maxLength: 16 }),
  chunks: fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 600 })), { minLength: 1, maxLength: 12 }),
  flags: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
  tick: fc.option(fc.integer({ min: 1, max: 150 }), { freq: 2 }),
});

type Hot = typeof hotArb extends fc.Arbitrary<infer T> ? T : never;

/** Lays the loops out at physical CODE: `LI r11, n; body; ADDI r11, -1; JNZ r11, body` ..., then back to the top. */
function layout(h: Hot): number[] {
  const code: number[] = [];
  const vaddr = (i: number) => CODE + i - h.startL;
  for (const lp of h.loops) {
    const sm = lp.selfMod;
    if (sm) {
      const w = word('ADDI', sm.rd, 0, sm.imm);
      code.push(word('LUI', 12, 0, w >>> 16), word('ORI', 12, 0, w & 0xffff));
    }
    code.push(word('LI', 11, 0, lp.count));
    const top = code.length;
    for (const [k, x] of lp.body.entries()) {
      if (sm && k === sm.at % lp.body.length) code.push(word('ST', 12, 0, vaddr(top)), word('ADDI', 12, 0, 1));
      if (sm && (x.mn === 'JMP' || x.mn === 'JAL' || x.mn === 'SVC')) {
        code.push(word('NOP', 0, 0, 0)); // keep the loop one block
        continue;
      }
      let imm = x.imm;
      // Jumps go forward inside the body (they end a block), stores sometimes aim at the code itself.
      if (x.mn === 'JMP' || x.mn === 'JAL') imm = vaddr(code.length + 1 + (x.dice % 2));
      if (x.mn === 'ST' && x.dice < 3) imm = vaddr(top + (x.imm & 7));
      const w = x.dice === 15 ? x.any : word(x.mn, x.ra, x.rb, imm);
      // A non-canonical word (an unused field set) is run by the interpreter, never compiled.
      code.push(x.dice === 14 ? w | (7 << 16) : w);
    }
    code.push(word('ADDI', 11, 0, -1), word('JNZ', 11, 0, vaddr(top)));
  }
  code.push(word('JMP', 0, 0, vaddr(0)));
  return code;
}

function hotMachine(h: Hot, jit: boolean): { m: Machine; ref: Ref } {
  const code = layout(h);
  const isa = presetIsa(h.preset);
  const m = new Machine({ q: Q, isa, jit, dev: new ConsoleDevices('') });
  m.boot({ words: code.map((w, i) => [CODE + i, w] as const), entry: CODE });
  m.mem.set([0, HANDLER, 0, Q], 8);
  m.mem.set(handlerCode(h.cut, h.tick), HANDLER);
  if (h.tick !== null) (m.dev as ConsoleDevices).timerAt = h.tick;
  m.regs.set(h.regs);
  m.regs[0] = 0;
  m.setPSW({ mode: h.user ? 1 : 0, pc: CODE - h.startL, l: h.startL, b: Q - K });
  const ref: Ref = {
    mem: m.mem.slice(), regs: m.regs.slice(), M: m.mode, P: m.pc, l: m.l, b: m.b, halted: false, steps: 0, timerAt: h.tick ?? -1, lastSteps: 0,
    counts: [0, 0, 0, 0, 0, 0, 0], dev: new ConsoleDevices(''), access: null, traps: [],
  };
  return { m, ref };
}

/**
 * Runs chunk i (n steps under `flags`) on the compiling machine, the plain interpreter and the reference, and checks
 * that all three agree: the stop reason, the state and memory, and the onTrap calls when `traps` listened to them.
 */
function sameChunk(m: Machine, plain: Machine, ref: Ref, isa: Isa, i: number, n: number, flags: number, traps?: [number, number, number][]): void {
  const got = m.run(n, flags);
  const want = refRun(ref, isa, n, flags, null);
  const where = `run #${i} (${n} steps, flags ${flags})`;
  expect(got, `${where}: stop reason`).toBe(want);
  expect(view(m), where).toEqual(refView(ref));
  const md = firstMemDiff(m.mem, ref.mem);
  if (md) throw new Error(`${where}: ${md}`);
  if (traps) expect(traps, `${where}: onTrap calls`).toEqual(ref.traps);
  expect(plain.run(n, flags), `${where}: plain interpreter`).toBe(want);
  expect(view(plain), `${where}: plain interpreter`).toEqual(refView(ref));
}

describe('compiled blocks agree with the reference', () => {
  it('on hot loops with traps, self-modifying stores, relocation and window changes, and budget cuts', () => {
    fc.assert(
      fc.property(hotArb, (h) => {
        const { m, ref } = hotMachine(h, true);
        const plain = hotMachine(h, false).m;
        for (let i = 0; i < h.chunks.length; i++) {
          const n = h.chunks[i];
          const flags = h.flags[i % h.flags.length];
          const nb = h.rebound[i];
          if (nb !== null) {
            m.setPSW({ ...m.psw, b: nb });
            plain.setPSW({ ...plain.psw, b: nb });
            ref.b = nb;
          }
          sameChunk(m, plain, ref, presetIsa(h.preset), i, n, flags);
        }
      }),
      { numRuns: 250 },
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------------
// Regions: hot code with branches both ways, loops, computed jumps, sensitive instructions run compiled in
// supervisor mode (and trapping in user mode), LPSW/SETR that keep or change the PSW, SVCs and memory traps
// whose handler resumes after the trapping instruction, devices and the timer; every run flag, with and without
// an onTrap listener. The region compiler must give the reference's state after every run call.

const RQ = 256;
const RCODE = 32;
const RHANDLER = 224;
const PSWBLK = 16;
const REGION_OPS = [...BODY_OPS.filter((mn) => mn !== 'JMP'), 'JMP', 'JZ', 'JNZ', 'JEQ', 'JLT', 'JR', 'GETMODE', 'GETR', 'LRA', 'SETR', 'LPSW', 'RETU', 'IN', 'OUT', 'HALT'];

const regionArb = fc.record({
  preset: fc.constantFrom(...PRESET_NAMES),
  prog: fc.array(
    fc.record({ mn: fc.constantFrom(...REGION_OPS), ra: fc.integer({ min: 0, max: 8 }), rb: fc.integer({ min: 0, max: 10 }), t: fc.nat(63), mem: fc.constantFrom(-1, 0, 1, 5, PSWBLK, RCODE, RCODE + 3, 100, RQ - 1, RQ), dice: fc.nat(31) }),
    { minLength: 4, maxLength: 40 },
  ),
  regs: fc.array(fc.integer({ min: -3, max: 40 }), { minLength: 8, maxLength: 8 }),
  user: fc.boolean(),
  // The PSW that LPSW [PSWBLK] loads: this machine's own (the region goes on) or the other mode.
  lpswMode: fc.integer({ min: 0, max: 1 }),
  chunks: fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 3000 })), { minLength: 1, maxLength: 8 }),
  flags: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }), { minLength: 1, maxLength: 3 }),
  listen: fc.boolean(),
  tick: fc.option(fc.integer({ min: 1, max: 200 }), { freq: 2 }),
});
type RegionCase = typeof regionArb extends fc.Arbitrary<infer T> ? T : never;

function regionMachine(c: RegionCase, jit: boolean): { m: Machine; ref: Ref; traps: [number, number, number][] } {
  const n = c.prog.length;
  const code = c.prog.map((x) => {
    const d = PG1.byMnemonic.get(x.mn)!;
    // Jump targets inside the program, backward and forward; loads and stores at the trap frame, the PSW block,
    // the code itself, data, and just outside the window.
    if (d.operands.includes('target')) return word(x.mn, x.ra, x.rb, RCODE + (x.t % n));
    if (x.mn === 'LPSW') return word(x.mn, 0, 0, PSWBLK);
    if (x.mn === 'SETR') return word(x.mn, 9, 10);
    if (x.mn === 'IN' || x.mn === 'OUT') return word(x.mn, x.ra, 0, x.dice % 4);
    if (x.mn === 'JR') return word(x.mn, 11);
    if (d.operands.includes('mem')) return word(x.mn, x.ra, x.dice < 24 ? 0 : x.rb, x.mem);
    // Counting loops: ADDI r1, -1 with r1 a small positive count, so branches on r1 go both ways.
    return word(x.mn, x.ra, x.rb, x.dice - 8);
  });
  // r11 holds a computed-jump target, r9/r10 the window (SETR r9, r10 keeps R), r12 a loop count.
  const m = new Machine({ q: RQ, isa: presetIsa(c.preset), jit, dev: new ConsoleDevices('x 7') });
  m.boot({ words: code.map((w, i) => [RCODE + i, w] as const), entry: RCODE });
  m.mem.set([0, RHANDLER, 0, RQ], 8);
  m.mem.set([c.lpswMode, RCODE + (c.regs[0] & 0xffff) % n, 0, RQ], PSWBLK);
  // Handler: resume after the trapping instruction, in the mode it was in (re-arming the timer if ticking).
  const arm = c.tick === null ? [] : [word('LI', 13, 0, c.tick), word('OUT', 13, 0, 2)];
  m.mem.set([...arm, word('LD', 15, 0, 1), word('ADDI', 15, 0, 1), word('ST', 15, 0, 1), word('LPSW', 0, 0, 0)], RHANDLER);
  c.regs.forEach((v, i) => (m.regs[i + 1] = v));
  m.regs[9] = 0;
  m.regs[10] = RQ;
  m.regs[11] = RCODE + (c.regs[1] & 0xffff) % n;
  if (c.tick !== null) (m.dev as ConsoleDevices).timerAt = c.tick;
  m.setPSW({ mode: c.user ? 1 : 0, pc: RCODE, l: 0, b: RQ });
  const ref: Ref = {
    mem: m.mem.slice(), regs: m.regs.slice(), M: m.mode, P: m.pc, l: m.l, b: m.b, halted: false, steps: 0, timerAt: c.tick ?? -1, lastSteps: 0,
    counts: [0, 0, 0, 0, 0, 0, 0], dev: new ConsoleDevices('x 7'), access: null, traps: [],
  };
  const traps: [number, number, number][] = [];
  if (c.listen) m.onTrap = (cause, detail) => traps.push([cause, detail, m.pc]);
  return { m, ref, traps };
}

describe('compiled regions agree with the reference', () => {
  it('on branchy loops with sensitive instructions, PSW loads, traps, devices and the timer, step for step', () => {
    let compiled = 0;
    fc.assert(
      fc.property(regionArb, (c) => {
        const { m, ref, traps } = regionMachine(c, true);
        const plain = regionMachine(c, false).m;
        for (let i = 0; i < c.chunks.length; i++) {
          const n = c.chunks[i];
          const flags = c.flags[i % c.flags.length];
          sameChunk(m, plain, ref, presetIsa(c.preset), i, n, flags, c.listen ? traps : undefined);
        }
        if (m.compiles > 0) compiled++;
      }),
      { numRuns: 400 },
    );
    // The generator does what it is for: regions get compiled.
    expect(compiled).toBeGreaterThan(100);
  }, 120_000);
});
