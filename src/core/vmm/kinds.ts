/**
 * Monitor kinds and limits, written once: the monitors, the CLI's --vmm and --depth, the worker, the app's
 * pickers and share links all read them from here.
 */

/**
 * full: the VMM of Theorem 1; hybrid: the HVM of Theorem 3; and beyond 1974 (docs/DECISIONS.md, "Beyond 1974"):
 * bt runs virtual supervisor mode as translated code (translate.ts), assist runs the guest in the hardware's guest
 * mode (ISAs with `assist`), where every sensitive instruction exits to it.
 */
export type MonitorKind = 'full' | 'hybrid' | 'bt' | 'assist';
export const MONITOR_KINDS: readonly MonitorKind[] = ['full', 'hybrid', 'bt', 'assist'];

/** The monitors of the paper, which the lab's Equivalence and Recursion views offer. */
export type PaperKind = 'full' | 'hybrid';
/**
 * A setting that may also say "no monitor": the bare machine. The workbench offers every kind; paravirtualization
 * is not a kind but the full monitor with hypercalls on (a flag of its own, as the CLI's `--hypercalls`).
 */
export type MonitorChoice = 'none' | MonitorKind;
export const MONITOR_CHOICES: readonly MonitorChoice[] = ['none', ...MONITOR_KINDS];

/** Deepest tower of nested monitors (depth 1 = one monitor on the real machine). */
export const MAX_DEPTH = 8;

export function isMonitorKind(s: unknown): s is MonitorKind {
  return (MONITOR_KINDS as readonly unknown[]).includes(s);
}

export function isMonitorChoice(s: unknown): s is MonitorChoice {
  return (MONITOR_CHOICES as readonly unknown[]).includes(s);
}
