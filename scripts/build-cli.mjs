// Bundles the CLI (src/cli/main.ts and the core it imports) into dist-cli/pglab.mjs, so that `npx pglab` starts
// in plain Node with no TypeScript loader. Runs on `npm ci` (prepare) and again from bin/pglab.mjs when a
// source file is newer than the bundle.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export async function buildCli() {
  await build({
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: path.join(root, 'dist-cli/pglab.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await buildCli();
}
