/**
 * The lab's long runs off the page's thread: a lesson check (several runs of up to 100,000 instructions each,
 * some under three nested monitors), the Recursion view's amplification series (the program nine times, up to
 * 200,000 guest steps each), the Equivalence view's lockstep (a bare machine and a tower compared after every
 * step) and the Recursion view's monitor tower (Run steps it up to 200,000 guest instructions). On the page's thread each could freeze the editors for a second or more; here a runaway program only
 * keeps this worker busy, and the page can terminate it (runClient.ts). Same message style as classify.worker.ts.
 */
import { assemble } from '../../core/asm/assembler';
import { parseIsaFile } from '../../core/isa/isafile';
import type { AsmResult } from '../../core/asm/assembler';
import type { Isa } from '../../core/isa/isa';
import { ConsoleDevices, Machine, type PSW, type Status } from '../../core/machine/machine';
import { VirtualStack, checkStack } from '../../core/vmm/stack';
import { lessonById, type CheckResult } from '../../lessons/lessons';
import { Lockstep, depthSeries, type DepthPoint, type SideState, type StepDivergence } from './lockstep';

export type RunRequest =
  | { op: 'lesson'; lessonId: string; source: string }
  | { op: 'series'; source: string; isaText: string; kind: 'full' | 'hybrid'; w: number; maxSteps: number; maxDepth: number; input: string }
  | { op: 'eq-open'; source: string; isaText: string; kind: 'full' | 'hybrid'; depth: number; w: number; input: string }
  | { op: 'eq-step'; n: number }
  | { op: 'rec-open'; source: string; isaText: string; kind: 'full' | 'hybrid'; depth: number; w: number; input: string }
  | { op: 'rec-step'; n: number };

/** One level of the Recursion view's tower: its PSW and where its memory lies in real memory. */
export interface RecRow {
  label: string;
  psw: PSW;
  base: number;
  size: number;
}

/** What the Recursion view draws: the tower after a step, as plain data (rows[0] is the real machine). */
export interface RecSnapshot {
  status: Status;
  /** Guest (program) instructions executed so far. */
  steps: number;
  rows: RecRow[];
}

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

/** The Recursion view's tower: the program bare at depth 0, otherwise under `depth` nested monitors. */
interface Tower {
  bare: Machine | null;
  stack: VirtualStack | null;
}

function buildTower(asm: AsmResult, isa: Isa, kind: 'full' | 'hybrid', depth: number, w: number, input: string): Tower {
  if (depth === 0) {
    const m = new Machine({ q: w, isa, dev: new ConsoleDevices(input) });
    m.boot(asm.image);
    return { bare: m, stack: null };
  }
  const problem = checkStack(w, depth);
  if (problem) throw new Error(problem);
  const s = new VirtualStack({ isa, kind, depth, w, input });
  s.boot(asm.image);
  return { bare: null, stack: s };
}

// PSWs are copied: postMessage would clone them anyway, but a direct caller (the tests) must not see later steps.
function towerSnapshot(t: Tower): RecSnapshot {
  if (t.bare) {
    const m = t.bare;
    return { status: m.status, steps: m.steps, rows: [{ label: 'real machine (the program, bare)', psw: { ...m.psw }, base: 0, size: m.q }] };
  }
  const s = t.stack!;
  const rows: RecRow[] = [{ label: 'real machine (monitor 1 runs here)', psw: { ...s.real.psw }, base: 0, size: s.real.q }];
  for (const lv of s.levels()) {
    const last = lv.level === s.depth;
    rows.push({ label: last ? `VM ${lv.level}: the program` : `VM ${lv.level}: monitor ${lv.level + 1} runs here`, psw: { ...lv.psw }, base: lv.realBase, size: lv.size });
  }
  return { status: s.status, steps: s.guest.steps, rows };
}

// The Recursion view's tower lives here between its Step/Run clicks; rec-open replaces it.
let tower: Tower | null = null;

/** rec-open: assembles and boots a fresh tower (dropping the old one) and returns its first snapshot. */
export function recOpen(r: Extract<RunRequest, { op: 'rec-open' }>): RecSnapshot {
  tower = null;
  const { isa, asm } = assembled(r.source, r.isaText);
  tower = buildTower(asm, isa, r.kind, r.depth, r.w, r.input);
  return towerSnapshot(tower);
}

/** rec-step: runs the open tower for up to n guest steps. */
export function recStep(n: number): RecSnapshot {
  if (!tower) throw new Error('No program is loaded: press Reset.');
  if (tower.bare) tower.bare.run(n);
  else tower.stack!.run(n);
  return towerSnapshot(tower);
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
    case 'rec-open':
      return recOpen(r);
    case 'rec-step':
      return recStep(r.n);
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
