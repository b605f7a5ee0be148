import { useEffect, useLayoutEffect, useState } from 'react';
import { useLab } from './lab/store';

/**
 * A short guided tour for a first visit: four stops, each a card that names one part of the screen, with the part
 * outlined. Skip ends it at once; either way it is remembered (localStorage) and does not come back unless the
 * Tour button is pressed. The card and the outline float (fixed position) and let clicks through around them.
 */
const KEY = 'pglab.tour.v1';

const STOPS: { target: string; title: string; text: string }[] = [
  {
    target: '.panel-editor',
    title: 'The program',
    text: 'first-trap.s: a kernel (supervisor mode) runs a user process, which asks the kernel for help with SVC. Every example is one click away above it.',
  },
  {
    target: '.controls',
    title: 'Step, or step to the next trap',
    text: 'Step (F10) runs one instruction; “Step to next trap” (Ctrl+F10) stops right after the process’s SVC traps, at step 9. Step back (Shift+F10) undoes.',
  },
  {
    target: '.panel-psw, .panel-flow',
    title: 'What the trap did',
    text: 'The PSW of every level and the trap flow show the old PSW saved in E[0..3] and the new one loaded from E[8..11]. The trap log lists every trap.',
  },
  {
    target: '.lab-tabs',
    title: 'The theorems',
    text: 'The ISA lab classifies instructions (sensitive, privileged), Equivalence runs a program bare and under a monitor side by side, Lessons guide you.',
  },
];

/** Browser tests drive the page themselves; a tour popping up in every one of them would be in the way. */
function firstVisit(): boolean {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'pending' || (v === null && !navigator.webdriver);
  } catch {
    return false;
  }
}

let startTour: () => void = () => undefined;

export function TourButton() {
  return (
    <button type="button" className="ghost" data-testid="tour-start" title="A short tour of the screen" onClick={() => startTour()}>
      Tour
    </button>
  );
}

export function Tour() {
  const [stop, setStop] = useState<number | null>(() => (firstVisit() ? 0 : null));
  const [rect, setRect] = useState<DOMRect | null>(null);
  const view = useLab((s) => s.view);
  const set = useLab((s) => s.set);
  useEffect(() => {
    startTour = () => {
      set({ view: 'workbench' });
      setStop(0);
    };
  }, [set]);
  const end = () => {
    setStop(null);
    try {
      localStorage.setItem(KEY, 'done');
    } catch {
      // private mode: the tour just comes back next time
    }
  };
  const cur = stop === null ? null : STOPS[stop];
  useLayoutEffect(() => {
    if (!cur) return;
    const measure = () => {
      const els = [...document.querySelectorAll(cur.target)];
      if (els.length === 0) return setRect(null);
      const rs = els.map((e) => e.getBoundingClientRect());
      const l = Math.min(...rs.map((r) => r.left));
      const t = Math.min(...rs.map((r) => r.top));
      setRect(new DOMRect(l, t, Math.max(...rs.map((r) => r.right)) - l, Math.max(...rs.map((r) => r.bottom)) - t));
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [cur, view]);
  if (!cur || stop === null) return null;
  const last = stop === STOPS.length - 1;
  return (
    <>
      {rect && <div className="tour-ring" style={{ left: rect.left - 3, top: rect.top - 3, width: rect.width + 6, height: rect.height + 6 }} aria-hidden="true" />}
      <div className="tour-card" role="dialog" aria-label="Tour" data-testid="tour">
        <div className="tour-count">
          {stop + 1} / {STOPS.length}
        </div>
        <h3>{cur.title}</h3>
        <p>{cur.text}</p>
        <div className="tour-buttons">
          <button type="button" className="ghost" data-testid="tour-skip" onClick={end}>
            {last ? 'Close' : 'Skip the tour'}
          </button>
          {!last && (
            <button type="button" data-testid="tour-next" onClick={() => setStop(stop + 1)}>
              Next
            </button>
          )}
        </div>
      </div>
    </>
  );
}
