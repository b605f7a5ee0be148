/**
 * The workbench's trap log: a ring of numbers, not of objects. A trap-heavy run records hundreds of thousands of
 * traps; as objects with strings they were most of the worker's garbage (and 60 MB outside any budget). Here a
 * trap is one row of a fixed-size typed ring (steps in a Float64Array, everything else in an Int32Array of
 * ROW_INTS per row), and its text (the instruction, the path it took) is made only for the rows someone asks for:
 * the rows on screen, the trap flow's latest, an export.
 *
 * Rows are numbered by sequence: `first` ≤ seq < `total` are held (the newest `capacity`). Travelling back
 * truncates to a checkpoint's total; replay then writes the same rows again.
 */
import type { PSW } from '../core/machine/machine';
import type { HandledHow, TrapEvent } from './protocol';

/** Int fields of a row, at these offsets. E0..E11: a trap frame (old PSW, cause, detail, 6, 7, new PSW). */
export const F = {
  level: 0,
  /** Index into HANDLED. */
  handled: 1,
  /** What the target stored to name the instruction: an interned string (≥ 0) or a target's own code (< 0). */
  what: 2,
  /** An interned label for the kind of row ('' = a plain trap); another kind (e.g. a hypercall) names itself. */
  kind: 3,
  E: 4,
  /** Three ints a target keeps for its own text (the instruction word, levels, ...). */
  aux: 16,
} as const;
export const ROW_INTS = 20;
/** Bytes per row: the ints and the step. */
export const ROW_BYTES = ROW_INTS * 4 + 8;

/** How a trap was handled; 'halt' (a monitor's HALT interpreted as the VM halting) shows as interpreted. */
export const HANDLED = ['kernel', 'reflected', 'interpreted', 'halt'] as const;
export type HandledCode = 0 | 1 | 2 | 3;

/** A row as numbers, handed to a target's describer to become a TrapEvent (only for rows requested). */
export interface RawTrap {
  seq: number;
  step: number;
  level: number;
  handled: HandledCode;
  what: number;
  kind: number;
  /** E[0..11] of the row (a view into the ring; copy what you keep). */
  E: Int32Array;
  aux: Int32Array;
}

export type Describe = (r: RawTrap, log: TrapLog) => TrapEvent;

