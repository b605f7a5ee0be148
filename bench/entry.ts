// What `npm run bench` needs from the core, bundled once per bench run.
export { assemble } from '../src/core/asm/assembler';
export { benchMonitors, formatBench, benchPgMonitor, formatPgBench } from '../src/core/vmm/bench';
