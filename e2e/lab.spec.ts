import { expect, test, type Page } from '@playwright/test';
import { openClean, setEditor } from './lab';

/** The theorem lab's views: ISA lab, Equivalence, Recursion, and shared links. Each test starts clean. */
test.beforeEach(({ page }) => openClean(page));

/** A lab editor's text, once its Monaco is up (the lab views and Monaco are chunks that load when first shown). */
async function getEditor(page: Page, testId: string): Promise<string> {
  await page.waitForFunction((k) => (window as unknown as Record<string, unknown>)[`__pglab_${k}`], testId);
  return page.evaluate((k) => (window as unknown as Record<string, { getValue(): string }>)[`__pglab_${k}`].getValue(), testId);
}

test('ISA lab: pg1 meets all three conditions; one toggle breaks Theorem 1, the Venn marks the violator, the witness shows the difference', async ({ page }) => {
  await page.getByTestId('tab-isa').click();
  for (const t of ['theorem1', 'theorem2', 'theorem3']) await expect(page.getByTestId(t)).toHaveAttribute('data-holds', 'true', { timeout: 20_000 });
  // Sufficient conditions, worded as implications, never "iff".
  await expect(page.getByTestId('theorem1')).toContainText('sensitive ⊆ privileged ⇒ a VMM can be built');
  await expect(page.getByTestId('theorems')).toContainText('sufficient conditions');
  await expect(page.getByTestId('theorems')).not.toContainText(/\biff\b/);
  await expect(page.locator('[data-testid="venn"] .violator')).toHaveCount(0);
  await expect(page.locator('[data-testid="venn"] [data-mnemonic="GETMODE"]')).toHaveAttribute('data-region', 'PS');

  await page.getByTestId('variant-GETMODE-open').check();
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'false', { timeout: 20_000 });
  await expect(page.getByTestId('theorem1')).toContainText('GETMODE');
  await expect(page.getByTestId('theorem3')).toHaveAttribute('data-holds', 'true');
  const g = page.locator('[data-testid="venn"] [data-mnemonic="GETMODE"]');
  await expect(g).toHaveAttribute('data-region', 'S');
  await expect(g).toHaveClass(/violator/);
  // The mode-sensitivity witness: two executions side by side, s and u, with r1 marked as the difference.
  await page.getByTestId('class-GETMODE').click();
  const w = page.getByTestId('witnesses').getByTestId('witness').filter({ hasText: 'Mode sensitive' });
  await expect(w.getByTestId('witness-state-0')).toContainText('s');
  await expect(w.getByTestId('witness-state-1')).toBeVisible();
  await expect(w.getByTestId('witness-state-0').locator('tr.diff').first()).toBeVisible();
  // The ISA file follows the toggle.
  expect(await getEditor(page, 'isa-editor')).toContain('"GETMODE": "open"');
});

test('ISA lab: an ISA file with errors shows them in place and keeps the last good classification', async ({ page }) => {
  // The workbench toolbar's preset and the lab's ISA file are the same choice.
  await page.getByLabel('ISA preset').selectOption('x86');
  await page.getByTestId('tab-isa').click();
  await expect(page.getByTestId('preset')).toHaveValue('x86');
  await expect(page.getByTestId('theorem3')).toHaveAttribute('data-holds', 'false', { timeout: 20_000 });
  await setEditor(page, 'isa-editor', '{\n  "name": "broken",\n  "base": "pg1",\n  "variants": { "GETMODE": "opne" }\n}\n');
  await expect(page.getByTestId('isa-errors')).toContainText('line 4');
  await expect(page.locator('[data-testid="isa-editor"] .squiggly-error').first()).toBeVisible();
  await expect(page.getByTestId('class-status')).toContainText('last good');
  // The x86 verdicts are still there.
  await expect(page.getByTestId('classified-isa')).toHaveText('x86');
  await expect(page.getByTestId('theorem3')).toHaveAttribute('data-holds', 'false');
});

