// `npm test`: every check of the project in one command — type check, lint (ESLint), unit and property tests (Vitest), browser
// tests (Playwright) — ending with one summary line `N passed, N failed`. Exit code 0 only when all passed.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const skipE2e = process.argv.includes('--no-e2e');

function run(cmd, args, env = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

let passed = 0;
let failed = 0;
const tsc = run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
if (tsc === 0) passed++;
else failed++;
// Lint counts like the type check: one check, passed or failed.
const lint = run('npx', ['eslint', '.']);
if (lint === 0) passed++;
else failed++;

const unitJson = path.join(out, 'vitest.json');
const unit = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitJson}`]);
try {
  const j = JSON.parse(readFileSync(unitJson, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
  if (j.numTotalTests === 0) failed++;
} catch {
  failed++;
}
if (unit !== 0 && failed === 0) failed++;

if (!skipE2e) {
  const e2eJson = path.join(out, 'playwright.json');
  const e2e = run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson });
  try {
    const j = JSON.parse(readFileSync(e2eJson, 'utf8'));
    passed += j.stats.expected + j.stats.flaky;
    failed += j.stats.unexpected;
    if (j.stats.expected + j.stats.unexpected + j.stats.flaky === 0) failed++;
  } catch {
    failed++;
  }
  if (e2e !== 0 && failed === 0) failed++;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
