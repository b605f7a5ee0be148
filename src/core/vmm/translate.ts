/**
 * Binary translation (`--vmm bt`, beyond 1974: VMware 1999; Adams & Agesen 2006). While a VM is in virtual
 * supervisor mode the bt monitor does not run its code on the real processor (that would need Theorem 1's
 * condition) nor interpret it instruction by instruction (the hybrid monitor): it translates it, a basic block at
 * a time, into JavaScript functions kept in a translation cache, and runs those.
 *
 * The translator is the block compiler of the machine (machine/blocks.ts), built from the same table snippets as
 * the interpreter, so translated code cannot drift from the ISA:
 * - innocuous instructions are copied (their snippet with the fields as constants);
 * - memory instructions get explicit guest relocation and bounds checks: the function runs on the monitor's view
 *   of the whole VM (its wider window) and checks each address against the VM's virtual R, passed in (l, lo, span);
 * - a block ends at a branch; its target is looked up in the cache and the two blocks are chained (the exit keeps
 *   a pointer to its successor, so a hot path runs block to block without a lookup); a block that branches to
 *   its own start loops inside its function;
 * - a sensitive instruction (privileged or not: every instruction with a variant, and every ISA-file one) is
 *   never translated: the translated code ends before it and calls into the monitor, which interprets it on the
 *   VM's virtual processor exactly as the bare machine would run it.
 * Guest user code runs directly, as under the full monitor, when the ISA lets it: when every instruction with a
 * user-mode choice traps in user mode. Otherwise (x86, lra, pdp10: an instruction runs unprivileged in user mode
 * and may be user sensitive, Theorem 3's concern) user code is translated too, so that such an instruction is
 * also a call into the monitor: a user-mode GETR on x86 reads the virtual R, not the real one.
 * Guest stores into translated code invalidate it: a block that stores into its own words ends there, and every
 * block checks its words when entered (direct-run user code and other blocks can write them too); a block whose
 * words changed is dropped and translated again. Guest user code never comes here: it runs directly.
 */
import { isUser } from '../isa/isa';
import { compileBlock, type Block } from '../machine/blocks';
import { Machine, Stop, type StopReason } from '../machine/machine';

interface Entry {
  pa: number;
  blk: Block;
  /** The block last entered after this one (chaining). */
  succ: Entry | null;
  dead: boolean;
}

export class Translator {
  private readonly cache = new Map<number, Entry>();
  private readonly x = new Int32Array(6);
  /** 1 for every opcode with a variant (the sensitive group) and every ISA-file instruction. */
  private readonly sensitive = new Uint8Array(256);
  /** Steps of the last run, and how many of them the monitor interpreted (calls into the monitor). */
  lastSteps = 0;
  lastInterpreted = 0;
  /** Blocks translated, and blocks dropped because their words changed, since boot. */
  blocks = 0;
  invalidated = 0;

  constructor(private readonly cpu: Machine) {
    for (const d of cpu.isa.instructions) if (d.variants !== undefined || isUser(d)) this.sensitive[d.op] = 1;
  }

  reset(): void {
    this.cache.clear();
    this.blocks = 0;
    this.invalidated = 0;
  }

  /**
   * Physical addresses whose word is translated now: compiled into a live block of the cache and unchanged since
   * (a word written over is still cached until its block is next entered, but no longer translated code).
   */
  translatedWords(): Set<number> {
    const out = new Set<number>();
    const mem = this.cpu.mem;
    for (const e of this.cache.values()) {
      const { pa, len, compiled, words } = e.blk;
      if (e.dead) continue;
      for (let i = 0; i < len; i++) if (compiled[i] === 1 && mem[pa + i] === words[i]) out.add(pa + i);
    }
    return out;
  }

