/**
 * The three properties of a virtual machine monitor (Popek & Goldberg §2) for the run on screen, side by side:
 * efficiency, resource control, equivalence. The numbers are the core's (core/vmm/properties.ts), computed in
 * the worker; the workbench shows them live under a monitor, the Equivalence view for the lockstep's VM.
 */
import type { VmmProperties } from '../../core/vmm/properties';
import { fmtInt } from '../format';
import { useRuntime } from '../session';
import { SLOW_MS, useThrottled } from '../throttle';
import './properties.css';

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(x === 1 || x === 0 ? 0 : 1)}%`);

function accessWords(b: NonNullable<VmmProperties['resourceControl']['breach']>): string {
  if (b.kind === 'supervisor') return `put the real processor in supervisor mode (it would go on at real address ${b.address})`;
  const verb = b.access === 'fetch' ? 'fetched from' : b.access === 'store' ? 'stored to' : b.access === 'lpsw' ? 'read (LPSW)' : 'loaded from';
  return `${verb} real address ${b.address}, outside its allocation (monitor ${b.level}'s memory)`;
}

/** The three properties as three small cards; `testId` prefixes the cards' test ids. */
export function PropertiesCards({ p, testId = 'props' }: { p: VmmProperties; testId?: string }) {
  const e = p.efficiency;
  const rc = p.resourceControl;
  const eq = p.equivalence;
  const notDirect = e.trapped + e.interpreted;
  return (
    <div className="vmm-props" data-testid={testId}>
      <div className="vmm-prop" data-testid={`${testId}-efficiency`}>
        <h4>Efficiency</h4>
        <div className="vmm-prop-main">{pct(e.ratio)} direct</div>
        <div className="vmm-prop-sub">
          {fmtInt(e.direct)} of {fmtInt(e.steps)} guest instructions ran on the real processor with no monitor involved;{' '}
          {fmtInt(e.trapped)} trapped, {fmtInt(e.interpreted)} interpreted.
        </div>
        {notDirect > 0 && e.trappedBy.length > 0 && (
          <div className="vmm-prop-hist" title="guest instructions that trapped on the real processor, by instruction">
            trapped:{' '}
            {e.trappedBy.slice(0, 6).map((t) => (
              <span key={t.instruction} className="vmm-chip">
                {t.instruction} ×{fmtInt(t.count)}
              </span>
            ))}
            {e.trappedBy.length > 6 ? ' …' : ''}
          </div>
        )}
      </div>
      <div className={`vmm-prop ${rc.kept ? 'ok' : 'bad'}`} data-testid={`${testId}-resource`}>
        <h4>Resource control</h4>
        <div className="vmm-prop-main">{rc.kept ? 'kept so far' : 'broken'}</div>
        <div className="vmm-prop-sub">
          {rc.breach
            ? `At guest step ${fmtInt(rc.breach.step)} the guest ${accessWords(rc.breach)}.`
            : 'No real access by guest code outside its allocation, and no guest code in real supervisor mode (§8).'}
        </div>
      </div>
      <div className={`vmm-prop ${eq.equivalent === false ? 'bad' : eq.equivalent ? 'ok' : ''}`} data-testid={`${testId}-equivalence`}>
        <h4>Equivalence</h4>
        <div className="vmm-prop-main">{!eq.checked ? 'not checked yet' : eq.equivalent ? 'same state under f' : 'diverged'}</div>
        <div className="vmm-prop-sub">
          {eq.divergence && (
            <>
              First difference{eq.divergence.step !== null ? ` after step ${fmtInt(eq.divergence.step)}` : ''}: <b>{eq.divergence.field}</b> is{' '}
              {JSON.stringify(eq.divergence.native)} bare, {JSON.stringify(eq.divergence.virtual)} in the VM.{' '}
            </>
          )}
          <span className="muted">How: {eq.how}.</span>
        </div>
      </div>
    </div>
  );
}

/** The workbench panel: live while the run goes on. */
export function PropertiesPanel() {
  const running = useRuntime((s) => s.frame?.state === 'running');
  const p = useThrottled(useRuntime((s) => s.frame?.properties ?? null), SLOW_MS, running);
  if (!p) return <div className="muted vmm-props-none" data-testid="props-none">The three properties of a VMM are about a run under a monitor: choose a monitor.</div>;
  return <PropertiesCards p={p} />;
}
