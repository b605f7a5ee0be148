import { it } from 'vitest';
import fc from 'fast-check';
import { hotArb, hotMachine } from './machine.diff.test';

it('hotstats', () => {
  let compiled = 0, entries = 0, stale = 0, steps = 0, inBlocks = 0, traps = [0,0,0,0,0,0], cases = 0, vpcMiss = 0;
  for (const h of fc.sample(hotArb, 250)) {
    const { m } = hotMachine(h, true);
    const orig = m.compileAt.bind(m);
    m.compileAt = (pa: number, pc: number) => {
      const i = orig(pa, pc);
      if (i) { compiled++; const blk = m.blocks[i]!; const f = blk.fn; blk.fn = (...a) => { entries++; const r = f(...a); if (r < 0) stale++; else inBlocks += r; return r; }; }
      return i;
    };
    for (const n of h.chunks) m.run(n, 0);
    steps += m.steps; cases++;
    for (let i = 0; i < 6; i++) traps[i] += m.trapCounts[i];
  }
  console.log('HOT', { cases, compiled, entries, stale, steps, inBlocks, traps });
});
