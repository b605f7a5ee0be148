import { useEffect, useRef } from 'react';
import type { TrapEvent } from '../../worker/protocol';
import { causeName, fmtInt, hex, modeName } from '../format';

/** The detail as the reader wants it: an instruction word in hex, an address or number in decimal. */
const SHORT: Record<number, string> = { 1: 'PRIV', 2: 'MEM', 3: 'ILL', 4: 'SVC', 5: 'ARITH', 6: 'TIMER', 7: 'EXIT' };

/** A hypercall served by the full monitor (vmm.ts labels it "hypercall N NAME"): an SVC that was not reflected. */
const isHypercall = (e: TrapEvent): boolean => e.cause === 4 && e.what.startsWith('hypercall ');

/** An instruction word (PRIVILEGED, ILLEGAL, a guest-mode EXIT) and a hypercall's SVC number in hex. */
export const detailText = (e: TrapEvent): string => (e.cause === 1 || e.cause === 3 || e.cause === 7 ? hex(e.detail) : isHypercall(e) ? hex(e.detail, 4) : String(e.detail));
import { actions, useRuntime } from '../session';
import { useThrottled } from '../throttle';
import { RealFlow } from '../tower/RealFlow';
import { TableHead } from './TableHead';

function Psw({ label, psw, where }: { label: string; psw: TrapEvent['old']; where: string }) {
  return (
    <div className="tf-psw">
      <div className="tf-psw-head">
        {label} <span className="muted">{where}</span>
      </div>
      <div className="tf-cells">
        {(
          [
            ['M', modeName(psw.mode)],
            ['P', psw.pc],
            ['l', psw.l],
            ['b', psw.b],
          ] as const
        ).map(([k, v], i) => (
          <div key={k} className="tf-cell" style={{ animationDelay: `${i * 70}ms` }}>
            <span>{k}</span>
            <b>{v}</b>
          </div>
        ))}
      </div>
    </div>
  );
}

/**
 * The flow of one trap: the old PSW going into E[0..3], cause and detail into E[4..5], the new PSW coming
 * from E[8..11], and the path it took. Animated per step; while running, a summary by cause and handling.
 */
