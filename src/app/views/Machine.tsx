import { useLayoutEffect, useMemo, useRef } from 'react';
import { SLOW_MS, useThrottled, useWidth } from '../throttle';
import * as d3 from 'd3';
import { fmtInt, hex, modeName } from '../format';
import { NO_LEVELS, useRuntime } from '../session';

/** The PSW (M, P, l, b) of every level: the real machine and each VM. */
export function PswView() {
  const running = useRuntime((s) => s.frame?.state === 'running');
  const levels = useThrottled(useRuntime((s) => s.frame?.levels ?? NO_LEVELS), SLOW_MS, running);
  const tick = useThrottled(useRuntime((s) => s.frame?.steps ?? 0), SLOW_MS, running);
  return (
    <table className="psw-table" data-testid="psw">
      <thead>
        <tr>
          <th>level</th>
          <th title="mode: s = supervisor, u = user">M</th>
          <th title="program counter (virtual)">P</th>
          <th title="relocation base">l</th>
          <th title="bounds (window size)">b</th>
          <th title="traps at this level">traps</th>
        </tr>
      </thead>
      <tbody>
        {levels.map((lv) => (
          <tr key={lv.level} data-level={lv.level} data-tick={tick}>
            <td className="lvl">
              <span className={`lvl-dot lvl-${Math.min(lv.level, 8)}`} />
              {lv.label}
            </td>
            <td className={`mode mode-${modeName(lv.psw.mode)}`} data-testid={`psw-m-${lv.level}`}>
              {modeName(lv.psw.mode)}
            </td>
            <td className="num" data-testid={`psw-p-${lv.level}`}>{lv.psw.pc}</td>
            <td className="num" data-testid={`psw-l-${lv.level}`}>{lv.psw.l}</td>
            <td className="num" data-testid={`psw-b-${lv.level}`}>{lv.psw.b}</td>
            <td className="num">{fmtInt(lv.stats.traps)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** r0..r15 of the guest; those changed by the last step or frame are marked. */
export function Registers() {
  const running = useRuntime((s) => s.frame?.state === 'running');
  const regs = useThrottled(useRuntime((s) => s.frame?.regs), SLOW_MS, running);
  const changed = useRuntime((s) => s.changedRegs);
  const tick = useRuntime((s) => s.flashTick);
  if (!regs) return <div className="empty">No program loaded.</div>;
  return (
    <div className="regs" data-testid="registers">
      {regs.map((v, i) => (
        <div key={i + (changed[i] && !running ? '-' + tick : '')} className={`reg${changed[i] ? ' changed' : ''}${i === 0 ? ' r0' : ''}`} title={`r${i} = ${v} = ${hex(v)}`}>
          <span className="reg-name">r{i}</span>
          {/* Long values get a smaller font so that three columns still fit a 1280 px screen. */}
          <span className={`reg-dec${String(v).length > 7 ? ' long' : ''}`}>{v}</span>
          <span className="reg-hex">{hex(v)}</span>
        </div>
      ))}
    </div>
  );
}

/**
 * Relocation bounds as a physical memory map: one band per level, each VM's allocation drawn inside its
 * parent's band and blown up into the next band; the current window R = (l, b) shaded, P marked.
 */
export function MemoryMap() {
  const running = useRuntime((s) => s.frame?.state === 'running');
  const levels = useThrottled(useRuntime((s) => s.frame?.levels ?? NO_LEVELS), SLOW_MS, running);
  const box = useRef<HTMLDivElement>(null);
  const W = useWidth(box);
  const bandH = 28;
  const gap = 40;
  const left = 78;
  const right = 12;
  const H = Math.max(1, levels.length) * (bandH + gap) + 6;
  const x = useMemo(() => d3.scaleLinear().range([left, W - right]), [W]);
  return (
    <div ref={box} className="memmap-box">
      {levels.length === 0 ? <div className="empty">No program loaded.</div> : (
    <svg className="memmap" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Relocation bounds: each level's window inside its parent's" data-testid="memmap">
      {levels.map((lv, i) => {
        const y = i * (bandH + gap) + 16;
        const sx = x.copy().domain([0, lv.size]);
        const wl = Math.max(0, Math.min(lv.size, lv.psw.l));
        const wr = Math.max(wl, Math.min(lv.size, lv.psw.l + lv.psw.b));
        const pcx = lv.psw.pc + lv.psw.l;
        const child = levels[i + 1];
        const ticks = sx.ticks(4);
        return (
          <g key={lv.level} className={`band lvl-${Math.min(lv.level, 8)}`}>
            <text x={4} y={y + bandH / 2 + 4} className="band-label">
              {lv.level === 0 ? 'physical' : `VM ${lv.level}`}
            </text>
            <rect x={sx(0)} y={y} width={sx(lv.size) - sx(0)} height={bandH} className="band-bg" rx={3} />
            <rect x={sx(wl)} y={y} width={Math.max(2, sx(wr) - sx(wl))} height={bandH} className="band-window" rx={2}>
              <title>{`window R = (l=${lv.psw.l}, b=${lv.psw.b}) in ${lv.label}`}</title>
            </rect>
            {child && (
              <>
                <rect x={sx(child.base)} y={y + 3} width={Math.max(2, sx(child.base + child.size) - sx(child.base))} height={bandH - 6} className="band-alloc" rx={2}>
                  <title>{`allocation of VM ${child.level}: ${child.base}..${child.base + child.size - 1}`}</title>
                </rect>
                <path
                  className="band-zoom"
                  d={`M${sx(child.base)},${y + bandH} L${x.range()[0]},${y + bandH + gap} L${x.range()[1]},${y + bandH + gap} L${sx(child.base + child.size)},${y + bandH} Z`}
                />
              </>
            )}
            {pcx >= 0 && pcx < lv.size && <line x1={sx(pcx)} x2={sx(pcx)} y1={y - 4} y2={y + bandH + 4} className="band-pc" />}
            <text x={sx(wl)} y={y - 4} className="band-tick">
              l={lv.psw.l}
            </text>
            <text x={Math.min(sx(wr), W - right)} y={y - 4} className="band-tick end">
              l+b={lv.psw.l + lv.psw.b}
            </text>
            {i === levels.length - 1 &&
              ticks.map((t) => (
                <text key={t} x={sx(t)} y={y + bandH + 15} className="band-axis">
                  {d3.format('~s')(t)}
                </text>
              ))}
          </g>
        );
      })}
    </svg>
      )}
    </div>
  );
}

export function ConsoleView() {
  const text = useRuntime((s) => s.console);
  const input = useRuntime((s) => s.frame?.consoleLen ?? 0);
  const ref = useRef<HTMLPreElement>(null);
  // Follows new output like a terminal, unless the user has scrolled up to read (then it stays put).
  const follow = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <pre
      className="console"
      data-testid="console"
      aria-live="polite"
      data-len={input}
      ref={ref}
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
      }}
    >
      {text || <span className="muted">(no output yet: OUT r, 0 prints a character, OUT r, 1 a number)</span>}
    </pre>
  );
}
