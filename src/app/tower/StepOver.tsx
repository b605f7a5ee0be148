/** "Step over monitor" (PG/1 towers only): run real instructions until the real P is back in the guest's window. */
import { actions, useRuntime } from '../session';

export function StepOverButton() {
  const tower = useRuntime((s) => s.frame?.tower !== undefined);
  const running = useRuntime((s) => s.frame?.state === 'running');
  if (!tower) return null;
  return (
    <button type="button" className="ctl ctl-minor" title="Run until the real P is back in the guest's window" aria-label="Step over monitor" disabled={running} onClick={() => void actions.stepOverMonitor()}>
      over monitor
    </button>
  );
}
