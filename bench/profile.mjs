// Where a workload spends its CPU time under a monitor: runs it (default: the privileged-heavy kernel under the
// full monitor at depth 4) with V8's CPU profiler and prints the functions with the most self time. For issue 12
// item 4 (the nested trap path); it measures, it changes nothing.
//
//   node bench/profile.mjs [--workload kernel] [--kind full] [--depth 4] [--steps 1000000] [--top 20] [--out FILE.cpuprofile]
import { writeFileSync, mkdtempSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const opt = (name, d) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : d;
};
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pglab-profile-'));
await build({
  stdin: {
    contents: "export { VirtualStack } from './src/core/vmm/stack'; export { presetIsa } from './src/core/isa/isa'; export { workloadImage, WORKLOAD_Q } from './bench/workloads';",
    resolveDir: root,
    loader: 'ts',
  },
  outfile: path.join(tmp, 'core.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
});
const { VirtualStack, presetIsa, workloadImage, WORKLOAD_Q } = await import(pathToFileURL(path.join(tmp, 'core.mjs')).href);

const depth = Number(opt('--depth', 4));
const kind = opt('--kind', 'full');
const steps = Number(opt('--steps', 1_000_000));
const img = workloadImage(opt('--workload', 'kernel'), undefined, path.join(root, 'bench/workloads'));
const st = new VirtualStack({ isa: presetIsa('pg1'), kind, depth, w: WORKLOAD_Q });
st.boot(img);
st.run(Math.min(steps, 200_000)); // warm-up, outside the profile
st.boot(img);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const c0 = process.cpuUsage();
st.run(steps);
const c = process.cpuUsage(c0);
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const cpu = (c.user + c.system) / 1e6;
const guestTraps = st.monitors[depth - 1].stats.traps;
console.log(`${kind} monitor, depth ${depth}: ${steps} guest steps, ${guestTraps} guest traps, ${st.monitors[0].stats.traps} traps at level 1`);
console.log(`${cpu.toFixed(2)} s CPU, ${((cpu * 1e9) / Math.max(1, guestTraps)).toFixed(0)} ns per guest trap\n`);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const t = profile.timeDeltas[i] ?? 0;
  const f = byId.get(id).callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${f.url ? path.basename(f.url) + ':' + (f.lineNumber + 1) : ''}`;
  self.set(key, (self.get(key) ?? 0) + t);
  total += t;
});
console.log('self time  function (generated code has no file; core.mjs is the bundle of src/core)');
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(opt('--top', 20)))) console.log(`${((t / total) * 100).toFixed(1).padStart(8)} %  ${k}`);
const out = opt('--out');
if (out) writeFileSync(out, JSON.stringify(profile));
