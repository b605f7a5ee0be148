import { expect, type Page } from '@playwright/test';

/** The lessons tab, fresh (no progress, no saved answers). */
export async function openLessons(page: Page): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByTestId('tab-lessons').click();
  await expect(page.getByTestId('lesson-editor')).toBeVisible();
}

/** Puts an answer into the lesson's editor. */
export async function answer(page: Page, text: string): Promise<void> {
  await page.evaluate((v) => (window as unknown as Record<string, { setValue(s: string): void }>)['__pglab_lesson-editor'].setValue(v), text);
}

/** Runs the check; its verdict (data-passed). */
export async function check(page: Page): Promise<string | null> {
  await page.getByTestId('lesson-check').click();
  const r = page.getByTestId('lesson-result');
  await expect(r).toBeVisible();
  await expect(page.getByTestId('lesson-check')).toBeEnabled();
  return r.getAttribute('data-passed');
}