export class TrapLog {
  readonly steps: Float64Array;
  readonly ints: Int32Array;
  private head = 0;
  private start = 0;
  private strings: string[] = [''];
  private ids = new Map<string, number>([['', 0]]);
  /** Rare per-row extras (a PG/1 dispatcher's traced path), by seq; dropped with their row. */
  private extras = new Map<number, unknown>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`trap log capacity must be a positive integer, not ${capacity}`);
    this.steps = new Float64Array(capacity);
    this.ints = new Int32Array(capacity * ROW_INTS);
  }

  /** Rows ever written (in this history): the next row's seq. */
  get total(): number {
    return this.head;
  }
  /** The oldest row still held. */
  get first(): number {
    return this.start;
  }
  get size(): number {
    return this.head - this.start;
  }
  get bytes(): number {
    return this.capacity * ROW_BYTES;
  }

  clear(): void {
    this.head = 0;
    this.start = 0;
    this.extras.clear();
  }

  /** Forgets rows from seq n on (a travel back to a checkpoint taken when n rows had been written). */
  truncate(n: number): void {
    if (n >= this.head) return;
    this.head = Math.max(0, n);
    if (this.start > this.head) this.start = this.head;
    if (this.extras.size) for (const k of this.extras.keys()) if (k >= this.head) this.extras.delete(k);
  }

  /** A string's id (the same text, the same id): names of instructions and kinds are few. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
  str(id: number): string {
    return this.strings[id] ?? '';
  }

  /** Starts a row: returns its offset in `ints` (fields at F.*), all zero. */
  private begin(step: number): number {
    const seq = this.head++;
    if (this.head - this.start > this.capacity) {
      if (this.extras.size) this.extras.delete(this.start);
      this.start++;
    }
    const slot = seq % this.capacity;
    this.steps[slot] = step;
    const o = slot * ROW_INTS;
    this.ints.fill(0, o, o + ROW_INTS);
    return o;
  }

  /** A trap as the hardware stored it: E[0..11] of a trap frame (cause E[4], detail E[5]). */
  pushFrame(step: number, level: number, handled: HandledCode, what: number, E: ArrayLike<number>, aux0 = 0, aux1 = 0, aux2 = 0): number {
    const o = this.begin(step);
    const a = this.ints;
    a[o + F.level] = level;
    a[o + F.handled] = handled;
    a[o + F.what] = what;
    for (let i = 0; i < 12; i++) a[o + F.E + i] = E[i];
    a[o + F.aux] = aux0;
    a[o + F.aux + 1] = aux1;
    a[o + F.aux + 2] = aux2;
    return this.head - 1;
  }

  /** A trap as a monitor saw it: the VM's PSW before and after, cause and detail. */
  pushPsw(step: number, level: number, handled: HandledCode, what: number, cause: number, detail: number, old: PSW, nw: PSW): number {
    const o = this.begin(step);
    const a = this.ints;
    a[o + F.level] = level;
    a[o + F.handled] = handled;
    a[o + F.what] = what;
    const e = o + F.E;
    a[e] = old.mode;
    a[e + 1] = old.pc;
    a[e + 2] = old.l;
    a[e + 3] = old.b;
    a[e + 4] = cause;
    a[e + 5] = detail;
    a[e + 8] = nw.mode;
    a[e + 9] = nw.pc;
    a[e + 10] = nw.l;
    a[e + 11] = nw.b;
    return this.head - 1;
  }

  /** Labels row seq with a kind other than a plain trap (e.g. 'hypercall'). */
  setKind(seq: number, kind: string): void {
    if (seq >= this.start && seq < this.head) this.ints[(seq % this.capacity) * ROW_INTS + F.kind] = this.intern(kind);
  }

  attach(seq: number, extra: unknown): void {
    if (seq >= this.start && seq < this.head) this.extras.set(seq, extra);
  }
  extra(seq: number): unknown {
    return this.extras.get(seq);
  }

  stepAt(seq: number): number {
    return this.steps[seq % this.capacity];
  }
  int(seq: number, field: number): number {
    return this.ints[(seq % this.capacity) * ROW_INTS + field];
  }

  /** The row as numbers (views into the ring: valid until the next push). */
  raw(seq: number): RawTrap {
    const slot = seq % this.capacity;
    const o = slot * ROW_INTS;
    const a = this.ints;
    return {
      seq,
      step: this.steps[slot],
      level: a[o + F.level],
      handled: a[o + F.handled] as HandledCode,
      what: a[o + F.what],
      kind: a[o + F.kind],
      E: a.subarray(o + F.E, o + F.E + 12),
      aux: a.subarray(o + F.aux, o + F.aux + 3),
    };
  }

  /** Rows [from, from + count) clipped to those held, as TrapEvents (text made now, for these rows only). */
  rows(from: number, count: number, describe: Describe): TrapEvent[] {
    const lo = Math.max(this.start, Math.floor(from));
    const hi = Math.min(this.head, Math.floor(from) + Math.max(0, Math.floor(count)));
    const out: TrapEvent[] = [];
    for (let s = lo; s < hi; s++) out.push(this.row(s, describe));
    return out;
  }

  row(seq: number, describe: Describe): TrapEvent {
    const r = describe(this.raw(seq), this);
    r.seq = seq;
    if (r.kind === undefined && this.int(seq, F.kind) !== 0) r.kind = this.str(this.int(seq, F.kind));
    return r;
  }

  /** The newest row with step < `step` (steps never decrease along the log), or -1. */
  lastBefore(step: number): number {
    let lo = this.start;
    let hi = this.head - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.stepAt(mid) < step) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  /** The oldest row from seq `from` on with step > `step`, or -1. */
  firstAfter(from: number, step: number): number {
    let lo = Math.max(this.start, from);
    let hi = this.head - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.stepAt(mid) > step) {
        best = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return best;
  }

  /** How the last `n` rows were handled, by name (the trap flow's summary while running). */
  recentHandled(n: number): Partial<Record<HandledHow, number>> {
    const out: Partial<Record<HandledHow, number>> = {};
    for (let s = Math.max(this.start, this.head - n); s < this.head; s++) {
      const h = handledName(this.int(s, F.handled) as HandledCode);
      out[h] = (out[h] ?? 0) + 1;
    }
    return out;
  }
}

export function handledName(h: HandledCode): HandledHow {
  return h === 3 ? 'interpreted' : HANDLED[h];
}

/** The old and new PSW of a row's frame E[0..3], E[8..11]. */
export function framePsws(E: ArrayLike<number>): { old: PSW; new: PSW } {
  return { old: { mode: E[0], pc: E[1], l: E[2], b: E[3] }, new: { mode: E[8] === 0 ? 0 : 1, pc: E[9], l: E[10], b: E[11] } };
}

/** A trap as the export writes it (CSV/JSON: one flat record per trap). */
export function exportRecord(e: TrapEvent): { step: number; level: number; cause: number; detail: number; what: string; handled: string; path: string } {
  return { step: e.step, level: e.level, cause: e.cause, detail: e.detail, what: e.what, handled: e.handled, path: e.path.join(' > ') };
}
