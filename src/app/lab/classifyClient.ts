/** The page's side of the classification worker: only the latest request's answer is delivered. */
import type { ClassifyReply, Classified } from './classify.worker';

let worker: Worker | null = null;
let seq = 0;
const waiting = new Map<number, (r: ClassifyReply) => void>();

function get(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./classify.worker.ts', import.meta.url), { type: 'module', name: 'pglab-classify' });
    worker.onmessage = (e: MessageEvent<ClassifyReply>) => {
      const f = waiting.get(e.data.id);
      waiting.delete(e.data.id);
      f?.(e.data);
    };
  }
  return worker;
}

/** Classifies the ISA file's text; resolves null when a newer request overtook this one. */
export function classifyText(text: string): Promise<({ ok: true } & Classified) | { ok: false; message: string } | null> {
  const id = ++seq;
  return new Promise((resolve) => {
    waiting.set(id, (r) => resolve(id === seq ? r : null));
    get().postMessage({ id, text });
  });
}
