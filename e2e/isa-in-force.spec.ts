import { expect, test, type Page } from '@playwright/test';

/**
 * One ISA in force: what the ISA lab changes (a variant, a defined instruction) is what the workbench
 * assembles and runs, and its name says so. The program reads the mode twice, with GETMODE and with an SMSW
 * defined in the lab (effect `ra = M;`), in a VM under the full monitor. The guest runs in virtual supervisor
 * mode, i.e. in real user mode: a privileged instruction traps and is interpreted (the guest reads 0, its
 * virtual mode); an open one runs directly and reads the real mode, 1 — the tweak that breaks Theorem 1.
 */
test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('state')).toHaveText(/idle/);
  // Monaco is a chunk of its own: the workbench runs before it is up, the editor is driven once it is.
  await page.waitForFunction(() => (window as unknown as { __pglabEditor?: unknown }).__pglabEditor);
});

const PROGRAM = 'start: GETMODE r1\n  SMSW r2\n  OUT r1, 1\n  OUT r2, 1\n  HALT\n';

async function setEditor(page: Page, testId: string, text: string): Promise<void> {
  await expect(page.getByTestId(testId)).toBeVisible();
  await page.evaluate(([k, v]) => (window as unknown as Record<string, { setValue(s: string): void }>)[`__pglab_${k}`].setValue(v), [testId, text]);
}

/** Defines SMSW in the ISA lab's form, privileged or not. */
async function defineSmsw(page: Page, privileged: boolean): Promise<void> {
  await setEditor(page, 'effect-editor', 'ra = M;');
  await page.getByTestId('def-mnemonic').fill('SMSW');
  await page.getByTestId('def-operands').selectOption('ra');
  await page.getByTestId('def-privileged').setChecked(privileged);
  await page.getByTestId('def-add').click();
  await expect(page.getByTestId('def-message')).toHaveCount(0);
}

const reg = (page: Page, i: number) => page.getByTestId('registers').locator('.reg').nth(i).locator('.reg-dec');
const step = (page: Page) => page.getByRole('button', { name: 'Step', exact: true }).click();

test('a variant toggled and an instruction defined in the ISA lab are in force in the workbench, under the full monitor', async ({ page }) => {
  test.setTimeout(90_000);
  // The program uses SMSW, which pg1 does not have: the workbench says so.
  await page.evaluate((src) => (window as unknown as { __pglabEditor: { setValue(s: string): void } }).__pglabEditor.setValue(src), PROGRAM);
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await page.getByLabel('Monitor', { exact: true }).selectOption('full');
  await expect(page.getByTestId('isa-in-force')).toHaveValue('pg1');

  // 1. SMSW defined privileged, GETMODE privileged (pg1's): each traps and is interpreted.
  await page.getByTestId('tab-isa').click();
  await defineSmsw(page, true);
  await page.getByTestId('tab-workbench').click();
  const picker = page.getByTestId('isa-in-force');
  await expect(picker.locator('option:checked')).toHaveText('pg1 (modified)');
  await expect(page.getByTestId('status-isa')).toHaveText('ISA pg1 (modified)');
  // The editor's language follows: SMSW is no longer an unknown mnemonic.
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(0);

  await step(page);
  await expect(page.getByTestId('steps')).toHaveText('1');
  const log = page.getByTestId('traplog').locator('tbody tr');
  await expect(log).toHaveCount(1);
  await expect(log.first()).toContainText('GETMODE');
  await expect(log.first()).toContainText('interpreted');
  await expect(reg(page, 1)).toHaveText('0');
  await step(page);
  await expect(log).toHaveCount(2);
  await expect(log.nth(1)).toContainText('SMSW');
  await expect(log.nth(1)).toContainText('interpreted');
  await expect(reg(page, 2)).toHaveText('0');

  // 2. GETMODE open, SMSW redefined unprivileged: the machine reboots on the new ISA; neither traps, and the
  // guest reads the real mode (user) — the divergence Theorem 1's condition warns about.
  await page.getByTestId('tab-isa').click();
  await page.getByTestId('variant-GETMODE-open').check();
  await defineSmsw(page, false);
  await page.getByTestId('tab-workbench').click();
  await expect(picker.locator('option:checked')).toHaveText('pg1 (modified)');
  await expect(page.getByTestId('steps')).toHaveText('0');
  await step(page);
  await step(page);
  await expect(page.getByTestId('steps')).toHaveText('2');
  await expect(page.getByTestId('traplog').locator('tbody tr')).toHaveCount(0);
  await expect(reg(page, 1)).toHaveText('1');
  await expect(reg(page, 2)).toHaveText('1');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
  await expect(page.getByTestId('console')).toHaveText('11');

  // 3. A preset picked in the toolbar replaces the ISA everywhere, and the name says which.
  await picker.selectOption('pg1');
  await expect(page.getByTestId('status-isa')).toHaveText('ISA pg1');
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await page.getByTestId('tab-isa').click();
  await expect(page.getByTestId('preset')).toHaveValue('pg1');
});

test('an ISA file with errors is not put in force: the last good one stays, and the workbench says so', async ({ page }) => {
  await page.getByTestId('tab-isa').click();
  await page.getByTestId('variant-GETMODE-open').check();
  await setEditor(page, 'isa-editor', '{\n  "name": "broken",\n  "base": "pg1",\n  "variants": { "GETMODE": "opne" }\n}\n');
  await expect(page.getByTestId('isa-errors')).toContainText('line 4');
  await page.getByTestId('tab-workbench').click();
  await expect(page.getByTestId('status')).toContainText('stays in force');
  await expect(page.getByTestId('isa-in-force').locator('option:checked')).toHaveText('pg1 (modified)');
  await page.evaluate(() => (window as unknown as { __pglabEditor: { setValue(s: string): void } }).__pglabEditor.setValue('GETMODE r1\nOUT r1, 1\nHALT\n'));
  await page.getByLabel('Monitor', { exact: true }).selectOption('full');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
  // GETMODE open (the last good ISA), not pg1's privileged one: the guest reads real user mode.
  await expect(page.getByTestId('console')).toHaveText('1');
});
