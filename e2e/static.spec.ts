import { expect, test } from '@playwright/test';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The built site as a course would host it: plain files under a sub-path of some static server, and offline after
 * the first visit. The build is the one Playwright's web server made (`dist/`, or PGLAB_DIST).
 */
const dist = path.resolve(process.env.PGLAB_DIST ?? 'dist');
const SUB = '/some/path/';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.ttf': 'font/ttf', '.wasm': 'application/wasm' };

let server: http.Server;
let origin = '';
const misses: string[] = [];

test.beforeAll(async () => {
  expect(existsSync(path.join(dist, 'index.html')), `a build in ${dist}`).toBe(true);
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let file = '';
    if (url.pathname.startsWith(SUB)) {
      file = path.join(dist, decodeURIComponent(url.pathname.slice(SUB.length)) || 'index.html');
      if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    }
    if (!file.startsWith(dist + path.sep) || !existsSync(file)) {
      misses.push(url.pathname);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

test('the build runs from a sub-path: page, machine worker, lab worker and Monaco, nothing asked of the root', async ({ page }) => {
  misses.length = 0;
  await page.goto(origin + SUB);
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await page.getByRole('button', { name: 'Step to next trap' }).click();
  await expect(page.getByTestId('steps')).toHaveText('9');
  await page.getByTestId('tab-isa').click();
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'true', { timeout: 30_000 });
  expect(misses).toEqual([]);
});

test('after a first visit the lab works offline (service worker cache)', async ({ page, context }) => {
  await page.goto(origin + SUB);
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await page.getByRole('button', { name: 'Step to next trap' }).click();
  await expect(page.getByTestId('steps')).toHaveText('9');
  await page.getByTestId('tab-isa').click();
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'true', { timeout: 30_000 });
});
