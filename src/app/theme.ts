import { useEffect, useState } from 'react';
import { useSettings } from './store';

const query = typeof window !== 'undefined' ? window.matchMedia('(prefers-color-scheme: dark)') : null;

/** Dark unless the user chose light, or chose auto and the system is light. */
export function useDark(): boolean {
  const theme = useSettings((s) => s.theme);
  const [sysDark, setSysDark] = useState(() => query?.matches ?? true);
  useEffect(() => {
    if (!query) return;
    const on = (e: MediaQueryListEvent) => setSysDark(e.matches);
    query.addEventListener('change', on);
    return () => query.removeEventListener('change', on);
  }, []);
  const dark = theme === 'dark' || (theme === 'auto' && sysDark);
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [dark]);
  return dark;
}
