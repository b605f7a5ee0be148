import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1600, height: 1000 } });
await p.goto('http://127.0.0.1:4173');
await p.waitForFunction(() => window.__pglab && window.__pglabEditor);
await p.evaluate((s) => window.__pglabEditor.setValue(s), 'start: LUI r1, 0x400\nLI r2, 0\nloop: ADDI r2, 1\nXOR r3, r2\nJLT r2, r1, loop\nHALT\n');
await p.getByRole('button', { name: 'Reset', exact: true }).click();
await p.waitForTimeout(500);
const r = await p.evaluate(async () => {
  const api = window.__pglab.api;
  const req = { view: { space: 'virtual', start: 0, count: 40, follow: true }, epoch: -1, consoleLen: 0, eventsTotal: 0, samplesTotal: 0 };
  const out = [];
  for (let k = 0; k < 3; k++) {
    await api.reset();
    const t0 = performance.now();
    await api.run(0);
    let f;
    do { await new Promise(r => setTimeout(r, 5)); f = await api.frame(req); } while (f.state === 'running');
    out.push({ ms: Math.round(performance.now() - t0), steps: f.steps, ips: Math.round(f.steps / (performance.now() - t0) / 1000) + 'M' });
    await api.reset();
    const b = await api.bench(2e9);
    out.push({ straight: Math.round(b.ms), ips: Math.round(b.steps / b.ms / 1000) + 'M' });
  }
  return out;
});
console.log(JSON.stringify(r));
await b.close();
