import { expect, test, type Page } from '@playwright/test';
import { LOOPING, SOLUTIONS } from '../src/app/lab/lessons/solutions';

/** Each lesson's check, solved and failed, through the page: the check runs the program in the browser. */
const IDS = ['machine', 'relocation', 'monitor', 'theorem1', 'hybrid', 'recursion'];

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByTestId('tab-lessons').click();
  await expect(page.getByTestId('lesson-editor')).toBeVisible();
});

async function answer(page: Page, text: string): Promise<void> {
  await page.evaluate((v) => (window as unknown as Record<string, { setValue(s: string): void }>)['__pglab_lesson-editor'].setValue(v), text);
}

async function check(page: Page): Promise<string | null> {
  await page.getByTestId('lesson-check').click();
  const r = page.getByTestId('lesson-result');
  await expect(r).toBeVisible();
  await expect(page.getByTestId('lesson-check')).toBeEnabled();
  return r.getAttribute('data-passed');
}

for (const id of IDS) {
  test(`lesson ${id}: a wrong answer fails with the reason, a right one passes and is marked solved`, async ({ page }) => {
    await page.getByTestId(`lesson-${id}`).click();
    await answer(page, SOLUTIONS[id].wrong);
    expect(await check(page)).toBe('false');
    await expect(page.getByTestId('lesson-result').locator('li.bad').first()).toBeVisible();
    await expect(page.getByTestId('lesson-solved')).toHaveCount(0);
    await answer(page, SOLUTIONS[id].right);
    expect(await check(page)).toBe('true');
    await expect(page.getByTestId('lesson-result').locator('li.bad')).toHaveCount(0);
    await expect(page.getByTestId('lesson-solved')).toBeVisible();
    await expect(page.getByTestId(`lesson-${id}`)).toHaveClass(/solved/);
  });
}

test('a looping answer is stopped and explained; hints come one at a time', async ({ page }) => {
  await answer(page, LOOPING);
  expect(await check(page)).toBe('false');
  await expect(page.getByTestId('lesson-result')).toContainText('does not halt');
  await expect(page.getByTestId('lesson-result')).toContainText('loops');
  await page.getByTestId('lesson-hint').click();
  await expect(page.getByTestId('lesson-hints').locator('li')).toHaveCount(1);
  await page.getByTestId('lesson-hint').click();
  await expect(page.getByTestId('lesson-hints').locator('li')).toHaveCount(2);
});

test('an answer typed at the keyboard is checked, and progress and answers survive a reload', async ({ page }) => {
  await page.locator('[data-testid="lesson-editor"] .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  for (const line of ['.org 8', '.word 0, handler, 0, 16384', '.org 16', 'start: RETU user', 'user: HALT', 'handler: LD r1, [4]', 'HALT']) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
  }
  expect(await check(page)).toBe('true');
  await expect(page.getByTestId('lesson-progress')).toHaveText('1 of 6 solved');
  const typed = await page.evaluate(() => (window as unknown as Record<string, { getValue(): string }>)['__pglab_lesson-editor'].getValue());
  await page.reload();
  await page.getByTestId('tab-lessons').click();
  await expect(page.getByTestId('lesson-progress')).toHaveText('1 of 6 solved');
  await expect(page.getByTestId('lesson-machine')).toHaveClass(/solved/);
  await expect(page.getByTestId('lesson-solved')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as Record<string, { getValue(): string }>)['__pglab_lesson-editor'].getValue())).toBe(typed);
});
