import { it } from 'vitest';
import { lessonById } from '../src/lessons/lessons';
import { UNMODIFIED_KERNEL } from '../src/lessons/beyond';
it('x', () => {
  for (const id of ['translate', 'paravirt', 'assist']) {
    const l = lessonById(id)!;
    const src = id === 'assist' ? '{"name":"x86-vt","base":"x86","assist":true}' : id === 'translate' ? UNMODIFIED_KERNEL : l.starter;
    const t0 = performance.now();
    const r = l.check(src);
    console.log(id, (performance.now() - t0).toFixed(0), 'ms', r.passed, JSON.stringify(r, null, 1));
  }
});
