// `npm run bench`: a benchmark, not a test. Everything is measured in this one process and reported as ratios
// of runs timed side by side (bench/suite.ts): each workload of bench/workloads/ on PG Lab's machine against
// the minimal switch interpreter of bench/switch.ts; two of them under the full monitor at depths 1/2/4/8 and
// the hybrid monitor at depth 1, against the same workload bare; then beyond 1974 (bench/beyond-bench.ts: binary
// translation, paravirtualization and hardware assist on one kernel-heavy x86 guest). Then, unless --no-browser,
// the browser part (bench/browser.mjs: the Web Worker and the UI in headless Chromium).
//
//   npm run bench [-- --no-browser] [--write-readme] [--only tight,smc,beyond]   (npm run bench:beyond: --only beyond)
//   PGLAB_BENCH_REPS=5 (timings per figure, median; default 3, at least 3)
//   PGLAB_BENCH_SECONDS=1 (the shortest timing; default 1)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { readmeSection, spread } from './readme.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const reps = Math.max(3, Number(process.env.PGLAB_BENCH_REPS ?? 3));
const minSeconds = Number(process.env.PGLAB_BENCH_SECONDS ?? 1);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pglab-bench-'));
await build({ entryPoints: [path.join(root, 'bench/entry.ts')], outfile: path.join(tmp, 'entry.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
const bench = await import(pathToFileURL(path.join(tmp, 'entry.mjs')).href);

const load = () => os.loadavg()[0];
const env = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', loadStart: load(), loadEnd: 0 };
console.log(`PG Lab benchmark (${env.date}, node ${env.node}, ${env.cpus} × ${env.cpu})`);
console.log(`median of ${reps} timings of at least ${minSeconds} s of CPU time each, in one process, engines timed in turns; load average ${env.loadStart.toFixed(2)} at the start\n`);

const only = opt('--only')?.split(',');
// `beyond` in --only names section 4, not a workload; with nothing else named, the workloads are skipped.
const workloads = only?.filter((w) => w !== 'beyond');
const result =
  workloads && workloads.length === 0
    ? { reps, minSeconds, bare: [], geomean: NaN, monitors: [], levelCosts: [] }
    : bench.runSuite({ reps, minSeconds, only: workloads, workloadDir: path.join(root, 'bench/workloads'), log: (l) => console.log(l) });
if (!only || only.includes('beyond')) result.beyond = bench.runBeyond({ reps, minSeconds, log: (l) => console.log(l) });
env.loadEnd = load();
result.env = env;

const f = (x, d = 1) => x.toFixed(d);
if (result.bare.length) console.log('\n1. bare: M guest instructions per second, PG Lab against the minimal switch interpreter on the same program');
if (result.bare.length) console.log('   workload    PG Lab   switch   ratio   notes (spread = (max - min) / median of the timings)');
for (const r of result.bare) {
  const perM = (r.pglab.facts.compiles / r.pglab.steps) * 1e6;
  console.log(`   ${r.workload.padEnd(9)} ${f(r.pglab.mips).padStart(8)} ${f(r.switch.mips).padStart(8)} ${f(r.ratio, 2).padStart(7)}   spread ${f(spread(r.pglab), 0)} % / ${f(spread(r.switch), 0)} %; ${f(perM, 2)} block compiles per M steps`);
}
if (result.bare.length) console.log(`   geometric mean of the ratios: ${f(result.geomean, 2)}`);
if (result.monitors.length) {
  console.log('\n2. under monitors: M guest instructions per second, ratio to the same workload bare (timed in the same turns)');
  console.log('   workload  monitor   depth   M/s    × bare   guest traps/instr   ns (CPU) per guest trap');
  for (const m of result.monitors) {
    console.log(
      `   ${m.workload.padEnd(9)} ${m.kind.padEnd(8)} ${String(m.depth).padStart(5)} ${f(m.timing.mips).padStart(7)} ${f(m.ratioToBare, 3).padStart(8)} ${f(m.guestTrapsPerStep, 2).padStart(19)} ${m.nsPerGuestTrap ? f(m.nsPerGuestTrap, 0).padStart(19) : '                  -'}`,
    );
  }
  for (const c of result.levelCosts) console.log(`   cost per extra level, ${c.workload}, depth ${c.from} → ${c.to}: ${f(c.nsPerTrapPerLevel, 0)} ns per guest trap per level`);
}
if (result.beyond) {
  console.log('\nBeyond 1974: one kernel-heavy x86 guest, M guest instructions per second and ratio to bare (timed in the same turns)');
  console.log(bench.formatBeyond(result.beyond));
}
console.log(`\nload average ${env.loadStart.toFixed(2)} at the start, ${env.loadEnd.toFixed(2)} at the end (${env.cpus} cores)`);

if (!only) {
  console.log('\n2b. monitors/full.s and monitors/hybrid.s, monitors written in PG/1 (a trap costs PG/1 code at every level)');
  for (const m of ['full', 'hybrid']) {
    // Depths 1–4: real instructions per guest trap multiply with each level (exit multiplication); depth 1's ratio
    // is the innocuous loop's throughput under the monitor against bare, measured in the same process.
    const pgRows = bench.benchPgMonitor(readFileSync(path.join(root, `monitors/${m}.s`), 'utf8'), { depths: [1, 2, 3, 4] });
    console.log(`   monitors/${m}.s`);
    console.log(bench.formatPgBench(pgRows).replace(/^/gm, '   '));
    result[`pg_${m}`] = pgRows;
  }
}

if (!args.includes('--no-browser')) {
  console.log('\n3. browser (Web Worker and UI, headless Chromium)');
  const r = spawnSync(process.execPath, ['bench/browser.mjs'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) console.log(`   browser bench failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  else {
    const text = r.stdout;
    const b = JSON.parse(text.slice(text.search(/^\{/m)));
    result.browser = b;
    const straight = b.workerStraight.ips / 1e6;
    const asRun = b.workerRun.ips / 1e6;
    // Wall time in the page (a loaded machine slows it): not compared with the CPU-time figures above.
    console.log(`   worker, one call         ${f(straight, 0).padStart(6)} M instr/s (wall time)`);
    console.log(`   worker, as Run does it   ${f(asRun, 0).padStart(6)} M instr/s  (${f(asRun / straight, 2)} of one call: slices, checkpoints, frames)`);
    console.log(`   UI while running         ${f(b.ui.fps, 0).padStart(6)} frames/s with every view open (worst frame ${b.ui.worstFrameMs} ms), an innocuous loop without traps; Pause answered in ${b.ui.pauseMs} ms`);
    const s = b.startup;
    const g = s ? `${s.interactiveMs} ms (goal ≤ ${s.goalMs} ms: ${s.met ? 'met' : 'not met'}), Monaco up at ${s.editorMs} ms; runs ${s.runs.map((r) => r.interactiveMs).join(' / ')} ms` : 'not measured';
    console.log(`   interactive (first visit) ${g}`);
    const h = b.trapHeavy;
    if (h) {
      const met = Object.entries(h.met).map(([k, v]) => `${k} ${v ? 'met' : 'not met'}`).join(', ');
      console.log(`   trap-heavy UI            ${h.program} under the ${h.monitor} monitor at depth ${h.depth}, every view open: ${f(h.fps, 0)} frames/s, Pause ${h.pauseMs} ms, longest task ${h.longestTaskMs} ms (${met})`);
      for (const r of h.runs) console.log(`     run: ${r.fps} frames/s, Pause ${r.pauseMs} ms, ${r.longTasks} long tasks (longest ${r.longestTaskMs} ms), ${r.traps.toLocaleString('en')} traps, load average ${r.load1}`);
    }
    console.log(`   load average before/after: ${b.loadBefore.join(' ')} / ${b.loadAfter.join(' ')} on ${b.cpus} CPUs (timings under load are slower)`);
  }
}

if (args.includes('--write-readme')) {
  const file = path.join(root, 'README.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- bench -->');
  const end = text.indexOf('<!-- /bench -->');
  if (start < 0 || end < start) throw new Error('README.md has no <!-- bench --> … <!-- /bench --> section');
  writeFileSync(file, text.slice(0, start) + '<!-- bench -->\n' + readmeSection(result) + text.slice(end));
  console.log('\nREADME.md: the bench section was rewritten from this run');
}
const out = opt('--json');
if (out) writeFileSync(out, JSON.stringify(result, null, 2));
console.log('\n' + JSON.stringify(result));
