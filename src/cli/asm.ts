import { hexWord } from '../core/asm/disassembler';
import { assembleCommand } from './options';

/** Words of one source line shown in full in the listing; longer runs (.zero, long .string) are shortened. */
const SHOWN = 8;

/**
 * `pglab asm FILE.s`: the listing. Each source line is shown with the address and word it emitted; a line that
 * emits several words shows the rest on the lines below it; a line that emits none shows blank columns.
 */
export const command = assembleCommand(
  'asm',
  'pglab asm FILE.s [--isa P|F.json]',
  'assemble and print a listing: address, word in hex, source line',
  ({ source, asm }, io) => {
    const byLine = new Map<number, Array<readonly [number, number]>>();
    for (const aw of asm.image.words) {
      const line = asm.lineOfAddr.get(aw[0])!;
      let list = byLine.get(line);
      if (!list) byLine.set(line, (list = []));
      list.push(aw);
    }
    const width = Math.max(4, String(Math.max(0, asm.size - 1)).length);
    const blank = ' '.repeat(width + 2 + 10 + 2);
    const row = (a: number, w: number): string => `${String(a).padStart(width)}  ${hexWord(w)}  `;
    const out: string[] = [];
    source.split(/\r\n|\r|\n/).forEach((text, i) => {
      const ws = byLine.get(i + 1) ?? [];
      out.push(((ws.length ? row(ws[0][0], ws[0][1]) : blank) + text).trimEnd());
      const rest = ws.length > SHOWN ? ws.slice(1, SHOWN - 1) : ws.slice(1);
      for (const [a, w] of rest) out.push(row(a, w).trimEnd());
      if (ws.length > SHOWN) {
        const more = ws.length - 1 - rest.length;
        out.push(`${' '.repeat(width)}  ...         (${more} more word${more === 1 ? '' : 's'}, up to address ${ws[ws.length - 1][0]})`);
      }
    });
    while (out.length && out[out.length - 1].trim() === '') out.pop();
    io.stdout(out.join('\n') + '\n');
    io.stderr(`${asm.image.words.length} words, entry ${asm.image.entry}, size ${asm.size}\n`);
  },
);
