import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1600, height: 1000 } });
p.on('console', m => console.log('console:', m.type(), m.text()));
p.on('pageerror', e => console.log('pageerror:', e.message));
await p.goto(process.argv[2] ?? 'http://127.0.0.1:4173');
await p.waitForTimeout(2500);
for (const a of (process.argv[4] ?? '').split(',').filter(Boolean)) { await p.getByRole('button', { name: a, exact: true }).click(); await p.waitForTimeout(400); }
await p.screenshot({ path: process.argv[3] ?? '/tmp/shot.png' });
await b.close();
