/**
 * Natural loops of a compiled region as real JavaScript loops (blocks.ts). A region is a list of straight runs in
 * address order; its generic form is a `switch` on P over the runs' entries, so every jump (a loop's back edge
 * included) goes round the switch, and the engine sees one big loop whose P is unknown at each turn. Here a run
 * that some later run (or itself) jumps back to heads a loop, from it to the last run jumping back; loops that
 * nest are kept (of two that overlap without nesting, the one with the later head is left to the switch). A loop
 * is written as `Lh: for (;;) { ... }` over its runs in order, nested loops inline, with
 * - a jump back to the head of an enclosing loop: `continue Lh`;
 * - a jump forward to a run at the same loop level: `break Bt` out of a labelled block `Bt: { ... }` opened at
 *   the loop's start and closed just before run t (blocks opened there in descending t, so they nest);
 * - a jump to the run right after an enclosing loop: `break Lh`;
 * - any other jump (into a loop from outside, out of the region, computed): null, for the caller to leave
 *   through the switch.
 * The structure only changes how control moves between runs; what each run does (its step check, its traps, its
 * exits) is the caller's code, the same as in the switch.
 */

interface Scope {
  head: number;
  end: number;
  blocks: Set<number>;
}

/**
 * For each run, the last run of the natural loop it heads, or -1. targets[s]: the runs that run s jumps to with a
 * constant target; heads[t]: whether run t may head a loop (not an exit point).
 */
export function loopEnds(targets: readonly (readonly number[])[], heads: readonly boolean[]): Int32Array {
  const end = new Int32Array(targets.length).fill(-1);
  targets.forEach((ts, s) => {
    for (const t of ts) if (t <= s && heads[t]) end[t] = Math.max(end[t], s);
  });
  const kept: number[] = [];
  for (let h = 0; h < end.length; h++) {
    if (end[h] < 0) continue;
    // Kept loops start before h: one that ends inside [h, end[h]) overlaps this one without nesting.
    if (kept.some((k) => h <= end[k] && end[k] < end[h])) end[h] = -1;
    else kept.push(h);
  }
  return end;
}

/** Where run s's jump to run t goes inside the loops enclosing s (innermost first), or null. */
function jump(scopes: readonly Scope[], s: number, t: number): string | null {
  for (const sc of scopes) {
    if (t === sc.head) return `continue L${t};`;
    if (t > s && sc.blocks.has(t)) return `break B${t};`;
    if (t === sc.end + 1) return `break L${sc.head};`;
  }
  return null;
}

/**
 * The loop headed by run h (end[h] >= 0) as a JavaScript statement. code(r, to) gives run r's code, with to(t)
 * the statement that goes to run t (null: not structured). Control falling off the loop's last run leaves the
 * statement (to the run after it).
 */
export function loopCode(
  h: number, end: Int32Array, targets: readonly (readonly number[])[], code: (r: number, to: (t: number) => string | null) => string,
): string {
  // Kept loops nest, so the innermost loop holding t (after its head) is the one with the latest head.
  const innermost = (t: number): number => {
    for (let k = t - 1; k >= 0; k--) if (end[k] >= t) return k;
    return -1;
  };
  const emit = (head: number, outer: readonly Scope[]): string => {
    const last = end[head];
    const blocks = new Set<number>();
    for (let s = head; s <= last; s++) for (const t of targets[s]) if (t > s && t <= last && innermost(t) === head) blocks.add(t);
    const scopes = [{ head, end: last, blocks }, ...outer];
    let src = `L${head}: for (;;) {\n${[...blocks].sort((a, b) => b - a).map((t) => `B${t}: {`).join(' ')}\n`;
    for (let r = head; r <= last; ) {
      if (blocks.has(r)) src += '}\n';
      if (r !== head && end[r] >= 0) {
        src += emit(r, scopes);
        r = end[r] + 1;
        continue;
      }
      src += `${code(r, (t) => jump(scopes, r, t))}\n`;
      r++;
    }
    return `${src}break L${head};\n}\n`;
  };
  return emit(h, []);
}
