import { expect, test, type Page } from '@playwright/test';

/** Layout: nothing moves when the machine runs, and large text (A+) leaves every panel usable. */
test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await expect(page.getByTestId('state')).toHaveText(/idle/);
});

/** A process in an endless loop, with a system call every 65,536 turns: counters, trap log and chart all change. */
const LOOP = `start:  ST r0, [8]
        LI r10, h
        ST r10, [9]
        ST r0, [10]
        LUI r10, 1
        ST r10, [11]
        LPSW [u]
u:      .word 1, 0, 0x100, 0x40
h:      LD r10, [1]
        ADDI r10, 1
        ST r10, [1]
        LPSW [0]
        .org 0x100
user:   LUI r3, 1
loop:   ADDI r2, 1
        JLT r2, r3, loop-0x100
        LI r2, 0
        SVC 1
        JMP loop-0x100
`;

async function height(page: Page, selector: string): Promise<number> {
  const box = await page.locator(selector).first().boundingBox();
  return box?.height ?? 0;
}

test('pressing Run and running for a second shifts nothing on the page (Layout Instability API)', async ({ page }) => {
  await page.evaluate((src) => (window as unknown as { __pglabEditor: { setValue(s: string): void } }).__pglabEditor.setValue(src), LOOP);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(page.getByTestId('steps')).toHaveText('0');
  await page.waitForTimeout(500);
  await page.evaluate(() => {
    const w = window as unknown as { __shift: { value: number; sources: string[] } };
    w.__shift = { value: 0, sources: [] };
    new PerformanceObserver((list) => {
      type Src = { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly };
      for (const e of list.getEntries() as unknown as { value: number; sources?: Src[] }[]) {
        w.__shift.value += e.value;
        for (const s of e.sources ?? []) {
          const el = s.node instanceof Element ? s.node : s.node?.parentElement;
          const r = (x: DOMRectReadOnly) => `${Math.round(x.x)},${Math.round(x.y)} ${Math.round(x.width)}x${Math.round(x.height)}`;
          w.__shift.sources.push(`${el ? `${el.tagName}.${el.className}` : '?'} ${r(s.previousRect)} -> ${r(s.currentRect)}`);
        }
      }
    }).observe({ type: 'layout-shift' });
  });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('running');
  await page.waitForTimeout(1000);
  // Measured while it runs (Pause may then scroll the editor to the current line, which is not a shift on Run).
  const shift = await page.evaluate(() => (window as unknown as { __shift: { value: number; sources: string[] } }).__shift);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('state')).not.toHaveText('running');
  expect(await page.getByTestId('traplog').locator('tbody tr').count()).toBeGreaterThan(0);
  expect(shift.sources).toEqual([]);
  expect(shift.value).toBe(0);
});

for (const [w, h, min] of [
  [1280, 800, 240],
  [1920, 1080, 380],
] as const) {
  test(`A+ four times at ${w}x${h} keeps the Program editor usable (taller than ${min} px) and the console visible`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    const before = await height(page, '[data-testid="editor"]');
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Larger text' }).click();
    await page.waitForTimeout(300);
    expect(before).toBeGreaterThan(min);
    expect(await height(page, '[data-testid="editor"]')).toBeGreaterThan(min);
    expect(await height(page, '.panel-console .panel-body')).toBeGreaterThan(40);
    // The editor's text grew too.
    const fs = await page.locator('[data-testid="editor"] .view-lines').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(fs).toBe(18);
    // The lab's editors follow the same size.
    await page.getByTestId('tab-isa').click();
    const lab = await page.locator('[data-testid="isa-editor"] .view-lines').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(lab).toBe(17);
  });
}
