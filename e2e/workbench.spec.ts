import { readFileSync, readdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

/** Each test starts from a clean slate: no saved program or settings. */
test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await expect(page.getByTestId('state')).toHaveText(/idle/);
});

/** Types into Monaco the way a user does: focus, select all, type. */
async function typeProgram(page: Page, lines: string[]): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    // Monaco auto-indents the next line; the assembler does not care, but keep lines flush for readability.
    await page.keyboard.press('Home');
  }
}

/** The example's button in the Examples list (its name is the file name followed by its description). */
const example = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Example programs' }).getByRole('button', { name: new RegExp(`^${name.replace(/\./g, '\\.')}`) });

const editorText = (page: Page) => page.evaluate(() => (window as unknown as { __pglabEditor: { getValue(): string } }).__pglabEditor.getValue());

test('type a program into Monaco, run it, see the console', async ({ page }) => {
  await typeProgram(page, ['start: LI r1, 72', 'OUT r1, 0', 'LI r1, 105', 'OUT r1, 0', 'LI r2, 42', 'OUT r2, 1', 'HALT']);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('console')).toHaveText('Hi42');
  await expect(page.getByTestId('state')).toHaveText('halted');
});

test('step through a trap: the PSW views and the trap flow change; step back undoes it', async ({ page }) => {
  await example(page, 'kernel.s').click();
  await expect(page.getByTestId('state')).toHaveText(/idle/);
  await expect(page.getByTestId('psw-m-0')).toHaveText('s');
  const p0 = await page.getByTestId('psw-p-0').textContent();

  await page.getByRole('button', { name: 'Step to next trap' }).click();
  await expect(page.getByTestId('traplog').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('trapflow')).toContainText('old PSW');
  await expect(page.getByTestId('trapflow')).toContainText('E[8..11]');
  // The kernel's process ran in user mode, inside its window, until the trap brought the kernel back.
  await expect(page.getByTestId('trapflow').locator('.tf-psw').first()).toContainText('u');
  await expect(page.getByTestId('psw-m-0')).toHaveText('s');
  await expect(page.getByTestId('psw-b-0')).toHaveText('65536');
  const trapStep = Number((await page.getByTestId('steps').textContent())!.replace(/,/g, ''));
  expect(trapStep).toBeGreaterThan(1);
  expect(await page.getByTestId('psw-p-0').textContent()).not.toBe(p0);

  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(page.getByTestId('steps')).toHaveText(String(trapStep - 1));
  // Just before the trap the process is in user mode in its window R = (0x1000, 0x100).
  await expect(page.getByTestId('psw-m-0')).toHaveText('u');
  await expect(page.getByTestId('psw-l-0')).toHaveText('4096');
  await expect(page.getByTestId('psw-b-0')).toHaveText('256');

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('steps')).toHaveText(String(trapStep));
  await expect(page.getByTestId('psw-m-0')).toHaveText('s');
});

test('step back 10,000+ steps and click a trap-log row to travel back to it', async ({ page }) => {
  await example(page, 'kernel.s').click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
  await expect(page.getByTestId('console')).toContainText('process stopped');
  const rows = page.getByTestId('traplog').locator('tbody tr');
  const n = await rows.count();
  expect(n).toBeGreaterThan(1);
  const firstStep = (await rows.first().locator('td').first().textContent())!;
  await rows.first().click();
  await expect(page.getByTestId('steps')).toHaveText(firstStep);
  await expect(page.getByTestId('console')).not.toContainText('process stopped');

  await typeProgram(page, ['start: LUI r1, 1', 'LI r2, 0', 'loop: ADDI r2, 1', 'JLT r2, r1, loop', 'HALT']);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
  const end = Number((await page.getByTestId('steps').textContent())!.replace(/,/g, ''));
  expect(end).toBeGreaterThan(100_000);
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step back' }).click();
  await expect(page.getByTestId('steps')).toHaveText((end - 3).toLocaleString('en'));
  await page.evaluate(async (goal) => {
    const w = window as unknown as { __pglab: { api: { travelTo(n: number): Promise<void> } } };
    await w.__pglab.api.travelTo(goal);
  }, end - 12_000);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('steps')).toHaveText((end - 12_000 + 1).toLocaleString('en'));
});

