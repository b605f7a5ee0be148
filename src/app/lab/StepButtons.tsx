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
