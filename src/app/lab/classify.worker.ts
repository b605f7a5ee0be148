/**
 * Classification off the page's thread: the classifier runs ~10^5 executions per ISA (a second or two) and the
 * counterexample search runs equiv on candidate programs, which would freeze the lab's editors. The page sends
 * ISA file text; the answer is cached per text.
 */
import { classify, type Classification } from '../../core/classify/classify';
import { counterexamples, type Counterexample } from '../../core/classify/counterexample';
import { parseIsaFile } from '../../core/isa/isafile';

export interface Classified {
  classification: Classification;
  counterexamples: Counterexample[];
}

export type ClassifyReply = ({ id: number; ok: true } & Classified) | { id: number; ok: false; message: string };

const cache = new Map<string, Classified>();

self.onmessage = (e: MessageEvent<{ id: number; text: string }>) => {
  const { id, text } = e.data;
  const post = (r: ClassifyReply) => (self as unknown as Worker).postMessage(r);
  try {
    let c = cache.get(text);
    if (!c) {
      const r = parseIsaFile(text);
      if (!r.ok) return post({ id, ok: false, message: r.errors.map((x) => x.message).join('; ') });
      const classification = classify(r.isa);
      let cx: Counterexample[] = [];
      try {
        cx = counterexamples(r.isa, classification, { isaSpec: r.isa.name });
      } catch {
        // The Equivalence view falls back to a program built from a witness.
      }
      c = { classification, counterexamples: cx };
      if (cache.size > 32) cache.clear();
      cache.set(text, c);
    }
    post({ id, ok: true, ...c });
  } catch (err) {
    post({ id, ok: false, message: String(err) });
  }
};
