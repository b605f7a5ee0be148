/**
 * The page's side of a PG/1 monitor (PG1.md §8.1): its source text and its assembly (for source lines), the same
 * text the worker builds the tower from.
 */
import { assemble, type AsmResult } from '../../core/asm/assembler';
import type { Isa } from '../../core/isa/isa';
import { pgMonitorOf } from '../../worker/pgtower';
import { isPgMonitor, type WorkbenchMonitor } from '../../worker/protocol';

let cache: { key: string; asm: AsmResult } | null = null;

export function monitorText(s: { monitor: WorkbenchMonitor; monitorSource?: string; monitorFile?: string }): { source: string; file: string } | null {
  return isPgMonitor(s.monitor) ? pgMonitorOf(s) : null;
}

/** The monitor assembled with the guest's ISA (as the loader does), memoised on the text. */
export function monitorAsm(source: string, isa: Isa): AsmResult {
  const key = `${isa.key}\n${source}`;
  if (cache?.key !== key) cache = { key, asm: assemble(source, isa) };
  return cache.asm;
}

/** Monitor k's source line of real address a: its word a − (k−1) × guest (each level is the same image). */
export function monitorLine(asm: AsmResult, guest: number, level: number, real: number): number | undefined {
  if (real < 0) return undefined;
  return asm.lineOfAddr.get(real - (level - 1) * guest);
}
