/**
 * What the workbench's worker and page say to each other. The page pulls a Frame at most once per animation
 * frame (never pushed, so a slow page is never flooded); commands are Comlink calls that resolve when done.
 */
import type { AsmError } from '../core/asm/assembler';
import type { Classification } from '../core/classify/classify';
import type { Counterexample } from '../core/classify/counterexample';
import type { PSW, Status } from '../core/machine/machine';
import type { StepDivergence, StepRecord } from '../core/vmm/equiv';
import type { VmmProperties } from '../core/vmm/properties';
import type { TrapEvent as MonitorTrapEvent } from '../core/vmm/monitor';
import type { LevelInfo as StackLevel } from '../core/vmm/stack';
import type { CheckResult } from '../lessons/lessons';
import type { TechniqueCost } from '../lessons/costs';
import type { MonitorChoice, MonitorKind, PaperKind } from '../core/vmm/kinds';
import type { PgPoint } from './pgseries';
import type { Counters } from './target';
import type { GuestModeVerdict } from '../core/classify/assist';
import type { TimeMode } from '../core/vmm/monitor';
export type { PgPoint };

export type { AsmError, MonitorKind };
/** A monitor written in PG/1 (PG1.md §8.1): one the project ships, or a file the user loaded (its text in the session). */
export type PgMonitorChoice = 'full.s' | 'hybrid.s' | 'file';
export const PG_MONITOR_CHOICES: readonly PgMonitorChoice[] = ['full.s', 'hybrid.s', 'file'];
export function isPgMonitor(s: unknown): s is PgMonitorChoice {
  return (PG_MONITOR_CHOICES as readonly unknown[]).includes(s);
}
/** The monitor setting of a session: none (the bare machine), a built-in monitor kind, or a PG/1 monitor. */
export type WorkbenchMonitor = MonitorChoice | PgMonitorChoice;
/** A monitor kind (the lab's runs always have a monitor: `none` means the full one there). */
export type VmKind = PaperKind;

export interface SessionConfig {
  source: string;
  /** The ISA file's text (a preset is the text that names it as base); a text with errors is refused. */
  isa: string;
  monitor: WorkbenchMonitor;
  /** Nesting depth: 0 = bare machine; n >= 1 = n monitors, each running the next inside its VM. */
  depth: number;
  /** Memory size: q for the bare machine, the VM size w when a monitor runs the program. */
  q: number;
  input: string;
  /** Step limit per Run (0 = none). */
  maxSteps: number;
  /** Under the full monitor: serve hypercalls (paravirtualization, docs/HYPERCALLS.md; the CLI's --hypercalls). */
  hypercalls?: boolean;
  /** monitor 'file': the monitor's PG/1 source, and the name its errors carry. */
  monitorSource?: string;
  monitorFile?: string;
}

export type LoadResult = { ok: true; entry: number; size: number } | { ok: false; errors: AsmError[]; message: string };

/**
 * One level of the machine tower, the core's LevelInfo (core/vmm/stack.ts) as the views draw it: level 0 is
 * the real machine (or the bare one), k >= 1 the VM that monitor k provides; `base` is where it sits in its
 * parent's memory, `realBase` in real memory. The workbench and the Recursion view both draw these.
 */
export interface LevelInfo extends Pick<StackLevel, 'level' | 'psw' | 'base' | 'size' | 'realBase' | 'stats'> {
  label: string;
}

/** Who handled a trap: the program's own kernel (bare), or a monitor's dispatcher (the core's Handled). */
export type HandledHow = 'kernel' | 'reflected' | 'interpreted';

/**
 * A trap in the workbench's log: the core's monitor TrapEvent (level 0 for a bare machine's own kernel), with
 * the path it took, for the trap-flow view, e.g. ["guest", "dispatcher 1", "interpreter"].
 */
export interface TrapEvent extends Omit<MonitorTrapEvent, 'handled'> {
  handled: HandledHow;
  path: string[];
  /** Under a PG/1 tower: the trap the real hardware took (every trap is one; `level` is then the level it came from). */
  real?: RealTrap;
  /** Its place in the worker's trap log (rows are numbered from 0 since boot): a stable key for the views. */
  seq?: number;
  /** What kind of row this is when not a plain trap (e.g. 'hypercall'); absent for a trap. */
  kind?: string;
}

