/**
 * Classification off the page's thread: the classifier runs ~10^5 executions per ISA (a second or two), which
 * would freeze the lab's editors. The page sends ISA file text; the answer is cached per text.
 */
import { classify, type Classification } from '../../core/classify/classify';
import { parseIsaFile } from '../../core/isa/isafile';

export type ClassifyReply =
  | { id: number; ok: true; classification: Classification }
  | { id: number; ok: false; message: string };

const cache = new Map<string, Classification>();

self.onmessage = (e: MessageEvent<{ id: number; text: string }>) => {
  const { id, text } = e.data;
  try {
    let c = cache.get(text);
    if (!c) {
      const r = parseIsaFile(text);
      if (!r.ok) {
        (self as unknown as Worker).postMessage({ id, ok: false, message: r.errors.map((x) => x.message).join('; ') } satisfies ClassifyReply);
        return;
      }
      c = classify(r.isa);
      if (cache.size > 32) cache.clear();
      cache.set(text, c);
    }
    (self as unknown as Worker).postMessage({ id, ok: true, classification: c } satisfies ClassifyReply);
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, ok: false, message: String(err) } satisfies ClassifyReply);
  }
};
