// `npm run bench:beyond`: only the "Beyond 1974" section of `npm run bench` (the cost of virtualizing x86 beyond 1974, on one
// kernel-heavy guest, bench/beyond-bench.ts), with the same timing discipline and environment variables:
//   PGLAB_BENCH_REPS=5 (timings per figure, median; default 3, at least 3)
//   PGLAB_BENCH_SECONDS=1 (the shortest timing; default 1)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const r = spawnSync(process.execPath, ['bench/run.mjs', '--only', 'beyond', '--no-browser', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
