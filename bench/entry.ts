// What `npm run bench` needs from the core and the bench's own TypeScript, bundled once per bench run.
export { runSuite } from './suite';
export { WORKLOADS } from './workloads';
export { benchPgMonitor, formatPgBench } from './monitors';
export { runBeyond, formatBeyond } from './beyond-bench';
