// What `npm run bench` needs from the core, bundled once per bench run.
export { assemble } from '../src/core/asm/assembler';
export { benchMonitors, formatBench } from '../src/core/vmm/bench';
export { benchBeyond, formatBeyond } from '../src/core/vmm/beyond-bench';
