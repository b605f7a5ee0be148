import { expect, test, type Page } from '@playwright/test';

/** Nothing a user wrote is lost: every load offers Undo, and the effect editor keeps up with fast typing. */
test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => {
    localStorage.clear();
    localStorage.setItem('pglab.tour.v1', 'done');
  });
  await page.reload();
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
});

const workbenchText = (page: Page) => page.evaluate(() => (window as unknown as { __pglabEditor: { getValue(): string } }).__pglabEditor.getValue());
const labText = (page: Page, testId: string) =>
  page.evaluate((k) => (window as unknown as Record<string, { getValue(): string }>)[`__pglab_${k}`].getValue(), testId);

/** Types the way a user does: click into the editor, select all, type. */
async function typeInto(page: Page, host: string, text: string, delay = 0): Promise<void> {
  await page.locator(`${host} .view-lines`).first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text, { delay });
}

const MINE = '; my own work\nstart: LI r1, 3\nHALT';

test('Undo after loading an example brings the program back, and Ctrl+Z in the editor does too', async ({ page }) => {
  await typeInto(page, '[data-testid="editor"]', MINE);
  await expect.poll(() => workbenchText(page)).toContain('LI r1, 3');
  await page.getByRole('list', { name: 'Example programs' }).getByRole('button', { name: /^hello\.s/ }).click();
  await expect.poll(() => workbenchText(page)).toContain('hello.s');
  await expect(page.getByTestId('undo-toast')).toContainText('Loaded example hello.s');
  await page.getByTestId('undo-load').click();
  await expect.poll(() => workbenchText(page)).toContain('; my own work');
  // The Undo is itself undoable (nothing is lost either way), and survives a reload.
  await expect(page.getByTestId('undo-load')).toHaveText('Redo');
  await page.waitForTimeout(200);
  await page.reload();
  // Monaco is a chunk of its own, up a little after the workbench.
  await expect(page.locator('.monaco-editor').first()).toBeVisible();
  await expect.poll(() => workbenchText(page)).toContain('; my own work');

  // The editor's own history has the load as one edit.
  await page.getByRole('list', { name: 'Example programs' }).getByRole('button', { name: /^kernel\.s/ }).click();
  await expect.poll(() => workbenchText(page)).toContain('kernel.s');
  await page.locator('[data-testid="editor"] .view-lines').first().click();
  await page.keyboard.press('ControlOrMeta+Z');
  await expect.poll(() => workbenchText(page)).toContain('; my own work');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
});

test('Undo after loading a counterexample in the Equivalence view brings the program back', async ({ page }) => {
  await typeInto(page, '[data-testid="editor"]', MINE);
  await expect.poll(() => workbenchText(page)).toContain('LI r1, 3');
  const mine = await workbenchText(page);
  await page.getByTestId('tab-isa').click();
  await page.getByTestId('preset').selectOption('x86');
  await expect(page.getByTestId('undo-toast')).toContainText('x86');
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'false', { timeout: 20_000 });
  await page.getByTestId('tab-equiv').click();
  await expect.poll(() => labText(page, 'eq-editor')).toContain('; my own work');
  await page.getByTestId('eq-counterexample').click();
  await expect.poll(() => labText(page, 'eq-editor')).toMatch(/Counterexample/);
  await expect(page.getByTestId('undo-toast')).toContainText('Loaded a counterexample');
  await page.getByTestId('undo-load').click();
  await expect.poll(() => labText(page, 'eq-editor')).toBe(mine);
  await page.getByTestId('tab-workbench').click();
  await expect.poll(() => workbenchText(page)).toBe(mine);
});

test('the effect editor keeps every character typed at 5 ms per key', async ({ page }) => {
  await page.getByTestId('tab-isa').click();
  const effect = 'if (M == U) { ra = l + b; } else { ra = M; }';
  await typeInto(page, '[data-testid="effect-editor"]', effect, 5);
  await expect.poll(() => labText(page, 'effect-editor')).toBe(effect);
  await page.waitForTimeout(300);
  expect(await labText(page, 'effect-editor')).toBe(effect);
  await expect(page.getByTestId('effect-error')).toHaveCount(0);
});
