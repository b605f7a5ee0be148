import { useEffect, useRef, useState } from 'react';

/**
 * How often the machine's views (registers, PSWs, memory, the memory map, the properties) redraw while it runs:
 * what a reader can follow, and it leaves the page's frames to scrolling and the counters on a busy machine.
 */
export const SLOW_MS = 250;

/** `value`, but while `active` at most one new value every `ms`: keeps heavy views cheap at full speed. */
export function useThrottled<T>(value: T, ms: number, active: boolean): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  const timer = useRef(0);
  useEffect(() => {
    if (!active) {
      clearTimeout(timer.current);
      last.current = performance.now();
      setShown(value);
      return;
    }
    const now = performance.now();
    const wait = last.current + ms - now;
    clearTimeout(timer.current);
    if (wait <= 0) {
      last.current = now;
      setShown(value);
    } else {
      timer.current = window.setTimeout(() => {
        last.current = performance.now();
        setShown(value);
      }, wait);
    }
    return () => clearTimeout(timer.current);
  }, [value, ms, active]);
  return active ? shown : value;
}

/** The pixel width of an element, so that SVG views draw at 1 unit = 1 px (text stays readable when wide or narrow). */
export function useWidth<T extends Element>(ref: React.RefObject<T | null>, fallback = 520): number {
  const [w, setW] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const cw = Math.round(el.clientWidth);
      if (cw > 0) setW(cw);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}
