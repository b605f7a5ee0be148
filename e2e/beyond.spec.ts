import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

/**
 * Beyond 1974 in the browser: the three ways round a failed Theorem 1 on x86, each picked in the workbench's
 * Monitor picker and each showing its work — hardware assist's guest-mode exits in the trap flow (with the toggle
 * in the ISA lab that gives x86 a guest mode), paravirtualization's hypercalls in the trap log, binary
 * translation's cache in the memory map — and the Recursion view's virtual against real time.
 */
test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('state')).toHaveText(/idle/);
});

const expected = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');
const example = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Example programs' }).getByRole('button', { name: new RegExp(`^${name.replace(/\./g, '\\.')}`) });
const monitor = (page: Page) => page.getByTestId('monitor');
const run = async (page: Page) => {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
};
const logRows = (page: Page) => page.getByTestId('traplog').locator('tbody tr');
/** Step to next trap, as a user would, until the trap log's newest rows hold one with `text` (the log shows only the rows in sight). */
const stepToRow = async (page: Page, text: string) => {
  for (let i = 0; i < 40; i++) {
    await page.getByRole('button', { name: 'Step to next trap' }).click();
    await expect(page.getByTestId('state')).not.toHaveText('running');
    const row = logRows(page).filter({ hasText: text }).last();
    if ((await row.count()) > 0) return row;
  }
  throw new Error(`no trap-log row with ${text} after 40 traps`);
};

test('assist: refused on plain x86 with the reason; with the ISA lab toggle on, GETR exits to the monitor and the run is equivalent', async ({ page }) => {
  test.setTimeout(90_000);
  await example(page, 'x86-getr.s').click();
  await expect(page.getByTestId('isa-in-force')).toHaveValue('x86');
  await monitor(page).selectOption('assist');
  // No silent fallback: the picker keeps assist, and both the toolbar and the status say what is wrong.
  await expect(monitor(page)).toHaveValue('assist');
  await expect(page.getByTestId('assist-missing')).toContainText('x86 has no guest mode');
  await expect(page.getByTestId('status')).toContainText('the assist monitor needs an ISA with hardware assist');

  await page.getByTestId('tab-isa').click();
  await expect(page.getByTestId('guest-mode')).toHaveAttribute('data-holds', 'none');
  await page.getByTestId('assist-toggle').check();
  // The classifier finds Theorem 1's condition restored relative to guest mode.
  await expect(page.getByTestId('guest-mode')).toHaveAttribute('data-holds', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('guest-mode-exits')).toContainText('GETR');
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'false');

  await page.getByTestId('tab-workbench').click();
  await expect(page.getByTestId('isa-in-force').locator('option:checked')).toHaveText('x86-assist');
  await expect(page.getByTestId('assist-missing')).toHaveCount(0);
  await (await stepToRow(page, 'GETR')).click();
  const flow = page.getByTestId('trapflow');
  await expect(flow).toContainText('EXIT');
  await expect(flow).toContainText('guest-mode exit: GETR is sensitive (cause 7 EXIT)');
  await expect(flow).toContainText("emulated GETR on VM 1's virtual state (assist monitor 1)");
  await run(page);
  await expect(page.getByTestId('console')).toHaveText(expected('x86-getr.expected').replace(/\n$/, ''));
  expect(Number((await page.getByTestId('count-exits').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(0);
  await expect(page.getByTestId('props-equivalence')).toContainText('same state under f');
});

test('full + hypercalls: x86-para.s calls the monitor, and the trap log tells hypercalls from reflected SVCs', async ({ page }) => {
  await example(page, 'x86-para.s').click();
  await monitor(page).selectOption('full+hypercalls');
  const call = await stepToRow(page, 'hypercall 1 GETR');
  await expect(call).toContainText('HCALL');
  await expect(call).toContainText('0xFF01');
  await call.click();
  await expect(page.getByTestId('trapflow')).toContainText('a call to the monitor');
  await expect(page.getByTestId('props-equivalence')).toContainText('not checked before the halt');
  await run(page);
  await expect(page.getByTestId('console')).toHaveText(expected('x86-para.expected').replace(/\n$/, ''));
  await expect(page.getByTestId('count-hypercalls')).toBeVisible();
  // Equivalence with hypercalls is about the ends (the bare kernel serves its own calls, in more steps).
  await expect(page.getByTestId('props-equivalence')).toContainText('same state under f');
  await expect(page.getByTestId('props-equivalence')).toContainText('run to its end');

  // The full monitor of §8 (no hypercalls) reflects the same SVCs into the guest kernel: no HCALL row.
  await monitor(page).selectOption('full');
  await expect(await stepToRow(page, 'SVC')).toContainText('reflected');
  await run(page);
  await expect(logRows(page).filter({ hasText: 'HCALL' })).toHaveCount(0);
  await expect(page.getByTestId('count-hypercalls')).toHaveCount(0);

  // The choice is saved with the session: a reload restores full + hypercalls (links: src/app/lab/share.test.ts).
  await monitor(page).selectOption('full+hypercalls');
  await page.getByTestId('tab-workbench').click();
  await page.reload();
  await expect(monitor(page)).toHaveValue('full+hypercalls');
});

test('bt: the memory map marks the words in the translation cache, with a legend and the translated counter', async ({ page }) => {
  await example(page, 'x86-kernel.s').click();
  await monitor(page).selectOption('bt');
  await run(page);
  await expect(page.getByTestId('console')).toHaveText(expected('x86-kernel.expected').replace(/\n$/, ''));
  await expect(page.getByTestId('tc-legend')).toBeVisible();
  await expect(page.getByTestId('memtable').locator('tr.translated').first()).toBeVisible();
  expect(Number(await page.getByTestId('tc-count').textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId('count-translated')).toBeVisible();
  // Under the full monitor nothing is translated: no marks, no legend.
  await monitor(page).selectOption('full');
  await run(page);
  await expect(page.getByTestId('tc-legend')).toHaveCount(0);
  await expect(page.getByTestId('memtable').locator('tr.translated')).toHaveCount(0);
});

test('Recursion: timer.s at depths 1–3 is equivalent under virtual time and diverges under real time, the real clock growing with depth', async ({ page }) => {
  await page.getByTestId('tab-recursion').click();
  await page.getByTestId('rec-time-run').click();
  await expect(page.getByTestId('rec-time-table')).toBeVisible({ timeout: 30_000 });
  const clock = async (id: string) => Number((await page.getByTestId(id).getByTestId('clock').textContent())!.replace(/,/g, ''));
  const bare = await clock('rec-time-bare');
  expect(bare).toBeGreaterThan(0);
  let last = bare;
  for (const d of [1, 2, 3]) {
    await expect(page.getByTestId(`rec-time-virtual-${d}`).getByTestId('verdict')).toHaveText('equivalent');
    expect(await clock(`rec-time-virtual-${d}`)).toBe(bare);
    await expect(page.getByTestId(`rec-time-real-${d}`).getByTestId('verdict')).toHaveText('diverges (console)');
    const c = await clock(`rec-time-real-${d}`);
    expect(c).toBeGreaterThan(last);
    last = c;
  }
});

test('at 1280×800 the Monitor picker with its new choices fits: no horizontal overflow', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const m of ['assist', 'full+hypercalls', 'bt']) {
    await monitor(page).selectOption(m);
    const box = await monitor(page).boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(over).toBe(0);
  }
  // The longest message (assist on an ISA without guest mode) wraps instead of pushing the page wider.
  await expect(page.getByTestId('assist-missing')).toHaveCount(0);
  await monitor(page).selectOption('assist');
  await expect(page.getByTestId('assist-missing')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
});
