/**
 * The theorem lab's runs, as sessions of the worker (worker.ts exposes them through Comlink next to the
 * workbench's engine): a lesson check, the Recursion view's depth series and its monitor tower (an Engine
 * session, like the workbench's), the Equivalence view's lockstep (core/vmm/equiv.ts's Lockstep, the one the
 * CLI's `equiv --lockstep` runs) and the ISA lab's classification. Each runs in a worker so a long run never
 * freezes the page; the page ends a runaway one by terminating its worker (client.ts). DOM-free: tested in Node.
 */
import { assemble, type AsmResult } from '../core/asm/assembler';
import { classify } from '../core/classify/classify';
import { guestModeVerdict } from '../core/classify/assist';
import { counterexamples, type Counterexample } from '../core/classify/counterexample';
import type { Isa } from '../core/isa/isa';
import { parseIsaFile } from '../core/isa/isafile';
import { ConsoleDevices, Machine } from '../core/machine/machine';
import { Lockstep } from '../core/vmm/equiv';
import { MAX_DEPTH, VirtualStack, checkStack, runBare } from '../core/vmm/stack';
import { compareStates } from '../core/vmm/equiv';
import { TIME_MODES } from '../core/vmm/monitor';
import { lockstepEquivalence, stackProperties } from '../core/vmm/properties';
import { lessonById, type CheckResult } from '../lessons/lessons';
import { Engine } from './engine';
import type { Classified, DepthPoint, EqSnapshot, LabRun, RecSnapshot, SideState, TimeRow, VmKind } from './protocol';

/** A lesson check; an exception is turned into a failed check (the lesson's text says why). */
export function checkLesson(lessonId: string, source: string): CheckResult {
  const lesson = lessonById(lessonId);
  if (!lesson) return { passed: false, items: [{ ok: false, text: `No lesson ${lessonId}.` }], notes: [] };
  try {
    return lesson.check(source);
  } catch (e) {
    return { passed: false, items: [{ ok: false, text: `The check could not run: ${String((e as Error).message ?? e)}` }], notes: [] };
  }
}

