import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { disassembleWord } from '../../core/asm/disassembler';
import { hex } from '../format';
import { actions, configKey, currentConfig, isaOf, memView, useRuntime } from '../session';
import { useSettings } from '../store';
import { RealMemory } from '../tower/RealMemory';
import { SLOW_MS, useThrottled } from '../throttle';

const ROW = 24;

/**
 * Memory as a virtualized table (q can be a million words): only the rows in view are asked of the worker.
 * Virtual addresses go through the guest's R = (l, b); physical ones are guest-physical. Follows P.
 */
export function MemoryTable() {
  // While running, a few updates a second: a loop that hops between two places would otherwise move the window
  // (and set scrollTop, a layout at once) on every frame.
  const runningNow = useRuntime((s) => s.frame?.state === 'running');
  const frame = useThrottled(useRuntime((s) => s.frame), SLOW_MS, runningNow);
  const changed = useRuntime((s) => s.changedMem);
  const tick = useRuntime((s) => s.flashTick);
  const latestAsm = useRuntime((s) => s.asm);
  const loadedKey = useRuntime((s) => s.loadedKey);
  // The words are the loaded program's; the editor's text may be newer (edited, or with errors). Its line numbers
  // and labels would then name the wrong words, so they are shown only while the text is the one loaded.
  useSettings((s) => s.source);
  const current = loadedKey !== '' && configKey(currentConfig()) === loadedKey;
  const asm = current ? latestAsm : null;
  const space = useSettings((s) => s.memSpace);
  const memLevel = useSettings((s) => s.memLevel);
  const follow = useSettings((s) => s.memFollow);
  const isaName = useSettings((s) => s.isa);
  const breakLines = useSettings((s) => s.breakLines);
  const set = useSettings((s) => s.set);
  const box = useRef<HTMLDivElement>(null);
  const programmatic = useRef(false);
  const psw = frame?.psw;
  const rows = frame ? (space === 'virtual' ? Math.max(0, Math.min(psw!.b, frame.q - Math.max(0, psw!.l))) : frame.q) : 0;
  const total = Math.max(rows, 1);

  memView.space = space;
  memView.level = space === 'real' ? memLevel : 0;
  memView.follow = follow;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      memView.count = Math.ceil(el.clientHeight / ROW) + 2;
      actions.requestPull();
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Follow P: the worker recentres the window; scroll to where it put it (touching the DOM only on a move,
  // since setting scrollTop lays the page out at once). A layout effect: the scroll lands in the same painted frame
  // as the rows it follows (after a paint, a window moved off the view for one frame is a layout shift).
  const memStart = frame?.mem.start ?? 0;
  const scrolledTo = useRef(-1);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !follow || scrolledTo.current === memStart) return;
    scrolledTo.current = memStart;
    programmatic.current = true;
    el.scrollTop = memStart * ROW;
  }, [memStart, follow]);

  const onScroll = () => {
    const el = box.current!;
    if (programmatic.current) {
      programmatic.current = false;
      return;
    }
    memView.start = Math.floor(el.scrollTop / ROW);
    scrolledTo.current = memView.start;
    if (follow) set({ memFollow: false });
    memView.follow = false;
    actions.requestPull();
  };

  const isa = isaOf(isaName);
  const names = useMemo(() => {
    const m = new Map<number, string>();
    for (const [n, a] of asm?.symbols ?? []) if (!m.has(a)) m.set(a, n);
    return m;
  }, [asm]);
  const running = frame?.state === 'running';
  const bpAddrs = new Set(breakLines.map((l) => asm?.addrOfLine.get(l)).filter((a) => a !== undefined));
  const pcAddr = psw ? (space === 'virtual' ? psw.pc : psw.pc + psw.l) : -1;
  const start = frame?.mem.start ?? 0;
  const words = frame?.mem.words ?? [];
  const lOff = space === 'virtual' && psw ? psw.l : 0;

  return (
    <div className="memtable-wrap">
      <div className="memtable-bar">
        <div className="seg" role="group" aria-label="Address space">
          <button type="button" className={space === 'virtual' ? 'on' : ''} onClick={() => { set({ memSpace: 'virtual' }); actions.requestPull(); }} title="Addresses as the program sees them, through R = (l, b)">
            virtual
          </button>
          <button type="button" className={space === 'physical' ? 'on' : ''} onClick={() => { set({ memSpace: 'physical' }); actions.requestPull(); }} title="Physical addresses of the guest's memory">
            physical
          </button>
          {frame?.tower && (
            <button type="button" className={space === 'real' && !memLevel ? 'on' : ''} onClick={() => { set({ memSpace: 'real', memLevel: 0 }); actions.requestPull(); }} title="The real machine's memory: every monitor's code and trap frame, then the guest's window">
              real machine
            </button>
          )}
          {frame?.tower &&
            Array.from({ length: frame.tower.depth }, (_, i) => i + 1).map((k) => (
              <button
                key={k}
                type="button"
                className={space === 'real' && memLevel === k ? 'on' : ''}
                onClick={() => {
                  set({ memSpace: 'real', memLevel: k, memFollow: false });
                  memView.follow = false;
                  memView.start = 0;
                  actions.requestPull();
                }}
                title={`Memory as monitor ${k} sees it: its physical memory, real ${(k - 1) * frame.tower!.guest}.. (its trap frame at 0..11, its guest's window at ${frame.tower!.guest})`}
              >
                level {k}
              </button>
            ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => { set({ memFollow: e.target.checked }); actions.requestPull(); }} /> follow P
        </label>
        <form
          className="goto"
          onSubmit={(e) => {
            e.preventDefault();
            const v = Number((e.currentTarget.elements.namedItem('addr') as HTMLInputElement).value);
            if (Number.isFinite(v) && box.current) {
              set({ memFollow: false });
              memView.follow = false;
              box.current.scrollTop = v * ROW;
            }
          }}
        >
          <input name="addr" placeholder="go to address" aria-label="Go to address" />
        </form>
        <span className="muted small">words {rows.toLocaleString('en')}</span>
        {frame?.mem.translated && (
          <span className="muted small tc-legend" data-testid="tc-legend" title="The bt monitor translated these words into its translation cache (a block of translated code per basic block); a guest store into one drops its block">
            <i /> translated (in the translation cache): <b data-testid="tc-count">{frame.mem.translated.filter(Boolean).length}</b> shown
          </span>
        )}
        {!current && frame && (
          <span className="muted small" data-testid="mem-stale" title="The program was edited after it was loaded: Run or Step reassembles it">
            · edited: source lines shown again after Run or Step
          </span>
        )}
      </div>
      {space === 'real' && frame?.tower && frame.mem.space === 'real' ? <RealMemory frame={frame} /> : null}
      <div className="memtable" ref={box} onScroll={onScroll} data-testid="memtable" style={space === 'real' && frame?.tower ? { display: 'none' } : undefined}>
        <div style={{ height: total * ROW, position: 'relative' }}>
          {/* Placed by a transform, not `top`: moving the window (follow P, a smaller address space) changes no
              element's layout position, so it is never a layout shift, whatever frame the scroll arrives in. */}
          <table style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${start * ROW}px)` }}>
            <tbody>
              {words.map((w, i) => {
                const a = start + i;
                if (a >= rows || (frame && !frame.mem.valid[i])) return null;
                const phys = a + lOff;
                const flash = !running && changed.has(a);
                const line = asm?.lineOfAddr.get(phys);
                return (
                  <tr
                    key={flash ? `${a}-${tick}` : a}
                    className={`${a === pcAddr ? 'pc' : ''}${flash ? ' flash' : ''}${bpAddrs.has(phys) ? ' bp' : ''}${frame?.mem.translated?.[i] ? ' translated' : ''}`}
                    style={{ height: ROW }}
                  >
                    <td className="addr">{a === pcAddr ? '▶ ' : ''}{a}</td>
                    <td className="num">{w}</td>
                    <td className="hexv">{hex(w)}</td>
                    <td className="dis">{w === 0 && line === undefined ? <span className="muted">0</span> : disassembleWord(w, isa, names)}</td>
                    <td className="src muted">{line !== undefined ? `:${line}` : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
