import { expect, type Page } from '@playwright/test';

/** The app with nothing saved, once the theorem lab's tabs are up. */
export async function openClean(page: Page): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('tab-isa')).toBeVisible();
}

/** Sets a lab editor's text through Monaco's API (the editors register themselves as window.__pglab_<testid>). */
export async function setEditor(page: Page, testId: string, text: string): Promise<void> {
  await expect(page.getByTestId(testId)).toBeVisible();
  await page.evaluate(([k, v]) => (window as unknown as Record<string, { setValue(s: string): void }>)[`__pglab_${k}`].setValue(v), [testId, text]);
}