test('ISA lab: define an instruction; effect errors are marked; the new instruction is classified', async ({ page }) => {
  await page.getByTestId('tab-isa').click();
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'true', { timeout: 20_000 });
  await setEditor(page, 'effect-editor', 'ra = M +;');
  await expect(page.getByTestId('effect-error')).toContainText('column');
  await expect(page.locator('[data-testid="effect-editor"] .squiggly-error').first()).toBeVisible();
  await page.getByTestId('def-add').click();
  await expect(page.getByTestId('def-message')).toContainText('error');
  await setEditor(page, 'effect-editor', 'ra = M;');
  await page.getByTestId('def-mnemonic').fill('SMSW');
  await page.getByTestId('def-add').click();
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'false', { timeout: 20_000 });
  await expect(page.getByTestId('theorem1')).toContainText('SMSW');
  await expect(page.getByTestId('class-SMSW').locator('[data-col="modeSensitive"]')).toHaveClass(/yes/);
  await expect(page.getByTestId('class-SMSW').locator('[data-col="privileged"]')).toHaveClass(/no/);
  await expect(page.locator('[data-testid="venn"] [data-mnemonic="SMSW"]')).toHaveClass(/violator/);
  // Privileged, it no longer breaks anything.
  await page.getByTestId('def-privileged').check();
  await page.getByTestId('def-add').click();
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'true', { timeout: 20_000 });
});

test('Equivalence: the counterexample for x86 diverges at its line, highlighted on both sides; pg1 stays equivalent', async ({ page }) => {
  await page.getByTestId('tab-isa').click();
  await page.getByTestId('preset').selectOption('x86');
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'false', { timeout: 20_000 });
  await page.getByTestId('tab-equiv').click();
  await page.getByTestId('eq-counterexample').click();
  const src = await getEditor(page, 'eq-editor');
  expect(src).toMatch(/Counterexample/);
  await page.getByTestId('eq-run').click();
  const d = page.getByTestId('eq-divergence');
  await expect(d).toContainText('Diverged after step');
  const line = src.split('\n').findIndex((l) => /^\s+(GETMODE|GETR|SETR)\b/.test(l)) + 1;
  await expect(d).toContainText(`line ${line}`);
  await expect(page.getByTestId('eq-native').locator('.diff').first()).toBeVisible();
  await expect(page.getByTestId('eq-virtual').locator('.diff').first()).toBeVisible();
  await expect(page.locator('[data-testid="eq-editor"] .diverge-line')).toHaveCount(1);

  // Theorem 3's condition fails on x86 too (GETR): the hybrid monitor's counterexample diverges as well.
  await page.getByTestId('eq-monitor').selectOption('hybrid');
  await page.getByTestId('eq-counterexample').click();
  expect(await getEditor(page, 'eq-editor')).toMatch(/Theorem 3/);
  await page.getByTestId('eq-run').click();
  await expect(page.getByTestId('eq-divergence')).toContainText('Diverged after step');
  await page.getByTestId('eq-monitor').selectOption('full');

  // On pg1 (every sensitive instruction privileged) the same GETMODE program is equivalent, step by step to the halt.
  await page.getByTestId('tab-isa').click();
  await page.getByTestId('preset').selectOption('pg1');
  await page.getByTestId('tab-equiv').click();
  await expect(page.getByTestId('eq-counterexample')).toBeDisabled({ timeout: 20_000 });
  await setEditor(page, 'eq-editor', 'start:\n        LI r1, 0\n        GETMODE r1\n        HALT\n');
  await page.getByTestId('eq-step').click();
  await expect(page.getByTestId('eq-native')).toContainText('steps1');
  await page.getByTestId('eq-run').click();
  await expect(page.getByTestId('eq-note')).toContainText('equivalent');
  await expect(page.getByTestId('eq-divergence')).toHaveCount(0);
});

