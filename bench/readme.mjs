// The README's bench section (between <!-- bench --> and <!-- /bench -->), written from a result of
// bench/run.mjs: `npm run bench -- --write-readme`, or `node bench/readme.mjs result.json` for a result saved
// with `--json result.json`. Nothing in it is typed by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const f = (x, d = 1) => x.toFixed(d);
/** The spread of a figure's timings, (max − min) / median, in percent: how much to trust its last digits. */
export const spread = (t) => {
  const s = [...t.seconds].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return ((s[s.length - 1] - s[0]) / med) * 100;
};
const pm = (t) => `±${f(spread(t) / 2, 0)} %`;

/** Beyond 1974 (bench/beyond-bench.ts): the techniques on one kernel-heavy x86 guest, as ratios to bare. */
function beyondSection(b) {
  const lines = [
    'Beyond 1974 (`bench/beyond-bench.ts`, alone: `npm run bench:beyond`): one kernel-heavy x86 guest (a checksum loop in',
    'supervisor mode reading its R with GETR each round, then a user process; `src/lessons/guest.ts`) under each',
    `technique, timed in the same turns as the bare machine (${f(b.bare.mips)} M guest instr/s ${pm(b.bare)}). Each run of the guest to its end`,
    `(${b.equivRounds} rounds) is checked against bare; the counts say how its instructions ran:`,
    '',
    '| technique | equivalent | M guest instr/s | × bare | direct | translated | interpreted | hypercalls | exits |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const w of b.rows) {
    const c = w.counts;
    lines.push(`| ${w.label} | ${w.equivalent ? 'yes' : '**no**'} | ${f(w.timing.mips)} ${pm(w.timing)} | ${f(w.ratioToBare, 3)} | ${c.direct} | ${c.translated} | ${c.interpreted} | ${c.hypercalls} | ${c.exits} |`);
  }
  lines.push(
    '',
    `Translated kernel code against interpreted (bt / hybrid): **${f(b.btOverHybrid, 2)}×** (issue 13 asks for at least 5×). bt runs as fast`,
    `as the machine's own compiled blocks (its translator is the block compiler), so this ratio is bounded by bare / hybrid`,
    `(here ${f(1 / b.rows.find((w) => w.id === 'hybrid').ratioToBare, 2)}×): the hybrid monitor's interpreter is the machine's generated interpreter loop, not a slow software interpreter.`,
    '',
  );
  return lines;
}

