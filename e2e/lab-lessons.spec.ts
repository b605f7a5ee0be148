import { expect, test } from '@playwright/test';
import { answer, check, openLessons } from './lessons';
// One reference solution per lesson (src/lessons/lessons.test.ts checks that), so its keys count the lessons; the
// lessons module itself imports a monitor's source with Vite's ?raw, which Playwright's loader cannot.
import { LOOPING, SOLUTIONS } from '../src/lessons/solutions';

/** Each lesson's check, solved and failed, through the page: the check runs the program in the browser. */
const IDS = ['machine', 'relocation', 'monitor', 'theorem1', 'hybrid', 'recursion', 'pgmonitor'];

test.beforeEach(async ({ page }) => openLessons(page));

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
  await expect(page.getByTestId('lesson-progress')).toHaveText(`1 of ${Object.keys(SOLUTIONS).length} solved`);
  const typed = await page.evaluate(() => (window as unknown as Record<string, { getValue(): string }>)['__pglab_lesson-editor'].getValue());
  await page.reload();
  await page.getByTestId('tab-lessons').click();
  await expect(page.getByTestId('lesson-progress')).toHaveText(`1 of ${Object.keys(SOLUTIONS).length} solved`);
  await expect(page.getByTestId('lesson-machine')).toHaveClass(/solved/);
  await expect(page.getByTestId('lesson-solved')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as Record<string, { getValue(): string }>)['__pglab_lesson-editor'].getValue())).toBe(typed);
});

/**
 * A user-mode trap loop that halts on the bare machine after ~96,000 instructions (under the 100,000 limit): the recursion lesson runs it
 * bare, then three times equivalently and three times as a tower (depths 1-3), every trap reflected through each
 * level — the slowest answer a check accepts, several tenths of a second or more of computation.
 */
const SLOW = `        .org 8
        .word 0, handler, 0, 16384
        .org 16
start:  LI r1, 0
        LI r2, 12000
        LI r3, 'K'
        OUT r3, 0
        RETU user
user:   SVC 1
        JMP user
handler:
        ADDI r1, 1
        JLT r1, r2, back
        HALT
back:   LD r4, [1]
        ADDI r4, 1
        ST r4, [1]
        LPSW [0]
`;

test('a long check runs off the page thread: the page keeps responding while it is checking', async ({ page }) => {
  await page.getByTestId('lesson-recursion').click();
  await answer(page, SLOW);
  // A heartbeat on the page's thread, and the moments the check was clicked and its result appeared. Were the
  // check run on the page's thread, its whole duration would be one gap between beats.
  await page.evaluate(() => {
    const w = window as unknown as { __beats: number[]; __clicked: number; __shown: number };
    w.__beats = [];
    const beat = () => {
      w.__beats.push(performance.now());
      setTimeout(beat, 5);
    };
    beat();
    document.querySelector('[data-testid="lesson-check"]')!.addEventListener('click', () => (w.__clicked = performance.now()), { capture: true });
    new MutationObserver((_m, obs) => {
      if (document.querySelector('[data-testid="lesson-result"]')) {
        w.__shown = performance.now();
        obs.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByTestId('lesson-check').click();
  await expect(page.getByTestId('lesson-check')).toHaveText('Checking…');
  // Another control still does its job (whether this lands during the check depends on the test machine's load,
  // so the proof that the page never froze is the heartbeat below).
  await page.getByTestId('lesson-hint').click();
  await expect(page.getByTestId('lesson-hints').locator('li')).toHaveCount(1);
  const r = page.getByTestId('lesson-result');
  await expect(r).toBeVisible({ timeout: 30_000 });
  expect(await r.getAttribute('data-passed')).toBe('true');
  const { took, gap } = await page.evaluate(() => {
    const w = window as unknown as { __beats: number[]; __clicked: number; __shown: number };
    // The click and the result bound the window, so a freeze that ends in the result's render still counts.
    const b = [w.__clicked, ...w.__beats.filter((t) => t > w.__clicked && t < w.__shown), w.__shown];
    let gap = 0;
    for (let i = 1; i < b.length; i++) gap = Math.max(gap, b[i] - b[i - 1]);
    return { took: w.__shown - w.__clicked, gap };
  });
  // The check is long (several tenths of a second at least), yet the page's thread never paused for more than a
  // fraction of it. The bound is loose because the machine running the tests may be busy with other work.
  expect(took).toBeGreaterThan(300);
  expect(gap).toBeLessThan(took / 2);
});

test('editing the answer while it is checking abandons the check', async ({ page }) => {
  await page.getByTestId('lesson-recursion').click();
  await answer(page, SLOW);
  await page.getByTestId('lesson-check').click();
  await answer(page, SOLUTIONS.recursion.wrong);
  await expect(page.getByTestId('lesson-check')).toHaveText('Check (runs your program)');
  await page.waitForTimeout(1500);
  // The abandoned check's verdict (a pass) never appears for the edited answer.
  await expect(page.getByTestId('lesson-result')).toHaveCount(0);
  expect(await check(page)).toBe('false');
});