export function TrapFlow() {
  const events = useRuntime((s) => s.events);
  const selected = useRuntime((s) => s.selectedEvent);
  const tick = useRuntime((s) => s.animTick);
  const state = useRuntime((s) => s.frame?.state);
  const counts = useRuntime((s) => s.frame?.trapCounts);
  const total = useRuntime((s) => s.eventsTotal);
  const steps = useRuntime((s) => s.frame?.steps ?? 0);
  const e = selected ?? events[events.length - 1];
  if (state === 'running') {
    const byHow = new Map<string, number>();
    for (const ev of events.slice(-500)) byHow.set(ev.handled, (byHow.get(ev.handled) ?? 0) + 1);
    return (
      <div className="tf-summary" data-testid="trapflow">
        {/* Labels before numbers, numbers in boxes of fixed width: a growing count moves no other text. */}
        <div className="tf-summary-title">
          traps so far <b className="fixnum">{fmtInt(total)}</b> per 1000 steps <b className="fixnum">{steps > 0 ? ((total / steps) * 1000).toFixed(2) : '0'}</b>
        </div>
        <div className="tf-bars">
          {[1, 2, 3, 4, 5].map((c) => {
            const n = counts?.[c] ?? 0;
            const max = Math.max(1, ...(counts ?? [1]));
            return (
              <div key={c} className="tf-bar">
                <span className="tf-bar-label">{causeName(c)}</span>
                <span className={`tf-bar-fill cause-${c}`} style={{ width: `${(n / max) * 100}%` }} />
                <span className="tf-bar-n">{fmtInt(n)}</span>
              </div>
            );
          })}
        </div>
        <div className="muted small">
          recent handling:{' '}
          {byHow.size === 0
            ? '—'
            : [...byHow].map(([k, v]) => (
                <span key={k} className="fixnum wide">
                  {k} {v}
                </span>
              ))}
        </div>
      </div>
    );
  }
  if (!e) {
    return (
      <div className="empty" data-testid="trapflow">
        No trap yet. <b>Step to next trap</b> runs until the hardware stores the old PSW in E[0..3] and loads the new one from E[8..11].
      </div>
    );
  }
  // A PG/1 tower: every trap is the real hardware's, with the real frame (tower/RealFlow.tsx).
  if (e.real) return <RealFlow e={e} />;
  // Under a built-in monitor the event holds the guest's PSW before and after the monitor handled the trap (the
  // monitor is TypeScript, not code on the machine): say so, and never call it a trap frame.
  const byMonitor = e.level > 0;
  const sameStep = events.filter((x) => x.step === e.step).slice(-8);
  return (
    <div className="trapflow" key={`${e.step}-${tick}`} data-testid="trapflow">
      <div className="tf-title">
        <span className={`cause-chip cause-${e.cause}`}>{causeName(e.cause)}</span> at step <b>{fmtInt(e.step)}</b>
        {e.level > 0 && <> · monitor {e.level}</>} · <code>{e.what}</code> · detail <b>{detailText(e)}</b>
      </div>
      {sameStep.length > 1 && (
        <div className="tf-same">
          <span className="muted small">{sameStep.length} dispatcher entries at this step:</span>
          {sameStep.map((x, i) => (
            <button type="button" key={i} className={`tf-same-btn${x === e ? ' on' : ''}`} onClick={() => useRuntime.setState({ selectedEvent: x, animTick: tick + 1 })}>
              {x.level > 0 ? `M${x.level} ` : ''}
              {x.what} · {x.handled}
            </button>
          ))}
        </div>
      )}
      <div className="tf-grid">
        {byMonitor ? (
          <Psw label="the guest's PSW before interpretation" psw={e.old} where={e.handled === 'reflected' ? "(reflected into the guest's virtual frame, guest-physical 0..3)" : ''} />
        ) : (
          <Psw label="old PSW" psw={e.old} where="→ E[0..3]" />
        )}
        <div className="tf-arrow" aria-hidden="true">
          <svg viewBox="0 0 60 40" width="60" height="40">
            <path d="M4 20 H50 M42 12 L52 20 L42 28" />
          </svg>
          <div className="tf-ce">
            {byMonitor ? 'cause' : 'E[4]'}={e.cause}
            <br />
            {byMonitor ? 'detail' : 'E[5]'}={detailText(e)}
          </div>
        </div>
        {byMonitor ? (
          <Psw label="the guest's PSW after interpretation" psw={e.new} where={e.handled === 'reflected' ? "(from the guest's virtual vector, guest-physical 8..11)" : ''} />
        ) : (
          <Psw label="new PSW" psw={e.new} where="← E[8..11]" />
        )}
      </div>
      <ol className="tf-path" aria-label="trap path">
        {e.path.map((p, i) => (
          <li key={i} style={{ animationDelay: `${250 + i * 220}ms` }} className={i === e.path.length - 1 ? 'last' : ''}>
            {p}
          </li>
        ))}
      </ol>
      <div className="tf-handled">
        handled: <b>{e.handled}</b>
      </div>
    </div>
  );
}

/** The trap log; a click on a row travels back (or forward) to the moment right after that trap. */
export function TrapLog() {
  const running = useRuntime((s) => s.frame?.state === 'running');
  const events = useThrottled(useRuntime((s) => s.events), 250, running);
  const total = useThrottled(useRuntime((s) => s.eventsTotal), 250, running);
  const steps = useThrottled(useRuntime((s) => s.frame?.steps ?? 0), 250, running);
  const box = useRef<HTMLDivElement>(null);
  const shown = events.slice(-300);
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [events.length, total]);
  return (
    <div className="traplog" ref={box} data-testid="traplog">
      <table>
        <TableHead cols={['step', 'lvl', 'cause', 'detail', 'instruction', 'handled']} />
        <tbody>
          {shown.map((e, i) => (
            <tr
              key={`${e.step}-${e.level}-${i}`}
              className={e.step === steps ? 'here' : e.step > steps ? 'future' : ''}
              onClick={() => !running && void actions.travelTo(e.step, e)}
              title="Travel to the moment right after this trap"
            >
              <td className="num">{fmtInt(e.step)}</td>
              <td className="num">{e.level}</td>
              <td>
                <span className={`cause-chip cause-${e.cause}${isHypercall(e) ? ' hypercall' : ''}`} title={isHypercall(e) ? 'SVC served as a hypercall (paravirtualization)' : causeName(e.cause)}>
                  {isHypercall(e) ? 'HCALL' : (SHORT[e.cause] ?? causeName(e.cause))}
                </span>
              </td>
              <td className="num">{detailText(e)}</td>
              <td>
                <code>{e.what}</code>
              </td>
              <td>{e.handled}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total === 0 && <div className="empty">No traps yet.</div>}
      {total > shown.length && <div className="muted small">showing the last {shown.length} of {fmtInt(total)}</div>}
    </div>
  );
}
