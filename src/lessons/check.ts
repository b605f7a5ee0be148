/**
 * What every lesson's check is made of (lessons.ts, beyond.ts): the result it returns, and the guard that turns
 * a program that does not assemble or loops on the bare machine into an explained failure. DOM-free.
 */
import type { PresetName } from '../core/isa/isa';
import type { EquivResult } from '../core/vmm/equiv';
import { AsmFailure, LESSON_Q, describeDivergence, traceBare, type BareTrace } from './run';

export interface CheckItem {
  ok: boolean;
  text: string;
}

export interface CheckResult {
  passed: boolean;
  items: CheckItem[];
  /** Facts worth seeing that are not conditions (monitor statistics, amplification). */
  notes: string[];
  /** Set when the program could not be judged at all: it does not assemble, or it loops. */
  stopped?: 'asm' | 'loop';
}

export interface Lesson {
  id: string;
  title: string;
  /** The ISA the editor assembles against. */
  isa: PresetName;
  /** What the answer is: a program (default) or an ISA file (JSON; lesson 10). */
  answer?: 'asm' | 'isa';
  /** A chart shown with the lesson: `costs`, the three ways beyond 1974 compared on one guest (lessons 8–10). */
  chart?: 'costs';
  /** Paragraphs; `code` in backticks. */
  text: string[];
  task: string;
  hints: string[];
  starter: string;
  check(source: string): CheckResult;
}

export const n = (x: number): string => x.toLocaleString('en');
export const instrs = (x: number): string => `${n(x)} instruction${x === 1 ? '' : 's'}`;

function loopResult(t: BareTrace, where: string): CheckResult {
  return {
    passed: false,
    stopped: 'loop',
    items: [
      {
        ok: false,
        text:
          `Stopped ${where} after ${n(t.steps)} instructions without reaching HALT in supervisor mode: the program loops. ` +
          `P was ${t.psw.pc} in ${t.psw.mode === 0 ? 'supervisor' : 'user'} mode. Common causes: a jump back to itself, ` +
          'a HALT in user mode whose trap leads back to it, or a handler that reloads the old PSW and so re-executes the trapping instruction.',
      },
    ],
    notes: [],
  };
}

/** Runs a check body, turning assembler errors and loops into explained failures. */
export function guarded(source: string, isa: PresetName, body: (t: BareTrace) => CheckResult): CheckResult {
  let t: BareTrace;
  try {
    t = traceBare(source, isa);
  } catch (e) {
    if (e instanceof AsmFailure) {
      return {
        passed: false,
        stopped: 'asm',
        items: e.asm.errors.slice(0, 8).map((er) => ({ ok: false, text: `Line ${er.line}, column ${er.col}: ${er.message}` })),
        notes: [],
      };
    }
    throw e;
  }
  if (t.status !== 'halted') return loopResult(t, `on the bare ${isa} machine`);
  return body(t);
}

/** The register was last written by a load from physical E[addr] (the value the hardware stored, read back). */
export function loadedFrom(t: BareTrace, r: number, addr: number, what: string): CheckItem {
  const w = t.lastWrite[r];
  const ok = !!w && w.mnemonic === 'LD' && w.phys === addr;
  return {
    ok,
    text: ok
      ? `r${r} was read from physical E[${addr}] (${what}) by the handler.`
      : `r${r} was last set by ${w ? `${w.mnemonic}${w.phys !== null ? ` from physical ${w.phys}` : ''}` : 'nothing'}, not read from E[${addr}]: the handler should load ${what} that the trap stored there.`,
  };
}

export function result(items: CheckItem[], notes: string[] = []): CheckResult {
  return { passed: items.every((i) => i.ok), items, notes };
}

/**
 * A condition on one equivalence check: `want` is whether the program should run equivalently. The text says what
 * was found: `ifEquivalent`, or where it diverged, after `label: diverges — ` or in a sentence of its own.
 */
export function equivItem(e: EquivResult, want: boolean, ifEquivalent: string, ifDiverges: string | ((why: string) => string)): CheckItem {
  const diverged = (why: string) => (typeof ifDiverges === 'string' ? `${ifDiverges}: diverges — ${why}.` : ifDiverges(why));
  return { ok: e.equivalent === want, text: e.equivalent ? ifEquivalent : diverged(describeDivergence(e)) };
}

const TRAP_FRAME = `        .org 8
        .word 0, handler, 0, ${LESSON_Q}   ; new PSW E[8..11]: M = s, P = handler, R = (0, q)
        .org 16`;

/** A lesson's starter: its title, the trap frame, then a `start` and a `handler` that HALT, with what to do there. */
export function starter(title: string, startTodo = '', handlerTodo = ''): string {
  const todo = (what: string) => (what ? `TODO: ${what}` : 'TODO');
  return `; ${title}
${TRAP_FRAME}
start:  ; ${todo(startTodo)}
        HALT
handler:
${handlerTodo ? `        ; ${todo(handlerTodo)}\n` : ''}        HALT
`;
}