/** Rows of the trap log the page asks for: [from, from + count), or the newest `count` when from < 0. */
export interface TrapWindow {
  from: number;
  count: number;
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
  /**
   * 'virtual' reads through the guest's current R = (l, b); 'physical' reads guest-physical memory; 'real' reads
   * the real machine's memory (a PG/1 tower: every monitor's code and frame, then the guest's window).
   */
  space: 'virtual' | 'physical' | 'real';
  /** With 'real' under a PG/1 tower: 0 the real machine, k (1..depth) monitor k's physical memory (real (k−1)×guest + a). */
  level?: number;
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
  mem: {
    space: 'virtual' | 'physical' | 'real';
    start: number;
    words: number[];
    valid: boolean[];
    level?: number;
    base?: number;
    /** Under the bt monitor: which of these words are in the translation cache now (compiled, unchanged since). */
    translated?: boolean[];
  };
  consoleFrom: number;
  consoleText: string;
  consoleLen: number;
  /** The rows of the trap log asked for (FrameRequest.traps), text made for these only; `from` is the first's seq. */
  traps: { from: number; rows: TrapEvent[] };
  /** The newest few traps (the trap flow's, and traps at the same step), when not running. */
  trapTail: TrapEvent[];
  /** While running: how the newest traps were handled (the trap flow's summary). */
  recentHandled: Partial<Record<HandledHow, number>>;
  /** The log holds rows eventsFirst ≤ seq < eventsTotal (the newest, in a ring of fixed size). */
  eventsFirst: number;
  eventsTotal: number;
  samples: Sample[];
  samplesFrom: number;
  counters: Counters;
  trapCounts: number[];
  /** E[0..11] of the real machine's trap frame (old PSW, cause, detail, new PSW). */
  trapFrame: number[];
  /** Set when the session runs a PG/1 monitor tower: what the real machine is doing. */
  tower?: TowerFrame;
  /** Under a built-in monitor: the three properties of a VMM for this run so far (core/vmm/properties.ts). */
  properties?: VmmProperties;
}

/** A region of real memory in a PG/1 tower: monitor k's memory [(k−1)×guest, k×guest), or the guest's window. */
export interface TowerRegion {
  /** 1..depth for monitor k, depth + 1 for the guest. */
  level: number;
  label: string;
  start: number;
  end: number;
}

/** The real machine under a PG/1 tower (PG1.md §8.1), for the views. */
export interface TowerFrame {
  monitorName: string;
  depth: number;
  /** The monitor's `guest` label: the size of each monitor's memory. */
  guest: number;
  realPsw: PSW;
  realRegs: number[];
  /** Real E[0..11]: the real trap frame (0..5) and vector (8..11) that the hardware uses. */
  realFrame: number[];
  regions: TowerRegion[];
  /** The level whose memory the real P is fetched from (1..depth: monitor k; depth + 1: the guest). */
  level: number;
  /** Real address of the next fetch (P + l), or -1 when it is outside memory. */
  fetch: number;
  /** For each level 1..depth+1 (index level−1): the last real fetch address seen there (−1: never ran). */
  lastFetch: number[];
  /** Real instructions per level, outermost monitor first, the guest last (PG1.md §8.1 stats). */
  counts: number[];
  /** The guest's virtual PSW (the innermost monitor's `vpsw`, P the real one while the guest runs). */
  vpsw: PSW;
}

/** A trap as the real hardware took it under a PG/1 tower. */
export interface RealTrap {
  /** Level the trapping instruction was fetched from, and the level the new PSW fetches from (1..depth+1). */
  from: number;
  to: number;
  /** Real E[0..11] right after the trap: old PSW, cause, detail, (6, 7), new PSW. */
  frame: number[];
  /**
   * The dispatcher's path through the monitors' code, from the real fetch addresses: one entry each time the
   * label (or level) of the fetched word changes, at most DISPATCH_PATH_MAX; absent when not traced (full-speed Run).
   */
  dispatch?: DispatchStep[];
  /** True when the path went on past the entries listed. */
  dispatchMore?: boolean;
  /** The instruction that gave the processor back to the level the trap came from (the dispatcher's LPSW). */
  resume?: ResumeStep;
}

export interface DispatchStep {
  /** Monitor level 1..depth whose code was fetched, and the nearest label at or below its address there. */
  level: number;
  label: string;
  /** Real address fetched, and the real step count before it ran. */
  real: number;
  step: number;
}

export interface ResumeStep {
  /** Real step count before it ran, its real address, level and disassembly. */
  step: number;
  real: number;
  level: number;
  text: string;
  mnemonic: string;
  /** The real PSW it loaded, and for an LPSW the real address of the four words it loaded (−1 otherwise). */
  psw: PSW;
  from: number;
  /** The level the new PSW fetches from. */
  to: number;
}

export interface FrameRequest {
  view: MemView;
  epoch: number;
  consoleLen: number;
  /** The trap log's rows on screen (count 0: none, the log is closed). */
  traps?: TrapWindow;
  samplesTotal: number;
}

/** What a lab run is given: the program, the ISA file text in force, and the monitor settings. */
export interface LabRun {
  source: string;
  isaText: string;
  kind: VmKind;
  depth: number;
  w: number;
  input: string;
}

/** One side of the Equivalence view's lockstep, as plain data. */
export interface SideState {
  status: Status;
  steps: number;
  psw: PSW;
  regs: number[];
  console: string;
  /** Source line of the instruction at P (through the assembler's map of guest-physical addresses). */
  line: number | null;
}

