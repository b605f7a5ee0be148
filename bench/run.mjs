// `npm run bench`: a benchmark, not a test. Everything is measured in this one run, and reported as ratios.
//  1. `pglab run bench/loop.s --json --max-steps 1000000000` as a process (start-up included) against the minimal switch loop
//     (bench/minimal.mjs) over the same words, also as a process;
//  2. the monitors: guest instructions per second bare and in a VM at depth 1, 2, 4, and trap amplification;
//  3. the browser (bench/browser.mjs): guest instructions per second in the Web Worker, and UI frames per second.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildCli } from '../scripts/build-cli.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const reps = Number(process.env.PGLAB_BENCH_REPS ?? 3);
const skipBrowser = process.argv.includes('--no-browser');

await buildCli();
const tmp = mkdtempSync(path.join(tmpdir(), 'pglab-bench-'));
await build({ entryPoints: [path.join(root, 'bench/entry.ts')], outfile: path.join(tmp, 'entry.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
const core = await import(pathToFileURL(path.join(tmp, 'entry.mjs')).href);

function timeProcess(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, out: JSON.parse(r.stdout) };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const src = readFileSync(path.join(root, 'bench/loop.s'), 'utf8');
const asm = core.assemble(src);
if (!asm.ok) throw new Error('bench/loop.s does not assemble');
const wordsArg = JSON.stringify({ words: asm.image.words, entry: asm.image.entry });

const cli = [];
const minimal = [];
let steps = 0;
for (let i = 0; i < reps; i++) {
  const c = timeProcess(['bin/pglab.mjs', 'run', 'bench/loop.s', '--json', '--max-steps', '1000000000']);
  if (c.out.status !== 'halted') throw new Error('the benchmark loop did not halt');
  steps = c.out.steps;
  cli.push(c.seconds);
  const m = timeProcess(['bench/minimal-main.mjs', wordsArg]);
  if (m.out.steps !== steps) throw new Error(`minimal loop ran ${m.out.steps} steps, pglab ${steps}`);
  minimal.push(m.seconds);
}
const cliMips = steps / median(cli) / 1e6;
const minMips = steps / median(minimal) / 1e6;

console.log(`PG Lab benchmark (${new Date().toISOString()}, node ${process.version}, median of ${reps})\n`);
console.log(`1. bench/loop.s, ${steps.toLocaleString('en')} instructions, process start included`);
console.log(`   pglab run --json        ${cliMips.toFixed(0).padStart(6)} M instr/s  (${median(cli).toFixed(2)} s)`);
console.log(`   minimal switch loop      ${minMips.toFixed(0).padStart(6)} M instr/s  (${median(minimal).toFixed(2)} s)`);
console.log(`   ratio pglab / minimal    ${(cliMips / minMips).toFixed(2)}`);

console.log('\n2. monitors (guest instructions per second; trap amplification on an SVC loop)');
const rows = core.benchMonitors({});
console.log(core.formatBench(rows).replace(/^/gm, '   '));

console.log('\n2b. monitors/full.s, the full monitor written in PG/1 (same loops; a trap costs PG/1 code at every level)');
const pgRows = core.benchPgMonitor(readFileSync(path.join(root, 'monitors/full.s'), 'utf8'), {});
console.log(core.formatPgBench(pgRows).replace(/^/gm, '   '));

const result = { cli: { mips: cliMips, seconds: median(cli) }, minimal: { mips: minMips, seconds: median(minimal) }, ratio: cliMips / minMips, monitors: rows, pgMonitor: pgRows };

if (!skipBrowser && existsSync(path.join(root, 'bench/browser.mjs'))) {
  console.log('\n3. browser (Web Worker and UI, headless Chromium)');
  const r = spawnSync(process.execPath, ['bench/browser.mjs'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) console.log(`   browser bench failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  else {
    const text = r.stdout;
    const b = JSON.parse(text.slice(text.search(/^\{/m)));
    result.browser = b;
    const straight = b.workerStraight.ips / 1e6;
    const asRun = b.workerRun.ips / 1e6;
    console.log(`   worker, one call         ${straight.toFixed(0).padStart(6)} M instr/s  (${(straight / cliMips).toFixed(2)} of pglab run in Node)`);
    console.log(`   worker, as Run does it   ${asRun.toFixed(0).padStart(6)} M instr/s  (${(asRun / cliMips).toFixed(2)} of pglab run in Node: slices, checkpoints, frames)`);
    console.log(`   UI while running         ${b.ui.fps.toFixed(0).padStart(6)} frames/s with every view open (worst frame ${b.ui.worstFrameMs} ms); Pause answered in ${b.ui.pauseMs} ms`);
  }
}
console.log('\n' + JSON.stringify(result));
