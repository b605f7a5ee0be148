import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** Downloads: the trap log and a run's statistics as CSV/JSON, charts and the Venn diagram as SVG/PNG. */
test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('state')).toHaveText(/idle/);
});

async function downloaded(page: Page, testId: string): Promise<{ name: string; data: Buffer }> {
  const wait = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const d = await wait;
  return { name: d.suggestedFilename(), data: readFileSync(await d.path()) };
}

test('the trap log and the run statistics download as CSV and JSON; the chart as SVG and PNG', async ({ page }) => {
  await page.getByRole('button', { name: 'Step to next trap' }).click();
  await expect(page.getByTestId('steps')).toHaveText('9');

  const csv = await downloaded(page, 'export-traps-csv');
  expect(csv.name).toBe('traps.csv');
  const lines = csv.data.toString('utf8').trim().split('\n');
  expect(lines[0]).toBe('step,level,cause,detail,what,handled,path');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^9,0,4,1,/);

  const json = JSON.parse((await downloaded(page, 'export-traps-json')).data.toString('utf8'));
  expect(json).toEqual([expect.objectContaining({ step: 9, cause: 4, detail: 1 })]);

  const stats = JSON.parse((await downloaded(page, 'export-stats-json')).data.toString('utf8'));
  expect(stats).toMatchObject({ example: 'first-trap.s', steps: 9, counters: { direct: 8, trapped: 1 } });
  const statsCsv = (await downloaded(page, 'export-stats-csv')).data.toString('utf8');
  expect(statsCsv.split('\n')[1]).toMatch(/^0,guest,9,8,1,0,/);

  const svg = await downloaded(page, 'export-native-vs-trapped-svg');
  expect(svg.name).toBe('native-vs-trapped.svg');
  expect(svg.data.toString('utf8')).toMatch(/^<\?xml[^]*<svg[^]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const png = await downloaded(page, 'export-native-vs-trapped-png');
  expect([...png.data.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});

test('the Venn diagram downloads as SVG (with its instructions) and PNG', async ({ page }) => {
  await page.getByTestId('tab-isa').click();
  await expect(page.locator('[data-testid="venn"] [data-mnemonic="GETMODE"]')).toBeVisible({ timeout: 30_000 });
  const svg = (await downloaded(page, 'export-venn-svg')).data.toString('utf8');
  expect(svg).toContain('GETMODE');
  expect(svg).toContain('fill:');
  const png = await downloaded(page, 'export-venn-png');
  expect(png.name).toBe('venn.png');
  expect(png.data.length).toBeGreaterThan(1000);
});
