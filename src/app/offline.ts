/**
 * Registers the service worker the production build writes (sw.js, see vite.config.ts), so the lab works offline
 * after a first visit. Relative to the page, so the site works from any sub-path. Not in development: Vite's dev
 * server serves modules on the fly and a cache would only get in the way.
 */
export function registerOffline(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((e: unknown) => console.warn('PG Lab: no offline cache:', e));
  });
}
