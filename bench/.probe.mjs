import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1600, height: 1000 } });
await p.goto('http://127.0.0.1:4173');
await p.waitForFunction(() => window.__pglab && window.__pglabEditor);
await p.evaluate((s) => window.__pglabEditor.setValue(s), 'start: LI r2, 0\nloop: ADDI r2, 1\nXOR r3, r2\nST r2, [r0+100]\nJMP loop\n');
await p.getByRole('button', { name: 'Reset', exact: true }).click();
await p.waitForTimeout(500);
const r = await p.evaluate(async () => {
  const api = window.__pglab.api;
  await api.run(0);
  await new Promise(r => setTimeout(r, 1000));
  const lat = [];
  for (let i = 0; i < 10; i++) { const t0 = performance.now(); await api.frame({ view: { space: 'virtual', start: 0, count: 40, follow: true }, epoch: -1, consoleLen: 0, eventsTotal: 0, samplesTotal: 0 }); lat.push(Math.round(performance.now() - t0)); }
  const t0 = performance.now(); await api.pause(); const pause = performance.now() - t0;
  return { lat, pause, coi: crossOriginIsolated };
});
console.log(JSON.stringify(r));
await b.close();
