import { BASE_INSTRUCTIONS, type InstrDef, type Variant } from './table';

/**
 * An ISA is the base table, the variant in force for each sensitive instruction, and any instructions an ISA
 * file adds. Presets (PG1.md §6) are data.
 */
export type PresetName = 'pg1' | 'pdp10' | 'x86' | 'lra';

export const PRESETS: Record<PresetName, { variants: Record<string, Variant>; teaches: string }> = {
  pg1: { variants: {}, teaches: "virtualizable (IBM 360-like): the conditions of Theorems 1, 2 and 3 hold" },
  pdp10: { variants: { RETU: 'open' }, teaches: "Theorem 1's condition fails, yet Theorem 3's holds and a hybrid monitor works, as the paper says of the PDP-10" },
  x86: {
    variants: { GETMODE: 'open', GETR: 'open', SETR: 'user-nop' },
    teaches: "the conditions of Theorems 1 and 3 fail (SMSW/SGDT/POPF analogues, Robin & Irvine 2000)",
  },
  lra: { variants: { LRA: 'open' }, teaches: 'a location-sensitive instruction: a hypothetical unprivileged LRA (on the IBM S/370, LRA is privileged)' },
};
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/**
 * A user-defined instruction runs through this hook instead of generated code. It reads and writes the
 * machine's fields (pc, mode, l, b, regs, mem) and returns 0 when done, -1 to halt, or a trap cause with
 * `m.slowDetail` set. The state must be untouched when it traps (§10: a trap discards the copy).
 */
export type SlowExec = (m: SlowState, w: number) => number;
export interface SlowState {
  pc: number;
  mode: number;
  l: number;
  b: number;
  q: number;
  readonly regs: Int32Array;
  readonly mem: Int32Array;
  slowDetail: number;
}

export interface UserInstrDef extends InstrDef {
  /** The hardware traps it in user mode (PRIVILEGED) before the effect runs. */
  privileged: boolean;
  slow: SlowExec;
  /** The effect source, for docs and hovers. */
  effectSource: string;
}

export interface Isa {
  readonly name: string;
  readonly base: PresetName;
  /** Variant in force for every instruction that offers variants. */
  readonly variants: Readonly<Record<string, Variant>>;
  readonly instructions: readonly InstrDef[];
  readonly byOp: readonly (InstrDef | undefined)[];
  readonly byMnemonic: ReadonlyMap<string, InstrDef>;
  /**
   * Hardware assist (ISA-file field `"assist": true`): the machine has a guest mode, entered by a monitor with
   * the run flag GUEST, in which every instruction of the sensitive group and every ISA-file instruction traps
   * with cause EXIT (7) whatever its variant and mode, like VT-x non-root mode. See docs/DECISIONS.md.
   */
  readonly assist: boolean;
  /** Identifies the generated interpreter: same key, same code. */
  readonly key: string;
}

export function isUser(d: InstrDef): d is UserInstrDef {
  return typeof (d as UserInstrDef).slow === 'function';
}

/** The variant an instruction runs under in user mode, or null for an instruction with no user-mode choice. */
export function variantOf(isa: Isa, d: InstrDef): Variant | null {
  if (isUser(d)) return d.privileged ? 'privileged' : 'open';
  if (!d.variants) return null;
  return isa.variants[d.mnemonic] ?? 'privileged';
}

let userKeySeq = 0;
const userKeys = new WeakMap<InstrDef, number>();

export function makeIsa(opts: {
  name?: string;
  base?: PresetName;
  variants?: Record<string, Variant>;
  extra?: readonly UserInstrDef[];
  assist?: boolean;
}): Isa {
  const base = opts.base ?? 'pg1';
  const variants: Record<string, Variant> = {};
  for (const d of BASE_INSTRUCTIONS) if (d.variants) variants[d.mnemonic] = 'privileged';
  Object.assign(variants, PRESETS[base].variants);
  for (const [mn, v] of Object.entries(opts.variants ?? {})) {
    const d = BASE_INSTRUCTIONS.find((x) => x.mnemonic === mn.toUpperCase());
    if (!d) throw new Error(`unknown instruction ${mn}`);
    if (!d.variants?.includes(v)) throw new Error(`${d.mnemonic} does not offer the variant ${v}`);
    variants[d.mnemonic] = v;
  }
  const instructions: InstrDef[] = [...BASE_INSTRUCTIONS, ...(opts.extra ?? [])];
  const byOp: (InstrDef | undefined)[] = new Array(256).fill(undefined);
  const byMnemonic = new Map<string, InstrDef>();
  for (const d of instructions) {
    if (byOp[d.op]) throw new Error(`opcode ${d.op} is taken by ${byOp[d.op]!.mnemonic}`);
    if (byMnemonic.has(d.mnemonic)) throw new Error(`mnemonic ${d.mnemonic} is defined twice`);
    byOp[d.op] = d;
    byMnemonic.set(d.mnemonic, d);
  }
  const userParts = (opts.extra ?? []).map((d) => {
    let k = userKeys.get(d);
    if (k === undefined) userKeys.set(d, (k = ++userKeySeq));
    return `${d.op}:${d.privileged ? 'p' : 'o'}:${k}`;
  });
  const assist = opts.assist === true;
  const key = JSON.stringify([variants, userParts, assist]);
  return { name: opts.name ?? base, base, variants, instructions, byOp, byMnemonic, assist, key };
}

const presetCache = new Map<string, Isa>();
export function presetIsa(name: PresetName): Isa {
  let isa = presetCache.get(name);
  if (!isa) presetCache.set(name, (isa = makeIsa({ name, base: name })));
  return isa;
}

/** The instructions that exit in guest mode (hardware assist): the sensitive group and every ISA-file one. */
export function exitsInGuestMode(d: InstrDef): boolean {
  return isUser(d) || d.variants !== undefined;
}

/** The same ISA with hardware assist (guest mode) added. */
export function withAssist(isa: Isa): Isa {
  if (isa.assist) return isa;
  return makeIsa({ name: isa.name, base: isa.base, variants: { ...isa.variants }, extra: isa.instructions.filter(isUser), assist: true });
}

export function isPresetName(s: string): s is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, s);
}
