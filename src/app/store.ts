import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { SessionConfig } from '../worker/protocol';
import { isMonitorChoice } from '../core/vmm/kinds';
import { defaultExample, exampleHeader, examples, exampleIsa } from './examples';
import { isPresetName } from '../core/isa/isa';
import { presetText, readDoc } from './lab/isadoc';

/**
 * What survives a reload: the program and the machine settings the worker runs it with, and the layout.
 * `isa` is the workspace's one ISA, as ISA file text (isa.ts says which text is in force).
 */
export interface Settings extends SessionConfig {
  example: string;
  /** Breakpoints as source lines (1-based). */
  breakLines: number[];
  memSpace: 'virtual' | 'physical' | 'real';
  /** With memSpace 'real' under a PG/1 tower: 0 the real machine, k monitor k's physical memory (its view). */
  memLevel: number;
  memFollow: boolean;
  theme: 'auto' | 'dark' | 'light';
  editorWidth: number;
  collapsed: Record<string, boolean>;
  fontSize: number;
}

export interface SettingsStore extends Settings {
  set(p: Partial<Settings>): void;
  loadExample(name: string): void;
  toggleBreak(line: number): void;
  toggleCollapsed(id: string): void;
}

const first = defaultExample();

/** An example's `; isa:` header names a preset; the workspace holds the preset's text. */
function exampleIsaText(src: string): string | null {
  const name = exampleIsa(src);
  return name && isPresetName(name) ? presetText(name) : null;
}

/**
 * Version 0 kept a preset name here and the lab's ISA file apart (`pglab.lab.v1`'s isaText): the lab's text wins
 * when it was based on that preset (the lab kept the two on the same base), otherwise the preset's text.
 */
export function migrateIsa(isa: unknown, labText: string | null): string {
  if (typeof isa !== 'string' || !isPresetName(isa)) return typeof isa === 'string' ? isa : presetText('pg1');
  if (labText !== null) {
    const doc = readDoc(labText);
    if (typeof doc !== 'string' && doc.base === isa) return labText;
  }
  return presetText(isa);
}

function savedLabText(): string | null {
  try {
    const raw = globalThis.localStorage?.getItem('pglab.lab.v1');
    const t = raw ? (JSON.parse(raw) as { state?: { isaText?: unknown } }).state?.isaText : null;
    return typeof t === 'string' ? t : null;
  } catch {
    return null;
  }
}

export const useSettings = create<SettingsStore>()(
  persist(
    (set, get) => ({
      source: first ? examples[first] : '',
      example: first ?? '',
      isa: (first ? exampleIsaText(examples[first]) : null) ?? presetText('pg1'),
      monitor: 'none',
      depth: 0,
      q: 65536,
      input: '',
      maxSteps: 0,
      hypercalls: false,
      breakLines: [],
      memSpace: 'virtual',
      memLevel: 0,
      memFollow: true,
      theme: 'auto',
      editorWidth: 38,
      collapsed: {},
      fontSize: 14,
      set: (p) => set(p),
      loadExample: (name) => {
        const src = examples[name];
        if (src === undefined) return;
        // An example may say what it is for: `; isa: x86`, `; vmm: hybrid`, `; depth: 2`.
        const vmm = exampleHeader(src, 'vmm');
        const depth = Number(exampleHeader(src, 'depth') ?? NaN);
        const monitor = isMonitorChoice(vmm) ? vmm : null;
        set({
          example: name,
          source: src,
          isa: exampleIsaText(src) ?? get().isa,
          breakLines: [],
          ...(monitor ? { monitor, depth: monitor === 'none' ? 0 : Number.isInteger(depth) ? depth : Math.max(1, get().depth) } : {}),
        });
      },
      toggleBreak: (line) => {
        const s = new Set(get().breakLines);
        if (s.has(line)) s.delete(line);
        else s.add(line);
        set({ breakLines: [...s].sort((a, b) => a - b) });
      },
      toggleCollapsed: (id) => set({ collapsed: { ...get().collapsed, [id]: !get().collapsed[id] } }),
    }),
    {
      name: 'pglab.workbench.v1',
      version: 1,
      migrate: (persisted, version) => {
        const p = (persisted ?? {}) as Partial<Settings>;
        if (version < 1) p.isa = migrateIsa(p.isa, savedLabText());
        return p as SettingsStore;
      },
      partialize: (s) => {
        const { set: _s, loadExample: _l, toggleBreak: _t, toggleCollapsed: _c, ...rest } = s;
        return rest;
      },
    },
  ),
);
