import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1600, height: 1000 } });
await p.goto('http://127.0.0.1:4173');
await p.waitForFunction(() => window.__pglab && window.__pglabEditor);
await p.evaluate((s) => window.__pglabEditor.setValue(s), 'start: LI r2, 0\nloop: ADDI r2, 1\nXOR r3, r2\nST r2, [r0+100]\nJMP loop\n');
await p.getByRole('button', { name: 'Reset', exact: true }).click();
await p.waitForTimeout(500);
const cdp = await p.context().newCDPSession(p);
await cdp.send('Profiler.enable');

await p.waitForTimeout(500);
await cdp.send('Profiler.start');
const fps = await p.evaluate(() => new Promise((res) => { let n = 0; const t0 = performance.now(); const f = (t) => { n++; if (t - t0 < 3000) requestAnimationFrame(f); else res(n / 3); }; requestAnimationFrame(f); }));
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = profile.timeDeltas; const byId = new Map(profile.nodes.map(n => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) { const n = byId.get(profile.samples[i]); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); }
console.log('fps', fps);
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join('\n'));
await b.close();
