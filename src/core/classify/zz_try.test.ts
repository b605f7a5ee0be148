import { it } from 'vitest';
import { classify } from './classify';
import { counterexamples } from './counterexample';
import { presetIsa, PRESET_NAMES } from '../isa/isa';
it('x', () => {
  for (const p of PRESET_NAMES) {
    const isa = presetIsa(p);
    const c = classify(isa);
    const t = performance.now();
    const cx = counterexamples(isa, c);
    console.log(p, (performance.now() - t).toFixed(0), 'ms');
    for (const x of cx) console.log(x.theorem, x.mnemonic, x.tried, x.explanation);
    if (p === 'x86') console.log(cx[0].source);
  }
});