  private translate(pa: number, pc: number, vend: number): Entry | null {
    // Sensitive words are exit points of the region: never translated, each one a call into the monitor.
    const mem = this.cpu.mem;
    const blk = compileBlock(this.cpu.isa, mem, pa, pc, this.cpu.mode, vend, (a) => this.sensitive[mem[a] >>> 24] === 1);
    if (!blk) return null;
    const e: Entry = { pa, blk, succ: null, dead: false };
    const old = this.cache.get(pa);
    if (old) old.dead = true;
    this.cache.set(pa, e);
    this.blocks++;
    return e;
  }

  /**
   * Runs the VM's code as translated code for at most `budget` guest steps, as `cpu.run(budget, flags)` would
   * (same end state, same stop reasons: TRAP after a trap is taken, MODE when M changes, HALTED, BREAK). The
   * caller keeps the budget within the VM's interval timer when it runs user code.
   */
  run(budget: number, flags: number): StopReason {
    const cpu = this.cpu;
    const E = cpu.mem;
    const R = cpu.regs;
    const q = cpu.q;
    const x = this.x;
    let steps = 0;
    let interp = 0;
    let prev = null as Entry | null;
    let reason: StopReason = Stop.LIMIT;
    const m0 = cpu.mode;
    while (steps < budget) {
      if (cpu.mode !== m0) {
        reason = Stop.MODE;
        break;
      }
      const pc = cpu.pc;
      const l = cpu.l;
      const b = cpu.b;
      const lo = l < 0 ? -l : 0;
      const hi = b < q - l ? b : q - l;
      const span = hi > lo ? hi - lo : 0;
      let e = null as Entry | null;
      if (((pc - lo) >>> 0) < span && cpu.breakpoints === null) {
        const pa = pc + l;
        const s: Entry | null = prev !== null ? prev.succ : null;
        if (s !== null && !s.dead && s.pa === pa && s.blk.l === l && s.blk.mode === cpu.mode) e = s;
        else {
          e = this.cache.get(pa) ?? null;
          if (e !== null && (e.blk.l !== l || e.blk.mode !== cpu.mode)) e = null;
          if (e === null) e = this.translate(pa, pc, lo + span);
          if (e !== null && prev !== null) prev.succ = e;
        }
      }
      // A region runs only if it lies wholly in the window (a fetch past the bound traps, as on the machine).
      const blk = e?.blk;
      if (e !== null && blk !== undefined && ((blk.vpc - lo) >>> 0) < span && ((blk.vpc + blk.len - 1 - lo) >>> 0) < span) {
        const n = blk.fn(R, E, x, budget - steps, pc, l, b, lo, span, true, false);
        if (n < 0) {
          // Its words were written over since it was translated: drop it, translate again.
          e.dead = true;
          this.cache.delete(e.pa);
          this.invalidated++;
          prev = null;
          continue;
        }
        const c = x[1];
        if (n > 0 || c !== 0) {
          steps += n;
          cpu.steps += n;
          cpu.pc = x[0];
          if (c > 0) {
            // A trap in translated code (memory, SVC, ARITH): the trapping instruction is one step, as on the machine.
            steps++;
            cpu.steps++;
            cpu.trap(c, x[2]);
            reason = Stop.TRAP;
            break;
          }
          if (c < 0) {
            // The region loaded a new PSW (only an ISA whose table instruction does so without a variant).
            cpu.setPSW({ mode: x[3], pc: x[0], l: x[4], b: x[5] });
            prev = null;
            continue;
          }
          prev = e;
          continue;
        }
      }
      // A sensitive instruction (or a fetch that traps, or no room in the budget for the block): a call into the
      // monitor, which interprets this one instruction on the virtual processor.
      prev = null;
      const r = cpu.run(1, flags);
      steps += cpu.lastSteps;
      interp += cpu.lastSteps;
      if (r !== Stop.LIMIT) {
        reason = r;
        break;
      }
    }
    this.lastSteps = steps;
    this.lastInterpreted = interp;
    return reason;
  }
}
