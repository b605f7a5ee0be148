import type { AsmResult } from '../core/asm/assembler';
import { fitsMemory } from '../core/run';
import { DEFAULT_VM_SIZE } from '../core/vmm/stack';
import { equivTower, formatTowerErrors, runTower, towerMaxSteps, type TowerError, type TowerResult } from '../core/vmm/tower';
import { CliError, EXIT, readText, type Io, type RunOptions } from './options';

/**
 * `--vmm PATH.s`: the guest runs under N copies of a monitor written in PG/1 (PG1.md §8.1), a tower that the
 * loader (core/vmm/tower.ts) builds in real memory. `steps` are real steps (every level's instructions); the
 * psw is the guest's virtual PSW from the innermost monitor's `vpsw`; stats give each level's real cost.
 */

/** The §8.1 run object (without memory). */
export function towerJson(r: TowerResult) {
  return { status: r.status, steps: r.steps, console: r.console, psw: r.psw, regs: r.regs, stats: r.stats };
}

/** Loader errors: located ones as `FILE:LINE:COL: message` on stderr, a plain one (memory) as `pglab: …`. */
function fail(errors: readonly TowerError[], io: Io): never {
  const located = errors.filter((e) => e.file !== '');
  if (located.length > 0) {
    io.stderr(formatTowerErrors(located) + '\n');
    throw new CliError('');
  }
  throw new CliError(errors.map((e) => e.message).join('; '));
}

function prepare(o: RunOptions, asm: AsmResult, io: Io): { source: string; w: number } {
  const source = readText(o.monitorFile!, io);
  const w = o.mem ?? DEFAULT_VM_SIZE;
  const tooBig = fitsMemory(asm.size, w);
  if (tooBig) throw new CliError(`${o.file}: ${tooBig} (the VM's size, --mem)`);
  return { source, w };
}

/** The tower's real-step limit: --max-steps as given, else the default for its depth. */
function realLimit(o: RunOptions): number {
  return o.maxStepsGiven ? o.maxSteps : towerMaxSteps(o.depth);
}

function levelsLine(r: TowerResult): string {
  const lv = r.stats.levels.map((l, k) => `level ${k + 1} ${l.instructions}`).join(', ');
  return `real ${r.stats.real.steps} steps, ${r.stats.real.traps} traps; instructions by level: ${lv}, guest ${r.stats.guest.instructions}`;
}

/** `pglab run FILE.s --vmm PATH.s`: the guest's console on stdout, a summary on stderr, or JSON. */
export function runInPgMonitor(o: RunOptions, asm: AsmResult, io: Io): number {
  const { source, w } = prepare(o, asm, io);
  const t = runTower(source, asm.image, { isa: o.isa, depth: o.depth, mem: w, input: o.input, maxSteps: realLimit(o), monitorFile: o.monitorFile! });
  if (!t.ok) fail(t.errors, io);
  const r = t.result;
  if (o.json) {
    io.stdout(JSON.stringify(towerJson(r)) + '\n');
  } else {
    io.stdout(r.console);
    if (io.stdoutIsTTY && r.console !== '' && !r.console.endsWith('\n')) io.stdout('\n');
    const s = r.steps === 1 ? 'step' : 'steps';
    const where = `in a VM of ${w} words under ${o.monitorFile} at depth ${o.depth}`;
    io.stderr(
      (r.status === 'halted' ? `halted after ${r.steps} real ${s} ${where}` : `step limit reached after ${r.steps} real ${s} ${where} (--max-steps ${realLimit(o)})`) +
        `: ${levelsLine(r)}\n`,
    );
  }
  return r.status === 'halted' ? EXIT.OK : EXIT.LIMIT;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** `pglab equiv FILE.s --vmm PATH.s`: bare (q = Q) against the tower, compared under f (§8). */
export function equivPgMonitor(o: RunOptions, asm: AsmResult, io: Io): number {
  const { source, w } = prepare(o, asm, io);
  // Without --max-steps the bare run keeps §4's default and the tower gets towerMaxSteps(depth) real steps.
  const e = equivTower(source, asm.image, { isa: o.isa, depth: o.depth, mem: w, input: o.input, maxSteps: o.maxStepsGiven ? o.maxSteps : undefined, monitorFile: o.monitorFile! });
  if (!e.ok) fail(e.errors, io);
  const r = e.equiv;
  if (o.json) {
    const n = r.native;
    const native = { status: n.status, steps: n.steps, console: n.console, psw: n.psw, regs: n.regs, stats: n.stats };
    io.stdout(JSON.stringify({ equivalent: r.equivalent, divergence: r.divergence, native, virtual: towerJson(r.virtual) }) + '\n');
  } else {
    const where = `a VM of ${w} words under ${o.monitorFile} at depth ${o.depth} (ISA ${o.isa.name})`;
    if (r.equivalent) {
      io.stdout(`equivalent: bare and ${where} end in the same state (${r.native.status} after ${r.native.steps} steps)\n`);
    } else {
      const d = r.divergence!;
      io.stdout(`not equivalent: bare and ${where} differ first in ${d.field}: native ${show(d.native)}, virtual ${show(d.virtual)}\n`);
    }
    io.stderr(`virtual: ${levelsLine(r.virtual)}\n`);
  }
  return r.equivalent ? EXIT.OK : EXIT.NOT_EQUIVALENT;
}
