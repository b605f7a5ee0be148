#!/usr/bin/env node
// Browser benchmark of the workbench: guest instructions per second in the Web Worker (straight, and sliced as
// Run does it with the UI pulling frames), and the UI's frames per second while the machine runs at full speed
// with every view open. Prints one JSON object. Optional part of `npm run bench` (skip it with --no-browser),
// which compares the worker with the same kind of loop run in-process in Node.
//
// Usage: node bench/browser.mjs [--url http://127.0.0.1:4173] [--no-build] [--screenshot docs/screenshot.png]
// Without --url it builds the app (unless dist/ exists and --no-build) and starts `vite preview` itself.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const LOOP = ['start: LUI r1, 0x400', 'LI r2, 0', 'loop: ADDI r2, 1', 'XOR r3, r2', 'JLT r2, r1, loop', 'HALT'].join('\n') + '\n';
const ENDLESS = ['start: LI r2, 0', 'loop: ADDI r2, 1', 'XOR r3, r2', 'ST r2, [r0+100]', 'JMP loop'].join('\n') + '\n';

function browserPath() {
  try {
    const p = chromium.executablePath();
    if (p && existsSync(p)) return p;
  } catch {
    // Playwright's own build is not installed
  }
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (existsSync(p)) return p;
  throw new Error('no Chromium: install Playwright browsers or Debian chromium');
}

async function waitFor(url, ms) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not start`);
}

let server = null;
let url = opt('--url');
if (!url) {
  if (!existsSync(path.join(root, 'dist/index.html')) || !args.includes('--no-build')) {
    const b = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) process.exit(1);
  }
  const port = 4179;
  server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: 'ignore', detached: true });
  url = `http://127.0.0.1:${port}`;
  await waitFor(url, 30_000);
}

const browser = await chromium.launch({
  executablePath: browserPath(),
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const out = { url };
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => window.__pglab && window.__pglabEditor);
  // Every panel open.
  for (const b of await page.locator('.panel.collapsed .panel-toggle').all()) await b.click();

  const setProgram = async (src) => {
    await page.evaluate((s) => window.__pglabEditor.setValue(s), src);
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=state]')?.textContent === 'idle');
  };

  // 1. Straight speed of the worker: one run call, no slicing.
  await setProgram(LOOP);
  const straight = await page.evaluate(async () => {
    const api = window.__pglab.api;
    let best = null;
    for (let k = 0; k < 3; k++) {
      await api.reset();
      const r = await api.bench(2_000_000_000);
      if (!best || r.ms < best.ms) best = r;
    }
    return best;
  });
  out.workerStraight = { steps: straight.steps, ms: Math.round(straight.ms), ips: Math.round((straight.steps / straight.ms) * 1000) };

  // 2. As Run does it: 8 ms slices of ~1 ms run calls, yields through a MessageChannel, checkpoints for
  // stepping back, while a frame is requested every 5 ms (more often than the page does).
  await setProgram(LOOP);
  const sliced = await page.evaluate(async () => {
    const api = window.__pglab.api;
    const req = { view: { space: 'virtual', start: 0, count: 48, follow: true }, epoch: -1, consoleLen: 0, eventsTotal: 0, samplesTotal: 0 };
    const best = { steps: 0, ms: Infinity };
    for (let k = 0; k < 3; k++) {
      await api.reset();
      const t0 = performance.now();
      await api.run(0);
      let f;
      do {
        await new Promise((r) => setTimeout(r, 5));
        f = await api.frame(req);
      } while (f.state === 'running');
      const ms = performance.now() - t0;
      if (ms < best.ms) Object.assign(best, { steps: f.steps, ms });
    }
    return best;
  });
  out.workerRun = { steps: sliced.steps, ms: Math.round(sliced.ms), ips: Math.round((sliced.steps / sliced.ms) * 1000) };

  // 3. Frames per second of the page while an endless loop runs at full speed with every view open.
  await setProgram(ENDLESS);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForTimeout(500);
  const fps = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let frames = 0;
        let worst = 0;
        let last = performance.now();
        const t0 = last;
        const tick = (t) => {
          frames++;
          worst = Math.max(worst, t - last);
          last = t;
          if (t - t0 < 3000) requestAnimationFrame(tick);
          else {
            const steps = Number(document.querySelector('[data-testid=steps]').textContent.replace(/,/g, ''));
            resolve({ fps: (frames * 1000) / (t - t0), worstFrameMs: worst, steps });
          }
        };
        requestAnimationFrame(tick);
      }),
  );
  // Pause as the user sees it: from the click to the state on screen no longer saying "running".
  const pauseMs = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const state = document.querySelector('[data-testid=state]');
        const t0 = performance.now();
        const mo = new MutationObserver(() => {
          if (state.textContent !== 'running') {
            mo.disconnect();
            resolve(performance.now() - t0);
          }
        });
        mo.observe(state, { childList: true, characterData: true, subtree: true });
        [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Pause').click();
      }),
  );
  out.ui = { fps: Math.round(fps.fps * 10) / 10, worstFrameMs: Math.round(fps.worstFrameMs), pauseMs: Math.round(pauseMs), stepsWhileMeasuring: fps.steps };
} finally {
  await browser.close();
}
// --screenshot FILE: the workbench as in docs/screenshot.png (kernel.s under a full VMM, back at an SVC).
const shot = opt('--screenshot');
if (shot) {
  const b2 = await chromium.launch({ executablePath: browserPath(), args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const p = await b2.newPage({ viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
    await p.goto(url);
    await p.evaluate(() => localStorage.clear());
    await p.reload();
    await p.waitForFunction(() => window.__pglab && window.__pglabEditor);
    await p.getByRole('list', { name: 'Example programs' }).getByRole('button', { name: /^kernel\.s/ }).click();
    await p.getByLabel('Monitor', { exact: true }).selectOption('full');
    await p.getByRole('button', { name: 'Run', exact: true }).click();
    await p.waitForFunction(() => document.querySelector('[data-testid=state]')?.textContent === 'halted');
    const rows = p.getByTestId('traplog').locator('tbody tr', { hasText: 'SVC' });
    await rows.nth(Math.max(0, (await rows.count()) - 2)).click();
    await p.waitForTimeout(1500);
    await p.screenshot({ path: shot });
    out.screenshot = shot;
  } finally {
    await b2.close();
  }
}
if (server) {
  try {
    process.kill(-server.pid);
  } catch {
    server.kill();
  }
}
console.log(JSON.stringify(out, null, 2));
