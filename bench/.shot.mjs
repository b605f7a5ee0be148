import { chromium } from 'playwright-core';
const [url, out, scheme, example, actions, extra] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1600, height: 1000 }, colorScheme: scheme || 'dark', deviceScaleFactor: 1 });
p.on('pageerror', e => console.log('pageerror:', e.message));
p.on('console', m => { if (m.type() === 'error') console.log('console:', m.text()); });
await p.goto(url);
await p.evaluate(() => localStorage.clear()); await p.reload();
await p.waitForFunction(() => window.__pglab && window.__pglabEditor);
await p.waitForTimeout(500);
if (extra) for (const kv of extra.split(',')) { const [k, v] = kv.split('='); await p.getByLabel(k, { exact: true }).selectOption(v); await p.waitForTimeout(300); }
if (example) { await p.getByLabel('Example', { exact: true }).selectOption(example); await p.waitForTimeout(400); }
for (const a of (actions ?? '').split(',').filter(Boolean)) { await p.getByRole('button', { name: a, exact: true }).click(); await p.waitForTimeout(350); }
await p.waitForTimeout(900);
await p.screenshot({ path: out });
await b.close();