test('a syntax error shows a marker and Run is refused', async ({ page }) => {
  await typeProgram(page, ['start: LI r1, 5', 'ADDX r1, r2', 'HALT']);
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await expect(page.getByTestId('status')).toContainText('assembly error');
  const before = await page.getByTestId('steps').textContent();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('status')).toContainText('Not run');
  await expect(page.getByTestId('status')).toContainText('line 2');
  await expect(page.getByTestId('state')).not.toHaveText('running');
  expect(await page.getByTestId('steps').textContent()).toBe(before);
});

test('an endless loop keeps the page responsive and Pause answers within a second', async ({ page }) => {
  await typeProgram(page, ['start: ADDI r1, 1', 'JMP start']);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('running');
  await page.waitForTimeout(700);
  // The main thread answers at once while the worker runs flat out.
  const t0 = Date.now();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  expect(Date.now() - t0).toBeLessThan(500);
  const s1 = Number((await page.getByTestId('steps').textContent())!.replace(/,/g, ''));
  expect(s1).toBeGreaterThan(1_000_000);
  const p0 = Date.now();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('state')).toHaveText('idle', { timeout: 1000 });
  expect(Date.now() - p0).toBeLessThan(1000);
  const s2 = await page.getByTestId('steps').textContent();
  await page.waitForTimeout(300);
  expect(await page.getByTestId('steps').textContent()).toBe(s2);
});

test('a reload keeps the program and the settings', async ({ page }) => {
  await typeProgram(page, ['; kept across reloads', 'start: LI r3, 7', 'HALT']);
  await page.getByLabel('ISA preset').selectOption('x86');
  await page.waitForTimeout(200);
  await page.reload();
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await expect.poll(() => editorText(page)).toContain('; kept across reloads');
  expect(await editorText(page)).toContain('LI r3, 7');
  await expect(page.getByLabel('ISA preset')).toHaveValue('x86');
  await page.getByRole('button', { name: 'Reset to example' }).click();
  await expect.poll(() => editorText(page)).not.toContain('kept across reloads');
});

test('a program runs under nested monitors and every level shows its PSW', async ({ page }) => {
  await example(page, 'kernel.s').click();
  await page.getByLabel('Monitor', { exact: true }).selectOption('full');
  await page.getByLabel('Depth', { exact: true }).selectOption('2');
  await expect(page.getByTestId('psw').locator('tbody tr')).toHaveCount(3);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
  await expect(page.getByTestId('console')).toContainText('process stopped');
  await expect(page.getByTestId('traplog')).toContainText('reflected');
  await expect(page.getByTestId('depthchart')).toBeVisible();
});

test('a breakpoint set in the gutter stops Run before that line, and the current line is highlighted', async ({ page }) => {
  await typeProgram(page, ['start: LI r1, 0', 'LI r2, 50', 'loop: ADDI r1, 1', 'JLT r1, r2, loop', 'OUT r1, 1', 'HALT']);
  // Clicking a line number toggles a breakpoint on that line (line 5: OUT r1, 1).
  await page.locator('.monaco-editor .line-numbers', { hasText: /^5$/ }).click();
  await expect(page.locator('.monaco-editor .bp-glyph')).toHaveCount(1);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('break');
  await expect(page.getByTestId('psw-p-0')).toHaveText('20');
  await expect(page.locator('.monaco-editor .pc-line')).toHaveCount(1);
  await expect(page.getByTestId('console')).not.toContainText('50');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
  await expect(page.getByTestId('console')).toHaveText('50');
});

test('hovers come from the ISA table and say the variant in force under the chosen ISA', async ({ page }) => {
  await typeProgram(page, ['start: GETMODE r1', 'HALT']);
  await page.getByLabel('ISA preset').selectOption('x86');
  await page.locator('.monaco-editor .view-line span', { hasText: /^GETMODE$/ }).first().hover();
  await expect(page.locator('.monaco-hover').first()).toContainText('open: runs in user mode without trapping');
  await page.mouse.move(800, 900);
  await page.getByLabel('ISA preset').selectOption('pg1');
  await page.locator('.monaco-editor .view-line span', { hasText: /^HALT$/ }).first().hover();
  await page.locator('.monaco-editor .view-line span', { hasText: /^GETMODE$/ }).first().hover();
  await expect(page.locator('.monaco-hover').first()).toContainText('privileged: a PRIVILEGED trap');
});

