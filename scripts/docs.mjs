// `npm run docs`: writes docs/ISA.md from the ISA table.
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(mkdtempSync(path.join(tmpdir(), 'pglab-docs-')), 'docs.mjs');
await build({
  stdin: { contents: "export { isaReference } from './src/core/isa/reference'; export { presetIsa } from './src/core/isa/isa';", resolveDir: root, loader: 'ts' },
  outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning',
});
const { isaReference, presetIsa } = await import(pathToFileURL(out).href);
writeFileSync(path.join(root, 'docs/ISA.md'), isaReference(presetIsa('pg1')));
console.log('wrote docs/ISA.md');
