/**
 * What the worker's engine needs from "the thing that runs the program": the bare machine (bare.ts) or a tower
 * of monitors (vmm.ts). Everything the views show goes through this interface, so plugging in another runner
 * is one file.
 */
import { Stop, type Image, type PSW, type StopReason } from '../core/machine/machine';
import type { LevelInfo, TowerFrame } from './protocol';
import type { Describe, TrapLog } from './traplog';
import type { VmmProperties } from '../core/vmm/properties';

/** Why a run returned. `trap` only when asked to stop at traps. */
export type RunStop = 'limit' | 'halted' | 'break' | 'trap' | 'error';

/**
 * A real machine's stop as the workbench's runners (bare.ts, pgtower.ts) read it: halt and breakpoint end the
 * run; a trap is logged, ends it when a trap storm began or when asked to stop at traps. null: run on.
 */
export function endOfRun(r: StopReason, stopAtTrap: boolean, runner: { record(): void; storm(): boolean }): RunStop | null {
  if (r === Stop.HALTED) return 'halted';
  if (r === Stop.BREAK) return 'break';
  if (r !== Stop.TRAP) return null;
  runner.record();
  if (runner.storm()) return 'error';
  return stopAtTrap ? 'trap' : null;
}

export interface Counters {
  direct: number;
  trapped: number;
  interpreted: number;
  /** Traps handled by each monitor (index k-1 for level k). */
  levels: number[];
  /** Under monitors: work at the outermost level (its traps plus every level's interpretations) per guest trap. */
  amplification?: number;
  /** Beyond 1974, as `pglab run --json` stats: instructions run translated (bt), hypercalls served, guest-mode exits (assist). */
  translated?: number;
  hypercalls?: number;
  exits?: number;
}

export interface Target {
  /** Guest instructions completed since boot: the clock of the timeline. */
  readonly steps: number;
  /** Set when a run stops with 'error'. */
  readonly errorMessage: string;
  boot(image: Image): void;
  /** Runs at most n guest steps; records each trap as a row of `log` (numbers only). */
  run(n: number, stopAtTrap: boolean, useBreakpoints: boolean): RunStop;
  /** Breakpoints at guest-physical addresses (the assembler's addresses). */
  setBreakpoints(addrs: readonly number[]): void;
  /** Where traps are recorded (set by the engine; null records nothing). */
  log: TrapLog | null;
  /** Makes a row of the log into a TrapEvent with its text (only for rows someone asks for). */
  readonly describe: Describe;
  guestPsw(): PSW;
  guestRegs(): Int32Array;
  /** Guest-physical memory (the program's own addresses). */
  guestMem(): Int32Array;
  console(): string;
  levels(): LevelInfo[];
  counters(): Counters;
  trapCounts(): number[];
  /** Real physical E[0..11]. */
  trapFrame(): number[];
  realQ(): number;
  snapshot(): unknown;
  restore(s: unknown): void;
  /** Bytes one snapshot takes, for the checkpoint budget. */
  snapshotBytes(): number;
  /** A PG/1 tower (pgtower.ts) only: the real machine's memory, its state for the views, and Step over monitor. */
  realMem?(): Int32Array;
  /** Monitor k's physical memory (1..depth) as a view of real memory from (k−1)×guest. */
  levelMem?(k: number): Int32Array;
  towerFrame?(): TowerFrame;
  /** A built-in monitor tower (vmm.ts): the three VMM properties; equivalence is compared only when `check`. */
  properties?(check: boolean): VmmProperties;
  runToGuest?(n: number): RunStop;
  /** The bt monitor: guest-physical addresses whose word is in the translation cache now (null under the others). */
  translatedWords?(): Set<number> | null;
}
