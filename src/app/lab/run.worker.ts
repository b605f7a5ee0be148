/**
 * The lab's long runs off the page's thread: a lesson check (several runs of up to 100,000 instructions each,
 * some under three nested monitors), the Recursion view's amplification series (the program nine times, up to
 * 200,000 guest steps each) and the Equivalence view's lockstep (a bare machine and a tower compared after every
 * step). On the page's thread each could freeze the editors for a second or more; here a runaway program only
 * keeps this worker busy, and the page can terminate it (runClient.ts). Same message style as classify.worker.ts.
 */
import { assemble } from '../../core/asm/assembler';
import { parseIsaFile } from '../../core/isa/isafile';
import { lessonById, type CheckResult } from './lessons/lessons';
import { Lockstep, depthSeries, type DepthPoint, type SideState, type StepDivergence } from './lockstep';

export type RunRequest =
  | { op: 'lesson'; lessonId: string; source: string }
  | { op: 'series'; source: string; isaText: string; kind: 'full' | 'hybrid'; w: number; maxSteps: number; maxDepth: number; input: string }
  | { op: 'eq-open'; source: string; isaText: string; kind: 'full' | 'hybrid'; depth: number; w: number; input: string }
  | { op: 'eq-step'; n: number };

/** What the Equivalence view draws: the lockstep's state after a step, as plain data. */
export interface EqSnapshot {
  steps: number;
  done: boolean;
  divergence: StepDivergence | null;
  native: SideState;
  virtual: SideState;
}

export type RunReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/** A lesson check; an exception is turned into a failed check, as the page did before (the lesson's text says why). */
export function checkLesson(lessonId: string, source: string): CheckResult {
  const lesson = lessonById(lessonId);
  if (!lesson) return { passed: false, items: [{ ok: false, text: `No lesson ${lessonId}.` }], notes: [] };
  try {
    return lesson.check(source);
  } catch (e) {
    return { passed: false, items: [{ ok: false, text: `The check could not run: ${String((e as Error).message ?? e)}` }], notes: [] };
  }
}

function assembled(source: string, isaText: string) {
  const parsed = parseIsaFile(isaText);
  if (!parsed.ok) throw new Error('The ISA file has errors (see the ISA lab).');
  const asm = assemble(source, parsed.isa);
  if (!asm.ok) throw new Error(`The program does not assemble: ${asm.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  return { isa: parsed.isa, asm };
}

export function amplificationSeries(r: Extract<RunRequest, { op: 'series' }>): DepthPoint[] {
  const { isa, asm } = assembled(r.source, r.isaText);
  return depthSeries(asm, isa, r.kind, r.w, r.maxSteps, r.maxDepth, r.input);
}

function snapshot(l: Lockstep): EqSnapshot {
  return { steps: l.steps, done: l.done, divergence: l.divergence, native: l.side('native'), virtual: l.side('virtual') };
}

// The Equivalence view's lockstep lives here between its Step/Run clicks; eq-open replaces it.
let lockstep: Lockstep | null = null;

function handle(r: RunRequest): unknown {
  switch (r.op) {
    case 'lesson':
      return checkLesson(r.lessonId, r.source);
    case 'series':
      return amplificationSeries(r);
    case 'eq-open': {
      lockstep = null;
      const { isa, asm } = assembled(r.source, r.isaText);
      lockstep = new Lockstep(asm, { isa, kind: r.kind, depth: r.depth, w: r.w, input: r.input });
      return snapshot(lockstep);
    }
    case 'eq-step':
      if (!lockstep) throw new Error('No program is loaded: press Reset.');
      lockstep.step(r.n);
      return snapshot(lockstep);
  }
}

// Only when running as a worker: vitest imports this file to test checkLesson and amplificationSeries.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  self.onmessage = (e: MessageEvent<{ id: number; req: RunRequest }>) => {
    const { id, req } = e.data;
    let reply: RunReply;
    try {
      reply = { id, ok: true, value: handle(req) };
    } catch (err) {
      reply = { id, ok: false, message: String((err as Error).message ?? err) };
    }
    (self as unknown as Worker).postMessage(reply);
  };
}