test('keyboard: F10 steps, Shift+F10 steps back, even while typing in the editor; tooltips name the keys', async ({ page }) => {
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toHaveAttribute('title', /F10/);
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toHaveAttribute('title', /F5/);
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('F10');
  await expect(page.getByTestId('steps')).toHaveText('1');
  await page.keyboard.press('F10');
  await expect(page.getByTestId('steps')).toHaveText('2');
  await page.keyboard.press('Shift+F10');
  await expect(page.getByTestId('steps')).toHaveText('1');
});

test('every example is one click away, with its description; a header line sets the ISA', async ({ page }) => {
  const list = page.getByRole('list', { name: 'Example programs' });
  // One button per file in examples/ (read here, so a new example needs no edit of this test).
  await expect(list.getByRole('button')).toHaveCount(readdirSync(new URL('../examples/', import.meta.url)).filter((f) => f.endsWith('.s')).length);
  // The description is the first line of the example's leading comment, without the repeated file name.
  await expect(example(page, 'kernel.s')).toContainText('a tiny operating system');
  await expect(example(page, 'first-trap.s')).toHaveAttribute('aria-pressed', 'true');

  await example(page, 'x86-getr.s').click();
  await expect.poll(() => editorText(page)).toContain('x86-getr.s');
  await expect(page.getByLabel('ISA preset')).toHaveValue('x86');
  await expect(example(page, 'x86-getr.s')).toHaveAttribute('aria-pressed', 'true');
  await expect(example(page, 'first-trap.s')).toHaveAttribute('aria-pressed', 'false');
  // Every load can be undone (e2e/undo.spec.ts has the rest).
  await expect(page.getByTestId('undo-toast')).toContainText('Loaded example x86-getr.s');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('console')).toContainText('GETMODE says M = 1');
});

type Api = { trapRows(from: number, count: number): Promise<{ first: number; total: number }> };
const trapTotal = (page: Page) => page.evaluate(async () => (await (window as unknown as { __pglab: { api: Api } }).__pglab.api.trapRows(0, 0)).total);
const lastSeq = async (page: Page) => Number(await page.getByTestId('traplog').locator('tbody tr').last().getAttribute('data-seq'));

/**
 * The trap log under a trap-heavy run: the privileged-heavy kernel (bench/workloads/kernel.s) under the full
 * monitor at depth 4 records traps by the hundred thousand a second. The log keeps showing the newest rows (a
 * window of them, fetched from the worker's ring), and Pause is answered at once. The bench (bench/browser.mjs)
 * holds the strict goal (50 ms); here the threshold is lenient, since CI machines are loaded.
 */
test('the trap log shows the newest rows while a trap-heavy run goes on, and Pause answers at once', async ({ page }) => {
  await page.getByLabel('Monitor', { exact: true }).selectOption('full');
  await page.getByLabel('Depth', { exact: true }).selectOption('4');
  await page.getByLabel('Memory size', { exact: true }).selectOption('16384');
  await page.evaluate((s) => (window as unknown as { __pglabEditor: { setValue(s: string): void } }).__pglabEditor.setValue(s), readFileSync(new URL('../bench/workloads/kernel.s', import.meta.url), 'utf8'));
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

  // From the click to the state on screen saying it stopped, both stamped in the page.
  await page.evaluate(() => {
    const w = window as unknown as { clickAt: number; pausedAt: number };
    document.addEventListener('click', () => (w.clickAt = performance.now()), { capture: true, once: true });
    const el = document.querySelector('[data-testid=state]')!;
    const watch = new MutationObserver(() => el.textContent !== 'running' && (w.pausedAt ??= performance.now()));
    watch.observe(el, { subtree: true, characterData: true, childList: true });
  });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('state')).toHaveText('idle');
  const pauseMs = await page.evaluate(() => (window as unknown as { clickAt: number; pausedAt: number }).pausedAt - (window as unknown as { clickAt: number }).clickAt);
  expect(pauseMs).toBeLessThan(500);
  // Paused: the last row is the newest trap, and it is the moment the machine is at.
  const total = await trapTotal(page);
  await expect.poll(() => lastSeq(page)).toBe(total - 1);

  // Scrolled up, the log shows older rows (fetched for that window) and offers the way back to the newest.
  await page.getByTestId('traplog').locator('.traplog-scroll').evaluate((el) => (el.scrollTop = -50 * 22));
  await expect.poll(() => lastSeq(page)).toBeLessThan(total - 30);
  await page.getByTestId('traplog-newest').click();
  await expect.poll(() => lastSeq(page)).toBe(total - 1);
});
