/**
 * Virtual machine monitors (PG1.md §8): the public API used by the CLI, the web worker and the classifier.
 * - runBare / runVirtual: one run to the end, as a RunResult (the §10 run object plus the guest's memory);
 * - equiv / equivLockstep: the equivalence check of §8, at the end or instruction by instruction;
 * - VirtualStack: a steppable tower of monitors for the UI (levels, trap events, breakpoints, snapshots);
 * - Monitor / VirtualMachine: the control program itself (dispatcher, allocator, interpreters), for several
 *   VMs on one monitor or a monitor on a machine of your own.
 * - buildTower / runTower / equivTower: a tower of monitors written in PG/1 (§8.1), e.g. monitors/full.s.
 */
export { Monitor, VirtualMachine, MONITOR_AREA, MONITOR_KINDS, TIME_MODES, type TimeMode, type Host, type ResourceEvent, type MonitorKind, type LevelStats, type TrapEvent, type Handled } from './monitor';
export { MONITOR_CHOICES, isMonitorKind, isMonitorChoice, type MonitorChoice, type PaperKind } from './kinds';
export {
  VirtualStack,
  runBare,
  runVirtual,
  checkStack,
  realSizeFor,
  MAX_DEPTH,
  DEFAULT_VM_SIZE,
  type RunResult,
  type RunStats,
  type LevelInfo,
  type StackOptions,
  type StackSnapshot,
  type VirtualOptions,
  type BareOptions,
} from './stack';
export { equiv, equivLockstep, compareStates, Lockstep, type EquivResult, type LockstepResult, type LockstepOptions, type StepDivergence, type Divergence } from './equiv';
export {
  Tower,
  buildTower,
  runTower,
  equivTower,
  loadMonitor,
  nestImage,
  towerSize,
  formatTowerErrors,
  MONITOR_LABELS,
  type TowerResult,
  type TowerStats,
  type TowerOptions,
  type TowerError,
  type MonitorImage,
} from './tower';
