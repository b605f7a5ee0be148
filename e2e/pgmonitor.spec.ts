import { expect, test } from '@playwright/test';

/** Each test starts from a clean slate: the default example (first-trap.s, a user process whose SVC traps). */
test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await expect(page.getByTestId('state')).toHaveText(/idle/);
});

const num = async (loc: import('@playwright/test').Locator): Promise<number> => Number((await loc.textContent())!.replace(/,/g, ''));

test('full.s (PG/1): Step to next trap enters the dispatcher; the real E[0..5] shown is real memory 0..5; Step over monitor returns to the guest', async ({ page }) => {
  await page.getByRole('combobox', { name: 'Monitor' }).selectOption('full.s');
  await expect(page.getByTestId('level-tabs')).toBeVisible();
  // The first traps are full.s's boot probes and the guest kernel's own privileged instructions (interpreted by
  // full.s); go on to the SVC.
  const flow = page.getByTestId('trapflow');
  for (let i = 0; i < 30; i++) {
    await page.getByRole('button', { name: 'Step to next trap' }).click();
    await expect(flow).toContainText('real E[0..3]');
    if ((await flow.locator('.cause-chip').textContent())?.includes('SVC')) break;
  }
  await expect(flow.locator('.cause-chip')).toContainText('SVC');
  await expect(flow).toContainText('from the guest');
  // Execution is inside full.s's dispatcher: monitor 1's tab is the active one, with a current line.
  await expect(page.getByTestId('level-tab-1')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('monitor-editor')).toHaveAttribute('data-line', /^\d+$/);

  const shown: number[] = [];
  for (let i = 0; i < 4; i++) shown.push(await num(page.getByTestId(`real-old-${i}`)));
  for (let i = 0; i < 2; i++) shown.push(await num(page.getByTestId(`real-ce-${i}`)));
  expect(shown[4]).toBe(4); // SVC
  expect(shown[0]).toBe(1); // the guest runs in real user mode

  // The memory view in real mode: real addresses 0..5 hold exactly that.
  await page.getByRole('button', { name: 'real machine' }).click();
  await page.getByRole('button', { name: /^full\.s 1 @0/ }).click();
  for (let a = 0; a < 6; a++) await expect(page.getByTestId(`real-val-${a}`)).toHaveText(String(shown[a]));
  await expect(page.getByTestId('real-4')).toContainText('E[4] cause');

  const before = await num(page.getByTestId('steps'));
  await page.getByRole('button', { name: 'Step over monitor' }).click();
  await expect(page.getByTestId('level-tab-guest')).toHaveAttribute('aria-selected', 'true');
  expect(await num(page.getByTestId('steps'))).toBeGreaterThan(before);
  await expect(flow).toContainText('in the guest');

  // The dispatcher's path through full.s (labels of its source) and the LPSW that resumed the guest.
  const path = page.getByTestId('real-dispatch');
  await expect(path).toContainText('dispatcher');
  await expect(path.locator('code').first()).toHaveText('dispatcher');
  const resume = page.getByTestId('real-resume');
  await expect(resume).toContainText(/LPSW resumes the guest: new PSW \(u, P=\d+, l=\d+, b=\d+\) loaded from real \d+\.\.\d+/);
  await expect(resume).not.toContainText('(ahead)');

  // The memory view in "level 1" mode: full.s's own trap frame, the same E[0..5] as the real machine's.
  await page.getByRole('button', { name: 'level 1', exact: true }).click();
  await expect(page.getByTestId('realmem')).toHaveAttribute('data-level', '1');
  await page.getByRole('button', { name: /^full\.s 1 @0/ }).click();
  for (let a = 0; a < 6; a++) await expect(page.getByTestId(`lvl1-val-${a}`)).toHaveText(String(shown[a]));
  await expect(page.getByTestId('lvl1-4')).toContainText('its own trap frame E[4] cause');
  await page.getByRole('button', { name: 'real machine' }).click();
  for (let a = 0; a < 6; a++) await expect(page.getByTestId(`real-val-${a}`)).toHaveText(String(shown[a]));
});

test('built-in full VMM: the trap flow shows the guest’s PSW before and after interpretation, never a trap frame', async ({ page }) => {
  await page.getByRole('combobox', { name: 'Monitor' }).selectOption('full');
  await page.getByRole('button', { name: 'Step to next trap' }).click();
  const flow = page.getByTestId('trapflow');
  await expect(flow).toContainText("the guest's PSW before interpretation");
  await expect(flow).toContainText("the guest's PSW after interpretation");
  await expect(flow).not.toContainText('E[0..3]');
  await expect(flow).not.toContainText('E[8..11]');
  await expect(flow).not.toContainText('trap frame');
  await expect(page.getByTestId('level-tabs')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Step over monitor' })).toHaveCount(0);
});

test('Recursion made real: a trap through full.s costs more real instructions at every depth, in the page', async ({ page }) => {
  await page.getByTestId('tab-recursion').click();
  const table = page.getByTestId('pg-rec-trap-heavy');
  await expect(table).toBeVisible({ timeout: 40_000 });
  const row = table.locator('tr', { hasText: 'full.s (PG/1)' }).locator('td');
  await expect(row).toHaveCount(4);
  const v: number[] = [];
  for (let i = 0; i < 4; i++) v.push(Number((await row.nth(i).textContent())!.replace(/[,*]/g, '')));
  for (let i = 1; i < 4; i++) expect(v[i]).toBeGreaterThan(v[i - 1] * 1.5);
  await expect(page.getByTestId('pg-rec-innocuous')).toBeVisible();
});
