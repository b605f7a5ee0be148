/**
 * The one way the app replaces what the user has: loading an example, a counterexample, a shared link, a preset,
 * an ISA file, a lesson's starter. Each goes through `replaceWorkspace`, which keeps what was there before (the
 * program, the ISA text, the machine settings, the lessons' answers) on a short undo list persisted with the
 * page, so nothing a user wrote is ever lost; the undo toast offers it back. Undo itself goes through here too:
 * what it replaces is kept in turn, so an Undo can be undone.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { useLab, type LessonState } from './lab/store';
import { load } from './session';
import { useSettings, type Settings } from './store';

/** The parts of the workbench settings that are the user's work (the rest is layout). */
const CONTENT = ['source', 'example', 'isa', 'monitor', 'depth', 'q', 'input', 'breakLines'] as const;
type Content = Pick<Settings, (typeof CONTENT)[number]>;

export interface Saved {
  content: Content;
  lessons: Record<string, LessonState>;
}

export interface Replaced {
  /** What replaced it, for the toast: "Loaded example kernel.s". */
  label: string;
  saved: Saved;
  /** True when this entry was made by an Undo (the toast then says Redo). */
  undo: boolean;
  id: number;
}

/** Enough to walk back over a few clicks; each entry is a few kilobytes of text. */
const KEEP = 20;

interface UndoState {
  stack: Replaced[];
  /** The entry the toast shows, until dismissed. */
  shown: number | null;
  seq: number;
}

export const useUndo = create<UndoState>()(
  persist((): UndoState => ({ stack: [], shown: null, seq: 0 }), {
    name: 'pglab.undo.v1',
    partialize: (s) => ({ stack: s.stack, seq: s.seq }),
  }),
);

export function snapshot(): Saved {
  const s = useSettings.getState();
  const content = Object.fromEntries(CONTENT.map((k) => [k, s[k]])) as unknown as Content;
  return { content, lessons: useLab.getState().lessons };
}

function same(a: Saved, b: Saved): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function restore(saved: Saved): void {
  useSettings.getState().set({ ...saved.content });
  useLab.getState().set({ lessons: saved.lessons });
}

function remember(label: string, saved: Saved, undo: boolean): void {
  const u = useUndo.getState();
  const id = u.seq + 1;
  useUndo.setState({ stack: [...u.stack, { label, saved, undo, id }].slice(-KEEP), shown: id, seq: id });
}

/**
 * Replaces the workspace: `apply` changes the stores (through their own setters); what was there before is kept
 * for Undo when anything changed. The workbench's machine is rebooted on the new content unless `reboot` is false
 * (a lesson's answer is not the machine's program).
 */
export function replaceWorkspace(label: string, apply: () => void, opts: { reboot?: boolean } = {}): void {
  const before = snapshot();
  apply();
  if (same(before, snapshot())) return;
  remember(label, before, false);
  if (opts.reboot !== false) void load();
}

/** Puts back what the entry `id` (default: the newest) replaced; what that replaces is kept in turn. */
export function undoReplace(id?: number): void {
  const u = useUndo.getState();
  const entry = id === undefined ? u.stack.at(-1) : u.stack.find((e) => e.id === id);
  if (!entry) return;
  const now = snapshot();
  useUndo.setState({ stack: u.stack.filter((e) => e !== entry) });
  restore(entry.saved);
  remember(entry.undo ? entry.label.replace(/^Undid: /, '') : `Undid: ${entry.label}`, now, !entry.undo);
  void load();
}

export function dismissUndo(): void {
  useUndo.setState({ shown: null });
}