export function readmeSection(r) {
  const e = r.env;
  const lines = [];
  lines.push(
    `Measured by \`npm run bench\` on ${e.date.slice(0, 10)}: Node ${e.node}, ${e.cpus} cores (${e.cpu}), **while other jobs were`,
    `running on the same machine** (load average ${f(e.loadStart, 2)} at the start, ${f(e.loadEnd, 2)} at the end). Times are the CPU`,
    'time of the bench process, which other jobs disturb far less than wall time, but caches and memory are shared,',
    'so figures move from run to run (± is half the spread of the timings); the ratios are what the bench is for. Every',
    `pair is timed in the same process, in turns, median of ${r.reps} timings of at least ${r.minSeconds} s each, process start`,
    'and boot excluded, warm (blocks compiled by a first run). The yardstick is a minimal interpreter of the whole ISA',
    'written for the bench (`bench/switch.ts`: one `switch` over an Int32Array, the §2 checks, traps through E[0..11];',
    'tested to agree with the machine on every workload). Workloads: `bench/workloads/`.',
    '',
    '| workload | PG Lab M instr/s | switch M instr/s | PG Lab / switch |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const b of r.bare) lines.push(`| ${b.workload} | ${f(b.pglab.mips)} ${pm(b.pglab)} | ${f(b.switch.mips)} ${pm(b.switch)} | ${f(b.ratio, 2)} |`);
  lines.push(`| **geometric mean** | | | **${f(r.geomean, 2)}** |`, '');
  if (r.monitors.length) {
    lines.push(
      'Under monitors (the guest in a VM of 16,384 words; ratio to the same workload bare, timed in the same turns;',
      'the tight loop runs directly, in compiled blocks as bare, with no monitor work while it runs, so a ratio above 1',
      'is not the monitor making it faster: it is a difference between two machine objects of V8 that this bench does not explain;',
      'the hybrid monitor interprets all of virtual supervisor mode, where both workloads run):',
      '',
      '| workload | monitor | depth | M guest instr/s | × bare | ns (CPU) per guest trap |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
    );
    for (const m of r.monitors) lines.push(`| ${m.workload} | ${m.kind} | ${m.depth} | ${f(m.timing.mips)} ${pm(m.timing)} | ${f(m.ratioToBare, 3)} | ${m.nsPerGuestTrap ? f(m.nsPerGuestTrap, 0) : '–'} |`);
    lines.push('');
    if (r.levelCosts.length) {
      lines.push(
        'Cost of each extra level of full monitors (extra ns per guest trap, per level added): ' +
          r.levelCosts.map((c) => `${c.workload} ${c.from}→${c.to}: ${f(c.nsPerTrapPerLevel, 0)} ns`).join('; ') +
          '.',
        '',
      );
    }
  }
  if (r.beyond) lines.push(...beyondSection(r.beyond));
  if (r.browser) {
    const b = r.browser;
    lines.push(
      `In the browser (headless Chromium, \`bench/browser.mjs\`, wall time, so not comparable with the CPU-time figures` +
        ` above): the Web Worker runs a tight loop at ${f(b.workerStraight.ips / 1e6, 0)} M instr/s in one call and` +
        ` ${f(b.workerRun.ips / 1e6, 0)} M instr/s as Run does it (slices, checkpoints, frames); the UI draws ${f(b.ui.fps, 0)}` +
        ` frames/s with every view open while an innocuous loop without traps runs, and Pause is answered in ${b.ui.pauseMs} ms.` +
        (b.trapHeavy ? ' ' + trapHeavyText(b.trapHeavy) : '') +
        (b.startup ? ' ' + startupText(b.startup) : ''),
      '',
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const json = process.argv[2];
  if (!json) {
    console.error('usage: node bench/readme.mjs RESULT.json   (from npm run bench -- --json RESULT.json)');
    process.exit(2);
  }
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const file = path.join(root, 'README.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- bench -->');
  const end = text.indexOf('<!-- /bench -->');
  if (start < 0 || end < start) throw new Error('README.md has no <!-- bench --> … <!-- /bench --> section');
  writeFileSync(file, text.slice(0, start) + '<!-- bench -->\n' + readmeSection(JSON.parse(readFileSync(json, 'utf8'))) + text.slice(end));
}

/** The trap-heavy case of bench/browser.mjs in a sentence: every run, since the machine may be shared. */
function trapHeavyText(t) {
  const runs = t.runs.map((x) => `${x.fps.toFixed(0)} frames/s, Pause ${x.pauseMs} ms, longest task ${x.longestTaskMs} ms (load ${x.load1.toFixed(1)})`);
  return (
    `With traps: \`${t.program}\` under the ${t.monitor} monitor at depth ${t.depth} with every view open,` +
    ` runs of 4 s: ${runs.join('; ')} (goals ≥ ${t.goals.fps} frames/s, Pause ≤ ${t.goals.pauseMs} ms, no task over ${t.goals.longTaskMs} ms).`
  );
}

/** Time to interactive of a first visit (Run enabled, the first program assembled), each run. */
function startupText(s) {
  return (
    `A first visit of the production build is interactive in ${s.runs.map((x) => x.interactiveMs).join(' / ')} ms (median ${s.interactiveMs} ms,` +
    ` goal ≤ ${s.goalMs} ms), Monaco up at ${s.editorMs} ms.`
  );
}
