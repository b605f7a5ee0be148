/**
 * The theorem lab's slice of the page state: the open view and lesson progress (what a shared link
 * replaces is kept by ../loader.ts, like every other load). Persisted apart from the workbench's settings; the program, the
 * ISA (one ISA file text for every view, see ../isa.ts), monitor, depth, memory size and input stay in the
 * workbench store.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { SHARE_VERSION, type LabView, type Workspace } from './share';
import { useSettings } from '../store';
import { useIsa } from '../isa';

export interface LessonState {
  solved: boolean;
  /** The answer in the editor; null until the student edits it (the starter is shown). */
  source: string | null;
  /** Index of the last hint shown (-1: none). */
  hints: number;
}

export interface LabState {
  view: LabView;
  lesson: string;
  lessons: Record<string, LessonState>;
  /** A refused link's message, or a note about an applied one (not persisted). */
  linkNotice: { kind: 'error' | 'info'; text: string } | null;
  set(p: Partial<LabState>): void;
  setLesson(id: string, p: Partial<LessonState>): void;
}

export const useLab = create<LabState>()(
  persist(
    (set, get) => ({
      view: 'workbench',
      lesson: 'machine',
      lessons: {},
      linkNotice: null,
      set: (p) => set(p),
      setLesson: (id, p) => {
        const cur = get().lessons[id] ?? { solved: false, source: null, hints: -1 };
        set({ lessons: { ...get().lessons, [id]: { ...cur, ...p } } });
      },
    }),
    {
      name: 'pglab.lab.v1',
      partialize: (s) => ({ view: s.view, lesson: s.lesson, lessons: s.lessons }),
    },
  ),
);

/** The workspace as it is now, from both stores. */
export function currentWorkspace(): Workspace {
  const s = useSettings.getState();
  const l = useLab.getState();
  return {
    v: SHARE_VERSION,
    program: s.source,
    // The ISA in force: while the lab's file has errors, a link carries the last good one.
    isaFile: useIsa.getState().text,
    // Links carry the built-in monitors only: a PG/1 monitor travels as the built-in one of the same construction.
    monitor: s.monitor === 'full.s' || s.monitor === 'file' ? 'full' : s.monitor === 'hybrid.s' ? 'hybrid' : s.monitor,
    depth: s.depth,
    w: s.q,
    input: s.input,
    view: l.view,
    ...(s.monitor === 'full' && s.hypercalls === true ? { hypercalls: true } : {}),
  };
}

/** Puts a workspace into both stores (the caller has already decided it is valid). */
export function applyWorkspace(ws: Workspace): void {
  useSettings.getState().set({ source: ws.program, isa: ws.isaFile, monitor: ws.monitor, depth: ws.depth, q: ws.w, input: ws.input, hypercalls: ws.hypercalls === true });
  useLab.getState().set({ view: ws.view });
}
