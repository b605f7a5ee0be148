/**
 * The ISA in force: the workspace has one ISA, an ISA file's text (a preset is the text `presetText` writes for
 * it), kept in the workbench settings (`Settings.isa`). Every view — the workbench's machine, the editor's
 * colours, hovers, completion and markers, the ISA lab, Equivalence, Recursion, share links — reads it from
 * here. A text with errors never reaches a machine: the last good one stays in force and the errors are shown.
 * DOM-free (unit-tested in Node).
 */
import { create } from 'zustand';
import { PRESET_NAMES, isPresetName, type Isa } from '../core/isa/isa';
import { parseIsaFile, type IsaFileError } from '../core/isa/isafile';
import { presetText } from './lab/isadoc';
import { useSettings } from './store';

export type ParsedIsa = { ok: true; isa: Isa; name: string } | { ok: false; errors: IsaFileError[] };

export interface IsaInForce {
  /** The ISA file text in force (always one that parses). */
  text: string;
  isa: Isa;
  /** What the toolbar and the views call it: a preset's name, "pg1 (modified)", or the file's own name. */
  name: string;
  /** The preset this text is exactly, if any (the toolbar's picker shows it). */
  preset: string | null;
}

export interface IsaState extends IsaInForce {
  /** The text the user has now when it has errors (so it is not in force), with its errors. */
  pending: { text: string; errors: IsaFileError[] } | null;
}

/** Old saved settings and example headers name a preset; the workspace holds its text. */
export function isaTextOf(s: string): string {
  return isPresetName(s) ? presetText(s) : s;
}

/** The preset whose text this is, exactly. */
export function presetOf(text: string): string | null {
  for (const p of PRESET_NAMES) if (text === presetText(p)) return p;
  return null;
}

/** The ISA's name as the user reads it: a modified preset says so, a file with a name of its own keeps it. */
export function isaDisplayName(text: string, isa: Isa): string {
  const p = presetOf(text);
  if (p) return p;
  // The lab's controls name an edited preset "<base>-modified"; a preset's own name on other text is modified too.
  if (isa.name === isa.base || isa.name === `${isa.base}-modified` || isPresetName(isa.name)) return `${isa.base} (modified)`;
  return isa.name;
}

const cache = new Map<string, ParsedIsa>();

/** Parses an ISA text (or a preset name), cached: every view asks about the same few texts. */
export function parseIsaText(s: string): ParsedIsa {
  const text = isaTextOf(s);
  let r = cache.get(text);
  if (!r) {
    const p = parseIsaFile(text);
    r = p.ok ? { ok: true, isa: p.isa, name: isaDisplayName(text, p.isa) } : { ok: false, errors: p.errors };
    if (cache.size > 64) cache.clear();
    cache.set(text, r);
  }
  return r;
}

/** The state after the user's text becomes `s`: in force when it parses, otherwise `prev` stays in force. */
export function resolveIsa(s: string, prev: IsaInForce): IsaState {
  const text = isaTextOf(s);
  const r = parseIsaText(text);
  if (!r.ok) return { text: prev.text, isa: prev.isa, name: prev.name, preset: prev.preset, pending: { text, errors: r.errors } };
  return { text, isa: r.isa, name: r.name, preset: presetOf(text), pending: null };
}

const PG1 = presetText('pg1');
const first = (): IsaState => {
  const pg1 = parseIsaText(PG1);
  if (!pg1.ok) throw new Error('the pg1 preset does not parse');
  return resolveIsa(useSettings.getState().isa, { text: PG1, isa: pg1.isa, name: pg1.name, preset: 'pg1' });
};

export const useIsa = create<IsaState>()(() => first());

// Settings.isa is what the user has; useIsa is what is in force. The last good one stays while the text is bad.
useSettings.subscribe((s, prev) => {
  if (s.isa === prev.isa) return;
  useIsa.setState(resolveIsa(s.isa, useIsa.getState()));
});

/** Makes `text` the workspace's ISA (it goes in force at once when it parses). */
export function setIsaText(text: string): void {
  useSettings.getState().set({ isa: text });
}

/** The Isa in force. */
export function isaInForce(): Isa {
  return useIsa.getState().isa;
}

/** One line for the user about a text that is not in force, or null. */
export function pendingMessage(st: IsaState): string | null {
  if (!st.pending) return null;
  const e = st.pending.errors[0];
  const at = e?.line !== undefined ? ` (line ${e.line}${e.col !== undefined ? `, col ${e.col}` : ''})` : '';
  return `The ISA file has ${st.pending.errors.length} error${st.pending.errors.length > 1 ? 's' : ''}${at}: ${e?.message ?? ''}. The last good ISA, ${st.name}, stays in force.`;
}

/** The ISA file text the user has now (in force or not): what the ISA lab's editor shows. */
export function useIsaText(): string {
  return useSettings((s) => isaTextOf(s.isa));
}
