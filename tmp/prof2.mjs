import { pathToFileURL } from 'node:url';
const c = await import(pathToFileURL('tmp/prof-core.mjs').href);
const isa = c.presetIsa('x86');
const img = c.assemble(c.kernelHeavySource(0, false), isa).image;
const s = new c.VirtualStack({ isa, kind: 'bt', depth: 1, w: 16384 }); s.boot(img);
for (const n of [1e6, 1e7, 1e8]) { const t0 = process.cpuUsage(); s.run(n); const t = process.cpuUsage(t0); const tr = s.guest.translator; console.log(n, 'blocks', tr.blocks, 'invalidated', tr.invalidated, ((t.user+t.system)/1e3).toFixed(0),'ms'); }
