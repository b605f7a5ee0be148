/** The controls the Equivalence and Recursion views share: the monitor picker and the session's Step, Run, Reset. */
import { MONITOR_CHOICES, type PaperKind } from '../../core/vmm/kinds';
import { useSettings } from '../store';

const PAPER_KINDS = MONITOR_CHOICES.filter((k): k is PaperKind => k !== 'none');
const THEOREM: Record<PaperKind, string> = { full: 'Theorem 1', hybrid: 'Theorem 3' };

/** Picks the monitor (full or hybrid) in the workbench's settings, setting `depth` with it; `theorems` names each one's theorem. */
export function MonitorSelect({ testId, kind, depth, theorems = false }: { testId: string; kind: PaperKind; depth: number; theorems?: boolean }) {
  const set = useSettings((s) => s.set);
  return (
    <label>
      monitor{' '}
      <select data-testid={testId} value={kind} onChange={(e) => set({ monitor: e.target.value as PaperKind, depth })}>
        {PAPER_KINDS.map((k) => (
          <option key={k} value={k}>
            {theorems ? `${k} (${THEOREM[k]})` : k}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * Step, Run and Reset for a lab view's session (the lockstep, the tower). The test ids are `${testId}-step`,
 * `-run` and `-reset`; Step and Run are enabled only when the session `can` go on; Run says 'Running…' while
 * a request runs on an open session.
 */
export function StepButtons(p: { testId: string; can: boolean; busy: boolean; open: boolean; runLabel: string; step(): void; run(): void; reset(): void }) {
  return (
    <>
      <button type="button" data-testid={`${p.testId}-step`} disabled={!p.can} onClick={p.step}>
        Step
      </button>
      <button type="button" data-testid={`${p.testId}-run`} disabled={!p.can} onClick={p.run} aria-busy={p.busy}>
        {p.busy && p.open ? 'Running…' : p.runLabel}
      </button>
      <button type="button" data-testid={`${p.testId}-reset`} onClick={p.reset}>
        Reset
      </button>
    </>
  );
}
