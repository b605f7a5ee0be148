import { useEffect, useRef, useState } from 'react';

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
