#!/usr/bin/env node
// Entry of `npx pglab`: runs the bundled CLI, rebuilding it first when src/ is newer (a fresh clone or an edit).
import { statSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bundle = path.join(root, 'dist-cli/pglab.mjs');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const src = path.join(root, 'src');
if (!existsSync(bundle) || (existsSync(src) && Math.max(newest(path.join(src, 'core')), newest(path.join(src, 'cli'))) > statSync(bundle).mtimeMs)) {
  const { buildCli } = await import(pathToFileURL(path.join(root, 'scripts/build-cli.mjs')).href);
  await buildCli();
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
