/**
 * Helpers shared by the machine's tests (machine*.test.ts); not used by the app. Programs are built from
 * mnemonics through the table, so no test writes an opcode number.
 */
import { expect } from 'vitest';
import { encode } from '../core/isa/table';
import { presetIsa, type Isa, type PresetName } from '../core/isa/isa';
import { ConsoleDevices } from '../core/machine/devices';
import { Machine, type PSW } from '../core/machine/machine';

export const PG1 = presetIsa('pg1');

/** The opcode of a mnemonic, from the table. */
export function op(mnemonic: string, isa: Isa = PG1): number {
  const d = isa.byMnemonic.get(mnemonic);
  if (!d) throw new Error(`no instruction ${mnemonic}`);
  return d.op;
}

/** One instruction word: `I('ADD', 1, 2)`, `I('LD', 1, 2, -3)`, `I('JMP', 0, 0, 40)`. */
export function I(mnemonic: string, ra = 0, rb = 0, imm = 0): number {
  return encode(op(mnemonic), ra, rb, imm);
}

/** Opcodes with no instruction in the base table (ILLEGAL). */
export function undefinedOpcodes(isa: Isa = PG1): number[] {
  const out: number[] = [];
  for (let o = 0; o < 256; o++) if (!isa.byOp[o]) out.push(o);
  return out;
}

/** The sensitive group of PG1.md §5 and the user-mode variant each preset gives it (§6), written from the text. */
export const SENSITIVE = ['HALT', 'LPSW', 'SETR', 'GETMODE', 'GETR', 'LRA', 'RETU', 'IN', 'OUT'] as const;
export const SPEC_PRESETS: Record<PresetName, Record<string, 'privileged' | 'open' | 'user-nop'>> = {
  pg1: {},
  pdp10: { RETU: 'open' },
  x86: { GETMODE: 'open', GETR: 'open', SETR: 'user-nop' },
  lra: { LRA: 'open' },
};
export function specVariant(preset: PresetName, mnemonic: string): 'privileged' | 'open' | 'user-nop' | null {
  if (!(SENSITIVE as readonly string[]).includes(mnemonic)) return null;
  return SPEC_PRESETS[preset][mnemonic] ?? 'privileged';
}

/** Where test programs start by default (above the trap frame, like the assembler's origin). */
export const ORG = 16;
/** Where the default trap handler's new PSW points (physical, supervisor, R = (0, q)). */
export const HANDLER = 48;

export interface Setup {
  q?: number;
  isa?: Isa | PresetName;
  /** Words placed at physical `at` (default ORG). */
  prog?: number[];
  at?: number;
  /** Register values r1.. by index. */
  regs?: Record<number, number>;
  /** PSW to start from; default (s, at, 0, q). */
  psw?: Partial<PSW>;
  /** Extra physical words. */
  mem?: Record<number, number>;
  input?: string;
  /** Install a new PSW (s, HANDLER, 0, q) at physical 8..11 with a HALT at HANDLER. Default true. */
  handler?: boolean;
}

/** A booted machine ready to step. */
export function mk(s: Setup = {}): Machine {
  const isa = typeof s.isa === 'string' ? presetIsa(s.isa) : (s.isa ?? PG1);
  const m = new Machine({ q: s.q ?? 256, isa, dev: new ConsoleDevices(s.input ?? '') });
  const at = s.at ?? ORG;
  m.boot({ words: (s.prog ?? []).map((w, i) => [at + i, w] as const), entry: at });
  if (s.handler ?? true) {
    m.mem[8] = 0;
    m.mem[9] = HANDLER;
    m.mem[10] = 0;
    m.mem[11] = m.q;
    m.mem[HANDLER] = I('HALT');
  }
  for (const [a, v] of Object.entries(s.mem ?? {})) m.mem[Number(a)] = v;
  for (const [r, v] of Object.entries(s.regs ?? {})) m.regs[Number(r)] = v;
  m.setPSW({ ...m.psw, ...s.psw });
  return m;
}

/** Everything observable about a machine, as plain data for toEqual. */
export function stateOf(m: Machine) {
  return {
    psw: m.psw,
    regs: Array.from(m.regs),
    mem: Array.from(m.mem),
    status: m.status,
    console: m.console,
    inPos: (m.dev as ConsoleDevices).inPos,
    steps: m.steps,
    trapCounts: Array.from(m.trapCounts),
  };
}

/** Wraps a number to a 32-bit two's-complement integer via BigInt (independent of the `| 0` idiom). */
export function wrap32(v: number | bigint): number {
  return Number(BigInt.asIntN(32, BigInt(v)));
}

/**
 * Runs two machines (block compilation on and off) through the same run calls, n steps at a time for each n of
 * `splits`, four times each: they must stop alike after the same number of steps, and end each split in the
 * same `state`.
 */
export function expectSameRuns(a: Machine, b: Machine, splits: readonly number[], state: (m: Machine) => unknown): void {
  for (const n of splits) {
    for (let k = 0; k < 4; k++) {
      expect(a.run(n)).toBe(b.run(n));
      expect(a.lastSteps).toBe(b.lastSteps);
    }
    expect(state(a)).toEqual(state(b));
  }
}
