import { expect, test } from '@playwright/test';
import { openClean, setEditor } from './lab';

/**
 * The three properties of a VMM, live in the workbench (resource control broken on an ISA with SETR open), and
 * the homomorphism f step by step in the Equivalence view. Each test starts clean.
 */
test.beforeEach(({ page }) => openClean(page));


/** The guest sets the real R (SETR is open), then stores to real address 12: inside the monitor's own area. */
const ESCAPE = [
  'start:  LI   r1, 0',
  '        LI   r2, 1000',
  '        LI   r3, 77',
  '        JMP  go',
  '        .org 100',
  '        ST   r3, [r0+12]',
  '        HALT',
  '        .org 115',
  'go:     SETR r1, r2',
  '        ST   r3, [r0+12]',
  '        HALT',
].join('\n');

test('workbench: the live panel shows resource control broken with SETR open (step and real address)', async ({ page }) => {
  // The lab's ISA with SETR open.
  await page.getByTestId('tab-isa').click();
  await setEditor(page, 'isa-editor', '{\n  "name": "setr-open",\n  "base": "pg1",\n  "variants": { "SETR": "open" }\n}\n');
  await expect(page.getByTestId('theorem1')).toHaveAttribute('data-holds', 'false', { timeout: 20_000 });
  await page.getByTestId('tab-workbench').click();
  await page.evaluate((src) => (window as unknown as { __pglabEditor: { setValue(s: string): void } }).__pglabEditor.setValue(src), ESCAPE);
  await page.getByLabel('Monitor', { exact: true }).selectOption('full');
  await expect(page.getByTestId('props')).toBeVisible();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
  const rc = page.getByTestId('props-resource');
  await expect(rc).toContainText('broken');
  await expect(rc).toContainText('At guest step 6 the guest stored to real address 12');
  await expect(page.getByTestId('props-efficiency')).toContainText('direct');
  await expect(page.getByTestId('props-equivalence')).toContainText('How:');
});

test('workbench: on pg1 the kernel example keeps all three; bare, the panel says there is no monitor', async ({ page }) => {
  await page.getByTestId('tab-workbench').click();
  await expect(page.getByTestId('props-none')).toBeVisible();
  await page.getByLabel('Monitor', { exact: true }).selectOption('full');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('state')).toHaveText('halted');
  await expect(page.getByTestId('props-resource')).toContainText('kept so far');
  await expect(page.getByTestId('props-equivalence')).toContainText('same state under f');
  await expect(page.getByTestId('props-efficiency')).toContainText('trapped:');
});

test('Equivalence: the lockstep shows f step by step, one step commutes directly, one is made to commute by the monitor', async ({ page }) => {
  await page.getByTestId('tab-equiv').click();
  const kernel = ['start:  LI   r1, 5', '        ADDI r1, 1', '        LPSW [upsw]', 'upsw:   .word 1, 0, 200, 16', '        .org 200', '        HALT'].join('\n');
  await setEditor(page, 'eq-editor', kernel);
  await expect(page.getByTestId('eq-steps')).toContainText('0 steps compared');
  for (let k = 1; k <= 3; k++) {
    await page.getByTestId('eq-step').click();
    await expect(page.getByTestId('eq-steps')).toContainText(`${k} steps compared`);
  }
  const rows = page.getByTestId('homo-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute('data-how', 'direct');
  await expect(rows.nth(0)).toContainText('commutes directly');
  await expect(rows.nth(2)).toHaveAttribute('data-how', 'trap-interpreted');
  await expect(rows.nth(2)).toContainText('LPSW');
  await expect(rows.nth(2)).toContainText('made to commute by the monitor');
  // f(real state) after LPSW is the virtual PSW the monitor loaded: user mode at P = 0, R = (200, 16).
  await expect(rows.nth(2)).toContainText('u P=0 R=(200, 16)');
  await expect(page.getByTestId('eq-props-equivalence')).toContainText('same state under f');
  const proof = page.getByTestId('proof-sketch');
  await proof.locator('summary').click();
  await expect(proof).toContainText('sensitive instruction is privileged');
  await expect(proof).toContainText('sufficient');
});
