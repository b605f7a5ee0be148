// `npm run bench:beyond`: the cost of virtualizing x86 beyond 1974, on one kernel-heavy guest, in one run:
// direct (full monitor, wrong on the unmodified kernel), interpreted (hybrid), translated (bt), hypercalls
// (full monitor + paravirtual kernel) and guest-mode exits (assist). Each technique is checked against bare.
// Usage: node bench/beyond.mjs [ROUNDS] (default 3000 kernel rounds, about 7 million guest instructions).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const rounds = Number(process.argv[2] ?? 3000);
const reps = Number(process.env.PGLAB_BENCH_REPS ?? 3);
const tmp = mkdtempSync(path.join(tmpdir(), 'pglab-beyond-'));
await build({ entryPoints: [path.join(root, 'bench/entry.ts')], outfile: path.join(tmp, 'entry.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
const core = await import(pathToFileURL(path.join(tmp, 'entry.mjs')).href);
const result = core.benchBeyond(rounds, reps);
process.stdout.write(core.formatBeyond(result));
if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(result) + '\n');
