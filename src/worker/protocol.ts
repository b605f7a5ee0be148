/**
 * What the workbench's worker and page say to each other. The page pulls a Frame at most once per animation
 * frame (never pushed, so a slow page is never flooded); commands are Comlink calls that resolve when done.
 */
import type { PSW } from '../core/machine/machine';

export type MonitorKind = 'none' | 'full' | 'hybrid';

export interface SessionConfig {
  source: string;
  /** The ISA file's text (a preset is the text that names it as base); a text with errors is refused. */
  isa: string;
  monitor: MonitorKind;
  /** Nesting depth: 0 = bare machine; n >= 1 = n monitors, each running the next inside its VM. */
  depth: number;
  /** Memory size: q for the bare machine, the VM size w when a monitor runs the program. */
  q: number;
  input: string;
  /** Step limit per Run (0 = none). */
  maxSteps: number;
}

export interface AsmError {
  line: number;
  col: number;
  endCol: number;
  message: string;
}

export type LoadResult = { ok: true; entry: number; size: number } | { ok: false; errors: AsmError[]; message: string };

/** One level of the machine tower: 0 is the real machine, k >= 1 the VM that monitor k provides. */
export interface LevelInfo {
  level: number;
  label: string;
  psw: PSW;
  /** Where this level's memory sits in real physical memory, and its size. */
  base: number;
  size: number;
  stats: { traps: number; reflected: number; interpreted: number };
}

export type HandledHow = 'kernel' | 'reflected' | 'interpreted' | 'monitor';

export interface TrapEvent {
  /** Guest steps completed when the trap was taken (the trapping instruction counts as one). */
  step: number;
  level: number;
  cause: number;
  detail: number;
  /** The old PSW stored into E[0..3] and the new one loaded from E[8..11]. */
  old: PSW;
  new: PSW;
  handled: HandledHow;
  /** The path it took, for the trap-flow view, e.g. ["guest", "dispatcher", "interpreter"]. */
  path: string[];
  /** Mnemonic of the trapping instruction, when there is one. */
  what: string;
}

export interface Sample {
  step: number;
  direct: number;
  trapped: number;
  interpreted: number;
  /** Per level k >= 1: traps seen by monitor k (index k-1). */
  levels: number[];
}

export interface MemView {
  /** 'virtual' reads through the guest's current R = (l, b); 'physical' reads guest-physical memory. */
  space: 'virtual' | 'physical';
  start: number;
  count: number;
  /** Recenter the window on P when P leaves it. */
  follow: boolean;
}

export type RunState = 'idle' | 'running' | 'halted' | 'limit' | 'break' | 'error' | 'empty';

export interface Frame {
  /** Changes each time history is rewritten (boot, travel): the page then drops what it accumulated. */
  epoch: number;
  state: RunState;
  message: string;
  steps: number;
  /** Furthest step reached in this history (for the timeline). */
  maxSteps: number;
  /** Guest instructions per second over the last slices while running. */
  ips: number;
  psw: PSW;
  regs: number[];
  q: number;
  levels: LevelInfo[];
  /** The guest-physical address of P (+ l), for the editor's current line. */
  pcPhysical: number;
  mem: { space: 'virtual' | 'physical'; start: number; words: number[]; valid: boolean[] };
  consoleFrom: number;
  consoleText: string;
  consoleLen: number;
  events: TrapEvent[];
  eventsFrom: number;
  eventsTotal: number;
  samples: Sample[];
  samplesFrom: number;
  counters: { direct: number; trapped: number; interpreted: number; amplification?: number };
  trapCounts: number[];
  /** E[0..11] of the real machine's trap frame (old PSW, cause, detail, new PSW). */
  trapFrame: number[];
}

export interface FrameRequest {
  view: MemView;
  epoch: number;
  consoleLen: number;
  eventsTotal: number;
  samplesTotal: number;
}

export interface WorkerApi {
  load(cfg: SessionConfig): Promise<LoadResult>;
  reset(): Promise<LoadResult>;
  /** Runs until a stop, at most `maxSteps` steps (0 = no limit). */
  run(maxSteps: number): Promise<void>;
  pause(): Promise<void>;
  step(n: number): Promise<void>;
  stepToTrap(): Promise<void>;
  stepBack(n: number): Promise<void>;
  backToTrap(): Promise<void>;
  travelTo(step: number): Promise<void>;
  setBreakpoints(addrs: number[]): Promise<void>;
  frame(req: FrameRequest): Promise<Frame>;
  /** Runs `steps` instructions as fast as possible and says how long it took (the benchmark). */
  bench(steps: number): Promise<{ steps: number; ms: number }>;
}
