import { expect, test } from '@playwright/test';

/** A first visit: the default example traps within a few steps, a hint says what to press, a tour can be skipped. */
test('first visit: a hint, a skippable tour that stays skipped, and a trap at step 9', async ({ page }) => {
  await page.goto('/');
  // Browser tests run with navigator.webdriver set, where the tour waits to be asked for; "pending" is a first visit.
  await page.evaluate(() => {
    localStorage.clear();
    localStorage.setItem('pglab.tour.v1', 'pending');
  });
  await page.reload();
  await expect(page.getByTestId('tour')).toBeVisible();
  await expect(page.getByTestId('tour')).toContainText('1 / 4');
  await page.getByTestId('tour-next').click();
  await expect(page.getByTestId('tour')).toContainText('Step to next trap');
  await page.getByTestId('tour-skip').click();
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await expect(page.getByTestId('tour')).toHaveCount(0);
  // The Tour button brings it back on demand.
  await page.getByTestId('tour-start').click();
  await expect(page.getByTestId('tour')).toContainText('1 / 4');
  await page.getByTestId('tour-skip').click();

  await expect(page.getByTestId('hint')).toContainText('Step to next trap');
  await page.getByRole('button', { name: 'Step to next trap' }).click();
  await expect(page.getByTestId('steps')).toHaveText('9');
  await expect(page.getByTestId('traplog').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('traplog')).toContainText('SVC');
  await expect(page.getByTestId('hint')).toHaveCount(0);
});