function assembled(source: string, isaText: string): { isa: Isa; asm: AsmResult } {
  const parsed = parseIsaFile(isaText);
  if (!parsed.ok) throw new Error('The ISA file has errors (see the ISA lab).');
  const asm = assemble(source, parsed.isa);
  if (!asm.ok) throw new Error(`The program does not assemble: ${asm.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  return { isa: parsed.isa, asm };
}

/**
 * The Recursion plot: the image bare and under 1..maxDepth monitors. `perGuest` is the real work per guest
 * instruction (real-processor instructions + every dispatcher's traps + every interpreter's instructions, per
 * guest instruction; 1 bare), `amplification` the stack's trap amplification (VirtualStack.amplification, the
 * one definition, per guest trap).
 */
export function depthSeries(asm: AsmResult, isa: Isa, kind: VmKind, w: number, maxSteps: number, maxDepth = MAX_DEPTH, input = ''): DepthPoint[] {
  const out: DepthPoint[] = [];
  const bare = new Machine({ q: w, isa, dev: new ConsoleDevices(input) });
  bare.boot(asm.image);
  bare.run(maxSteps);
  out.push({ depth: 0, status: bare.status === 'halted' ? 'halted' : 'limit', guestSteps: bare.steps, realSteps: bare.steps, traps: [], interpreted: [], perGuest: 1, amplification: 1 });
  for (let d = 1; d <= maxDepth; d++) {
    const s = new VirtualStack({ isa, kind, depth: d, w, input });
    s.boot(asm.image);
    s.run(maxSteps);
    const lv = s.levels();
    const traps = lv.map((l) => l.stats.traps);
    const interpreted = lv.map((l) => l.stats.interpreted);
    const work = s.real.steps + traps.reduce((a, b) => a + b, 0) + interpreted.reduce((a, b) => a + b, 0);
    out.push({
      depth: d,
      status: s.status === 'halted' ? 'halted' : 'limit',
      guestSteps: s.guest.steps,
      realSteps: s.real.steps,
      traps,
      interpreted,
      perGuest: work / Math.max(1, s.guest.steps),
      amplification: s.amplification(),
    });
  }
  return out;
}

export function amplificationSeries(r: LabRun & { maxSteps: number; maxDepth: number }): DepthPoint[] {
  const { isa, asm } = assembled(r.source, r.isaText);
  return depthSeries(asm, isa, r.kind, r.w, r.maxSteps, r.maxDepth, r.input);
}

/**
 * Why virtual time matters for nesting (§11, Theorem 2's premise): the program bare, then under 1..maxDepth
 * monitors with each time mode. Each run is compared with the bare one (compareStates, as `pglab equiv`), and
 * the clock is read as the guest would read it when the run ended (IN r, 2 on its own bus): under virtual time
 * it counts the guest's instructions at every depth; under real time it is the real machine's, which also
 * counts every monitor's work beneath the guest, so it grows with depth and a program that reads it diverges.
 */
export function timeDepths(r: LabRun & { maxSteps: number; maxDepth: number }): { bare: TimeRow; rows: TimeRow[] } {
  const { isa, asm } = assembled(r.source, r.isaText);
  const native = runBare(asm.image, { isa, q: r.w, input: r.input, maxSteps: r.maxSteps });
  const bare: TimeRow = { time: 'virtual', depth: 0, status: native.status, guestSteps: native.steps, clock: native.steps, console: native.console, equivalent: true, diverges: null };
  const rows: TimeRow[] = [];
  for (const time of TIME_MODES) {
    for (let d = 1; d <= r.maxDepth; d++) {
      const problem = checkStack(r.w, d);
      if (problem) throw new Error(problem);
      const s = new VirtualStack({ isa, kind: r.kind, depth: d, w: r.w, input: r.input, time });
      s.boot(asm.image);
      s.run(r.maxSteps);
      const g = s.guest;
      const v = s.result();
      const dv = compareStates(native, v);
      rows.push({ time, depth: d, status: v.status, guestSteps: v.steps, clock: g.dev.read(2, g.cpu.steps), console: v.console, equivalent: dv === null, diverges: dv?.field ?? null });
    }
  }
  return { bare, rows };
}

/** The Recursion view's tower: an Engine session (the program bare at depth 0, else under `depth` monitors). */
export class TowerSession {
  private engine: Engine | null = null;

  open(r: LabRun): RecSnapshot {
    this.engine = null;
    // The same messages as the other lab runs for a bad ISA or program, and the stack's for a bad size.
    assembled(r.source, r.isaText);
    const problem = r.depth > 0 ? checkStack(r.w, r.depth) : null;
    if (problem) throw new Error(problem);
    const e = new Engine(() => Promise.resolve());
    const res = e.load({ source: r.source, isa: r.isaText, monitor: r.depth === 0 ? 'none' : r.kind, depth: r.depth, q: r.w, input: r.input, maxSteps: 0 });
    if (!res.ok) throw new Error(res.message);
    this.engine = e;
    return this.snapshot();
  }

  step(n: number): RecSnapshot {
    if (!this.engine) throw new Error('No program is loaded: press Reset.');
    this.engine.step(n);
    return this.snapshot();
  }

  // PSWs are copied: a direct caller (the tests) must not see later steps.
  private snapshot(): RecSnapshot {
    const e = this.engine!;
    const t = e.target!;
    const rows = t.levels().map((lv, i, all) => ({
      ...lv,
      psw: { ...lv.psw },
      label: all.length === 1 ? 'real machine (the program, bare)' : i === 0 ? 'real machine (monitor 1 runs here)' : i === all.length - 1 ? `VM ${i}: the program` : `VM ${i}: monitor ${i + 1} runs here`,
    }));
    const status = e.state === 'halted' ? 'halted' : t.steps === 0 ? 'ready' : 'limit';
    return { status, steps: t.steps, rows };
  }
}

/** Steps of the lockstep's trace the Equivalence view shows (the commuting diagram, step by step). */
const EQ_TRACE = 40;

/** The Equivalence view's lockstep: the core's Lockstep, with source lines for what the view marks. */
export class EquivSession {
  private ls: Lockstep | null = null;
  private asm: AsmResult | null = null;

  open(r: LabRun): EqSnapshot {
    this.ls = null;
    const { isa, asm } = assembled(r.source, r.isaText);
    this.asm = asm;
    this.ls = new Lockstep(asm.image, { isa, kind: r.kind, depth: r.depth, w: r.w, input: r.input, trace: EQ_TRACE });
    return this.snapshot();
  }

  step(n: number): EqSnapshot {
    if (!this.ls) throw new Error('No program is loaded: press Reset.');
    this.ls.step(n);
    return this.snapshot();
  }

  private line(addr: number | null): number | null {
    return addr === null ? null : (this.asm!.lineOfAddr.get(addr) ?? null);
  }

  private side(m: Machine | VirtualStack['guest']): SideState {
    return { status: m.status, steps: m.steps, psw: { ...m.psw }, regs: Array.from(m.regs), console: m.console, line: this.line(m.pc + m.l) };
  }

  private snapshot(): EqSnapshot {
    const ls = this.ls!;
    const d = ls.divergence;
    return {
      properties: stackProperties(ls.stack, lockstepEquivalence(ls)),
      trace: ls.trace.map((t) => ({ ...t, line: this.line(t.address) })),
      steps: ls.steps,
      done: ls.done,
      divergence: d && { ...d, nativeLine: this.line(d.nativeAddr), virtualLine: this.line(d.virtualAddr) },
      native: this.side(ls.bare),
      virtual: this.side(ls.stack.guest),
    };
  }
}

const classified = new Map<string, Classified>();

/** Classification of an ISA file's text and the counterexample programs, cached per text. */
export function classifyText(text: string): Classified {
  let c = classified.get(text);
  if (c) return c;
  const r = parseIsaFile(text);
  if (!r.ok) throw new Error(r.errors.map((x) => x.message).join('; '));
  const classification = classify(r.isa);
  let cx: Counterexample[] = [];
  try {
    cx = counterexamples(r.isa, classification, { isaSpec: r.isa.name });
  } catch {
    // The Equivalence view falls back to a program built from a witness.
  }
  c = { classification, counterexamples: cx, guestMode: guestModeVerdict(r.isa, classification) };
  if (classified.size > 32) classified.clear();
  classified.set(text, c);
  return c;
}