test('Recursion: depth 0-8 shows nested windows and the PSW of every level; the amplification plot rises with depth', async ({ page }) => {
  await page.getByTestId('tab-recursion').click();
  await expect(page.getByTestId('rec-psw').locator('tbody tr')).toHaveCount(1);
  const slider = page.getByTestId('rec-depth');
  await slider.fill('3');
  await expect(page.getByTestId('rec-depth-value')).toHaveText('3');
  await expect(page.getByTestId('rec-psw').locator('tbody tr')).toHaveCount(4);
  await expect(page.locator('[data-testid="rec-windows"] g.win')).toHaveCount(4);
  await page.getByTestId('rec-run').click();
  await expect(page.getByTestId('rec-status')).toContainText('halted');
  await slider.fill('8');
  await expect(page.getByTestId('rec-psw').locator('tbody tr')).toHaveCount(9);
  const dots = page.locator('[data-testid="rec-plot"] circle.amp-dot');
  await expect(dots).toHaveCount(9, { timeout: 20_000 });
  const values = await dots.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(values[0]).toBe(1);
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
});

test('Sharing: a link restores program, ISA file, monitor settings and view exactly, and the old workspace can come back', async ({ page }) => {
  await page.getByTestId('tab-isa').click();
  await page.getByTestId('preset').selectOption('pdp10');
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'false', { timeout: 20_000 });
  await page.getByTestId('tab-equiv').click();
  await page.getByTestId('eq-counterexample').click();
  // On pdp10 Theorem 3 holds: under the hybrid monitor there is nothing to show.
  await page.getByTestId('eq-monitor').selectOption('hybrid');
  await expect(page.getByTestId('eq-no-counterexample')).toContainText('holds');
  await page.getByTestId('eq-depth').fill('2');
  const program = await getEditor(page, 'eq-editor');
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#pglab\/1\//);

  // A fresh browser profile: nothing saved. Then open the link.
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('tab-workbench')).toHaveAttribute('aria-selected', 'true');
  // Monaco is a chunk of its own, up a little after the workbench.
  await page.waitForFunction(() => (window as unknown as { __pglabEditor?: unknown }).__pglabEditor);
  const mine = await page.evaluate(() => (window as unknown as { __pglabEditor: { getValue(): string } }).__pglabEditor.getValue());
  await page.goto(url);
  await expect(page.getByTestId('link-notice')).toContainText('Opened the shared workspace');
  await expect(page.getByTestId('tab-equiv')).toHaveAttribute('aria-selected', 'true');
  expect(await getEditor(page, 'eq-editor')).toBe(program);
  await expect(page.getByTestId('eq-monitor')).toHaveValue('hybrid');
  await expect(page.getByTestId('eq-depth')).toHaveValue('2');
  await page.getByTestId('tab-isa').click();
  await expect(page.getByTestId('preset')).toHaveValue('pdp10');
  await expect(page.getByTestId('classified-isa')).toHaveText('pdp10', { timeout: 20_000 });

  // Nothing the user had is lost: one click brings it back.
  await page.getByTestId('link-undo').click();
  await page.getByTestId('tab-workbench').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __pglabEditor: { getValue(): string } }).__pglabEditor.getValue())).toBe(mine);
});

test('Sharing: damaged, foreign and newer links are refused with a message, and nothing changes', async ({ page }) => {
  await page.getByTestId('tab-isa').click();
  await page.getByTestId('preset').selectOption('lra');
  const before = await page.evaluate(() => [localStorage.getItem('pglab.lab.v1'), localStorage.getItem('pglab.workbench.v1')]);
  const cases: [string, RegExp][] = [
    ['#pglab/7/N4IgLgTg', /newer PG Lab/],
    ['#pglab/1/this-is-not-lz', /damaged/],
    ['#introduction', /does not hold a PG Lab workspace/],
  ];
  for (const [hash, msg] of cases) {
    await page.goto(`/${hash}`);
    await expect(page.getByTestId('link-notice')).toContainText(msg);
    await expect(page.getByTestId('link-notice')).toContainText('Nothing was changed');
    await expect(page.getByTestId('tab-isa')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('preset')).toHaveValue('lra');
  }
  const after = await page.evaluate(() => [localStorage.getItem('pglab.lab.v1'), localStorage.getItem('pglab.workbench.v1')]);
  expect(JSON.parse(after[1]!).state.isa).toBe(JSON.parse(before[1]!).state.isa);
  expect(JSON.parse(after[1]!).state.source).toBe(JSON.parse(before[1]!).state.source);
});
