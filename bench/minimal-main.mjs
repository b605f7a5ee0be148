// Runs the minimal switch loop as its own process on words given as JSON (process start included, like `pglab run`).
import { minimalRun } from './minimal.mjs';
const { words, entry } = JSON.parse(process.argv[2]);
const mem = new Int32Array(65536);
for (const [a, w] of words) mem[a] = w;
const r = minimalRun(mem, entry);
console.log(JSON.stringify({ steps: r.steps }));
