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

/** The monitors of the paper, which the workbench's pickers offer (the later techniques are the CLI's for now). */
export type PaperKind = 'full' | 'hybrid';
/** A setting that may also say "no monitor": the bare machine. */
export type MonitorChoice = 'none' | PaperKind;
export const MONITOR_CHOICES: readonly MonitorChoice[] = ['none', 'full', 'hybrid'];

/** Deepest tower of nested monitors (depth 1 = one monitor on the real machine). */
export const MAX_DEPTH = 8;

export function isMonitorKind(s: unknown): s is MonitorKind {
  return (MONITOR_KINDS as readonly unknown[]).includes(s);
}

export function isMonitorChoice(s: unknown): s is MonitorChoice {
  return (MONITOR_CHOICES as readonly unknown[]).includes(s);
}
