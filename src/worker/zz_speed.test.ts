import { it } from 'vitest';
import { Engine } from '/work/main/src/worker/engine';
it('speed', async () => {
  const e = new Engine(() => Promise.resolve());
  const src = 'start: LUI r1, 0x400\n LI r2, 0\nloop: ADDI r2, 1\n XOR r3, r2\n JLT r2, r1, loop\n HALT\n';
  e.load({ source: src, isa: 'pg1', monitor: 'none', depth: 0, q: 65536, input: '', maxSteps: 0 });
  let t0 = performance.now();
  await e.run(false);
  let dt = performance.now() - t0;
  console.log('engine run', e.target!.steps, dt, (e.target!.steps / dt / 1000).toFixed(1), 'M/s');
  e.load({ source: 'start: ADDI r1, 1\n JMP start\n', isa: 'pg1', monitor: 'none', depth: 0, q: 65536, input: '', maxSteps: 50_000_000 });
  t0 = performance.now();
  await e.run(false, 50_000_000);
  dt = performance.now() - t0;
  console.log('endless', e.target!.steps, dt, (e.target!.steps / dt / 1000).toFixed(1), 'M/s');
  const b = e.bench(50_000_000);
  console.log('bench', b, (b.steps / b.ms / 1000).toFixed(1));
});