/** The lockstep's divergence, with the source line of the instruction each side executed in that step. */
export interface EqDivergence extends StepDivergence {
  nativeLine: number | null;
  virtualLine: number | null;
}

/** What the Equivalence view draws: the lockstep's state after a step. */
export interface EqSnapshot {
  /** The three properties of a VMM for the monitor's side, equivalence as the lockstep found it. */
  properties?: VmmProperties;
  /** The latest steps, with how each made Theorem 1's diagram commute (core Lockstep's trace). */
  trace?: (StepRecord & { line: number | null })[];
  steps: number;
  done: boolean;
  divergence: EqDivergence | null;
  native: SideState;
  virtual: SideState;
}

/** What the Recursion view draws: the tower after a step (rows[0] is the real machine). */
export interface RecSnapshot {
  status: Status;
  /** Guest (program) instructions executed so far. */
  steps: number;
  rows: LevelInfo[];
}

/** One point of the Recursion view's plot. */
export interface DepthPoint {
  depth: number;
  status: 'halted' | 'limit';
  guestSteps: number;
  /** Instructions the real processor executed (guest instructions run directly, and the ones that trapped). */
  realSteps: number;
  /** Traps that reached each monitor's dispatcher, and instructions its interpreters executed. */
  traps: number[];
  interpreted: number[];
  /** Real work per guest instruction (see lab.ts); 1 on the bare machine. */
  perGuest: number;
  /** Trap amplification (VirtualStack.amplification): per guest trap; 1 bare, 0 when the guest took no trap. */
  amplification: number;
}

export interface Classified {
  classification: Classification;
  counterexamples: Counterexample[];
  /** Theorem 1's condition relative to guest mode, for an ISA with hardware assist (null without). */
  guestMode: GuestModeVerdict | null;
}

/** One row of the Recursion view's time comparison: the program under `depth` monitors with `time`, against bare. */
export interface TimeRow {
  time: TimeMode;
  depth: number;
  status: 'halted' | 'limit';
  guestSteps: number;
  /** What the guest would read from the clock (IN r, 2) when the run ended; bare: the bare machine's. */
  clock: number;
  console: string;
  equivalent: boolean;
  /** The first field that differs from the bare run (null when equivalent). */
  diverges: string | null;
}

/** The lab's runs (lab.ts). A worker holds one tower and one lockstep session; opening replaces it. */
export interface LabApi {
  checkLesson(lessonId: string, source: string): Promise<CheckResult>;
  /** Lessons 8–10's chart: the kernel-heavy x86 guest under each technique, with how its instructions ran. */
  beyondCosts(): Promise<TechniqueCost[]>;
  series(r: LabRun & { maxSteps: number; maxDepth: number }): Promise<DepthPoint[]>;
  towerOpen(r: LabRun): Promise<RecSnapshot>;
  towerStep(n: number): Promise<RecSnapshot>;
  equivOpen(r: LabRun): Promise<EqSnapshot>;
  equivStep(n: number): Promise<EqSnapshot>;
  classify(isaText: string): Promise<Classified>;
  /** The program bare and at depths 1..maxDepth under virtual and real time (§11): equivalent or not, the clock seen. */
  timeDepths(r: LabRun & { maxSteps: number; maxDepth: number }): Promise<{ bare: TimeRow; rows: TimeRow[] }>;
  /** Real instructions per guest trap / instruction against depth 1–4, PG/1 monitors beside the built-in ones. */
  pgSeries(isaText: string): Promise<PgPoint[]>;
}

/** Everything a worker does: the workbench's engine session, and the lab's runs. */
export interface WorkerApi extends LabApi {
  load(cfg: SessionConfig): Promise<LoadResult>;
  reset(): Promise<LoadResult>;
  /** Runs until a stop, at most `maxSteps` steps (0 = no limit). */
  run(maxSteps: number): Promise<void>;
  pause(): Promise<void>;
  step(n: number): Promise<void>;
  stepToTrap(): Promise<void>;
  /** PG/1 towers: runs until the real P is back in the guest's window (fetched at or above depth × guest). */
  stepOverMonitor(): Promise<void>;
  stepBack(n: number): Promise<void>;
  backToTrap(): Promise<void>;
  travelTo(step: number): Promise<void>;
  setBreakpoints(addrs: number[]): Promise<void>;
  frame(req: FrameRequest): Promise<Frame>;
  /** Trap-log rows [from, from + count) that the log still holds (an export asks for all of them). */
  trapRows(from: number, count: number): Promise<{ first: number; total: number; rows: TrapEvent[] }>;
  /** Runs `steps` instructions as fast as possible and says how long it took (the benchmark). */
  bench(steps: number): Promise<{ steps: number; ms: number }>;
}
