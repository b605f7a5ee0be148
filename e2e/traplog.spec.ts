import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

/**
 * The trap log under a trap-heavy run: the privileged-heavy kernel (bench/workloads/kernel.s) under the full
 * monitor at depth 4 records traps by the hundred thousand a second. The log keeps showing the newest rows (a
 * window of them, fetched from the worker's ring), and Pause is answered at once. The bench (bench/browser.mjs)
 * holds the strict goal (50 ms); here the threshold is lenient, since CI machines are loaded.
 */
const KERNEL = readFileSync(new URL('../bench/workloads/kernel.s', import.meta.url), 'utf8');

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('state')).toHaveText(/idle/);
  await page.waitForFunction(() => (window as unknown as { __pglabEditor?: unknown }).__pglabEditor);
});

type Api = { trapRows(from: number, count: number): Promise<{ first: number; total: number }> };
const trapTotal = (page: Page) => page.evaluate(async () => (await (window as unknown as { __pglab: { api: Api } }).__pglab.api.trapRows(0, 0)).total);
const lastSeq = async (page: Page) => Number(await page.getByTestId('traplog').locator('tbody tr').last().getAttribute('data-seq'));

test('the trap log shows the newest rows while a trap-heavy run goes on, and Pause answers at once', async ({ page }) => {
  await page.getByLabel('Monitor', { exact: true }).selectOption('full');
  await page.getByLabel('Depth', { exact: true }).selectOption('4');
  await page.getByLabel('Memory size', { exact: true }).selectOption('16384');
  await page.evaluate((s) => (window as unknown as { __pglabEditor: { setValue(s: string): void } }).__pglabEditor.setValue(s), KERNEL);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(page.getByTestId('steps')).toHaveText('0');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('running');
  const rows = page.getByTestId('traplog').locator('tbody tr');
  await expect(rows.first()).toBeVisible();

  // Rows newer than every trap that existed a moment ago come into view while the run goes on.
  const before = await trapTotal(page);
  await expect.poll(() => lastSeq(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(before);
  // Only the rows in sight are in the page, however many traps there are.
  expect(await trapTotal(page)).toBeGreaterThan(1000);
  expect(await rows.count()).toBeLessThan(40);

  const pauseMs = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const state = document.querySelector('[data-testid=state]')!;
        const t0 = performance.now();
        const mo = new MutationObserver(() => {
          if (state.textContent !== 'running') {
            mo.disconnect();
            resolve(performance.now() - t0);
          }
        });
        mo.observe(state, { childList: true, characterData: true, subtree: true });
        [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Pause')!.click();
      }),
  );
  expect(pauseMs).toBeLessThan(500);
  await expect(page.getByTestId('state')).toHaveText('idle');
  // Paused: the last row is the newest trap, and it is the moment the machine is at.
  const total = await trapTotal(page);
  await expect.poll(() => lastSeq(page)).toBe(total - 1);

  // Scrolled up, the log shows older rows (fetched for that window) and offers the way back to the newest.
  await page.getByTestId('traplog').locator('.traplog-scroll').evaluate((el) => (el.scrollTop = -50 * 22));
  await expect.poll(() => lastSeq(page)).toBeLessThan(total - 30);
  await page.getByTestId('traplog-newest').click();
  await expect.poll(() => lastSeq(page)).toBe(total - 1);
});
