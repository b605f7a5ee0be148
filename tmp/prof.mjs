import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';
await build({ stdin: { contents: "export { VirtualStack } from './src/core/vmm/stack'; export { presetIsa } from './src/core/isa/isa'; export { assemble } from './src/core/asm/assembler'; export { kernelHeavySource } from './src/lessons/guest'; export { Machine } from './src/core/machine/machine';", resolveDir: process.cwd(), loader: 'ts' }, outfile: 'tmp/prof-core.mjs', bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
const c = await import(pathToFileURL('tmp/prof-core.mjs').href);
const kind = process.argv[2] ?? 'bt';
const isa = c.presetIsa('x86');
const img = c.assemble(c.kernelHeavySource(0, false), isa).image;
const n = 300_000_000;
let run;
if (kind === 'bare') { const m = new c.Machine({ q: 16384, isa }); m.boot(img); run = () => m.run(n); }
else { const s = new c.VirtualStack({ isa, kind, depth: 1, w: 16384 }); s.boot(img); run = () => s.run(n); }
const t0 = process.cpuUsage(); run(); const t = process.cpuUsage(t0);
console.log(kind, (n / ((t.user + t.system) / 1e6) / 1e6).toFixed(0), 'M/s');
