import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation headers (dev and preview alike). Nothing uses a SharedArrayBuffer today: Pause is a
// message the worker sees between its ~1 ms run slices. The headers make the page cross-origin isolated, so a
// shared pause flag could be added later without changing how the app is served.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  // Crawl the workers too, so `npm run dev` pre-bundles what they import (comlink, monaco's worker) before the
  // first page load instead of discovering it then and forcing a reload.
  optimizeDeps: { entries: ['index.html', 'src/worker/worker.ts', 'src/app/lab/*.worker.ts'] },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: {
    chunkSizeWarningLimit: 4096,
    target: 'es2022',
    // Monaco's worker is slow to bundle on a busy machine; the timing report is noise in CI logs.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
