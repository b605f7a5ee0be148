import { expect, test } from '@playwright/test';
// Not the lessons module: it imports a monitor's source with Vite's ?raw, which Playwright's loader cannot.
import { SOLUTIONS } from '../src/lessons/solutions';
import { answer, check, openLessons } from './lessons';

/** Lessons 8–10 (x86 made virtualizable three ways) and their chart, through the page. */
test.beforeEach(async ({ page }) => openLessons(page));

test('lesson 8: a kernel that assumes its mode fails, the translated one passes; the chart compares the techniques', async ({ page }) => {
  await page.getByTestId('lesson-translate').click();
  await expect(page.getByTestId('lesson')).toContainText('binary translation');
  await answer(page, SOLUTIONS.translate.wrong);
  expect(await check(page)).toBe('false');
  await expect(page.getByTestId('lesson-result').locator('li.bad').first()).toContainText('never runs');
  await expect(page.getByTestId('lesson-result').locator('li.bad')).toContainText(['never runs', 'still equivalent']);
  await answer(page, SOLUTIONS.translate.right);
  expect(await check(page)).toBe('true');
  await expect(page.getByTestId('lesson-result')).toContainText('as translated code');
  await expect(page.getByTestId('lesson-translate')).toHaveClass(/solved/);

  // The chart: computed in the worker by running the guest under each technique.
  const chart = page.getByTestId('cost-chart');
  await expect(chart).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  const svg = chart.locator('svg.d3chart');
  for (const t of ['full monitor, unmodified kernel ✗', 'hybrid (interpreted)', 'binary translation', 'paravirtualization', 'hardware assist']) await expect(svg).toContainText(t);
  // One bar per nonzero count: full (direct), hybrid (interpreted + direct user code), bt (translated + calls), para (direct + hypercalls), assist (direct + exits).
  expect(await svg.locator('rect.cost-bar.c-translated').count()).toBe(1);
  expect(await svg.locator('rect.cost-bar.c-hypercalls').count()).toBe(1);
  expect(await svg.locator('rect.cost-bar.c-exits').count()).toBe(1);
  expect(await svg.locator('rect.cost-bar.c-interpreted').count()).toBeGreaterThanOrEqual(2);
  await expect(chart.getByTestId('export-beyond-1974-costs-svg')).toBeVisible();
  await expect(chart.getByTestId('export-beyond-1974-costs-png')).toBeVisible();
});

test('lesson 10: the answer is an ISA file; x86 without guest mode fails, with it passes', async ({ page }) => {
  await page.getByTestId('lesson-assist').click();
  await answer(page, '{ "name": "x86-vt", "base": ');
  expect(await check(page)).toBe('false');
  await expect(page.getByTestId('lesson-result')).toContainText('The ISA file does not parse');
  await answer(page, SOLUTIONS.assist.wrong);
  expect(await check(page)).toBe('false');
  await expect(page.getByTestId('lesson-result').locator('li.bad').first()).toContainText('no guest mode');
  await answer(page, SOLUTIONS.assist.right);
  expect(await check(page)).toBe('true');
  await expect(page.getByTestId('lesson-result')).toContainText('Relative to guest mode it holds');
  await expect(page.getByTestId('cost-chart')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
});

test('lesson 9: the editor starts with the unmodified kernel, which fails; the paravirtualized one passes', async ({ page }) => {
  await page.getByTestId('lesson-paravirt').click();
  expect(await check(page)).toBe('false');
  await expect(page.getByTestId('lesson-result')).toContainText('still runs GETMODE');
  await answer(page, SOLUTIONS.paravirt.right);
  expect(await check(page)).toBe('true');
  await expect(page.getByTestId('lesson-result')).toContainText('hypercalls');
  await expect(page.getByTestId('lesson-paravirt')).toHaveClass(/solved/);
});
