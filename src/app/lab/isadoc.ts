/**
 * Edits to an ISA file's text made by the lab's controls (preset picker, variant toggles, the define-an-
 * instruction form). The text stays the source of truth — what the user sees in the ISA file editor is what is
 * classified, shared and run — so each control rewrites the text rather than keeping a parallel model. DOM-free.
 */
import { PRESETS, isPresetName, type PresetName } from '../../core/isa/isa';
import { BASE_INSTRUCTIONS, type Variant } from '../../core/isa/table';

export interface UserInstrSpec {
  mnemonic: string;
  opcode: number;
  operands: string;
  privileged: boolean;
  effect: string;
}

export interface IsaDoc {
  name: string;
  base: PresetName;
  variants: Record<string, Variant>;
  instructions: UserInstrSpec[];
  /** Hardware assist: the machine has a guest mode (ISA-file field `assist`). */
  assist?: boolean;
  /** The file's own description, kept as written. */
  doc?: string;
}

/** The file a preset picker writes: the preset as base, its variants spelled out so the toggles show them. */
export function presetText(name: PresetName): string {
  return docText({ name, base: name, variants: { ...PRESETS[name].variants }, instructions: [] });
}

export function docText(d: IsaDoc): string {
  const o: Record<string, unknown> = { name: d.name, base: d.base };
  if (Object.keys(d.variants).length) o.variants = d.variants;
  if (d.instructions.length) o.instructions = d.instructions;
  if (d.assist) o.assist = true;
  if (d.doc !== undefined) o.doc = d.doc;
  return JSON.stringify(o, null, 2) + '\n';
}

/**
 * Reads the parts the controls change. Returns an error message when the text is not a JSON object the
 * controls can edit (the full parser, isafile.ts, reports errors with positions; this only guards the edit).
 */
export function readDoc(text: string): IsaDoc | string {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return 'the ISA file is not valid JSON; fix it in the editor first';
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'the ISA file must be a JSON object';
  const r = o as Record<string, unknown>;
  const base = typeof r.base === 'string' && isPresetName(r.base) ? r.base : 'pg1';
  const variants: Record<string, Variant> = {};
  if (r.variants && typeof r.variants === 'object') {
    for (const [k, v] of Object.entries(r.variants as Record<string, unknown>)) if (typeof v === 'string') variants[k.toUpperCase()] = v as Variant;
  }
  const instructions = Array.isArray(r.instructions) ? (r.instructions as UserInstrSpec[]) : [];
  return {
    name: typeof r.name === 'string' ? r.name : base,
    base,
    variants,
    instructions,
    ...(r.assist === true ? { assist: true } : {}),
    ...(typeof r.doc === 'string' ? { doc: r.doc } : {}),
  };
}

/** The variant in force for a base instruction under this document (the preset's, unless the file overrides). */
export function variantIn(d: IsaDoc, mnemonic: string): Variant {
  return d.variants[mnemonic] ?? PRESETS[d.base].variants[mnemonic] ?? 'privileged';
}

export function setVariant(text: string, mnemonic: string, v: Variant): string | { error: string } {
  const d = readDoc(text);
  if (typeof d === 'string') return { error: d };
  const def = BASE_INSTRUCTIONS.find((x) => x.mnemonic === mnemonic);
  if (!def?.variants?.includes(v)) return { error: `${mnemonic} does not offer the variant ${v}` };
  const variants = { ...d.variants, [mnemonic]: v };
  // Keep the file short: a variant equal to the base preset's needs no line.
  if ((PRESETS[d.base].variants[mnemonic] ?? 'privileged') === v) delete variants[mnemonic];
  return docText({ ...d, name: d.name === d.base ? `${d.base}-modified` : d.name, variants });
}

/**
 * Hardware assist on or off (the lab's "hardware assist (guest mode)" toggle). A preset's name gains "-assist"
 * while it is on, and loses it again, so toggling a preset on and off gives back the preset's own text.
 */
export function setAssist(text: string, on: boolean): string | { error: string } {
  const d = readDoc(text);
  if (typeof d === 'string') return { error: d };
  const suffixed = `${d.base}-assist`;
  const name = on ? (d.name === d.base ? suffixed : d.name) : d.name === suffixed ? d.base : d.name;
  const { assist: _a, ...rest } = d;
  return docText({ ...rest, name, ...(on ? { assist: true } : {}) });
}

/** Adds an instruction, or replaces the one with the same mnemonic. */
export function upsertInstruction(text: string, ins: UserInstrSpec): string | { error: string } {
  const d = readDoc(text);
  if (typeof d === 'string') return { error: d };
  const mn = ins.mnemonic.toUpperCase();
  const rest = d.instructions.filter((x) => String(x.mnemonic).toUpperCase() !== mn);
  return docText({ ...d, instructions: [...rest, { ...ins, mnemonic: mn }] });
}

export function removeInstruction(text: string, mnemonic: string): string | { error: string } {
  const d = readDoc(text);
  if (typeof d === 'string') return { error: d };
  return docText({ ...d, instructions: d.instructions.filter((x) => String(x.mnemonic).toUpperCase() !== mnemonic.toUpperCase()) });
}

/** The lowest opcode no instruction of the document uses, for the form's default. */
export function freeOpcode(d: IsaDoc): number {
  const used = new Set<number>([...BASE_INSTRUCTIONS.map((x) => x.op), ...d.instructions.map((x) => x.opcode)]);
  for (let o = 0x30; o < 256; o++) if (!used.has(o)) return o;
  return 0xff;
}
