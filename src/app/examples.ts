/** The repository's example programs, picked up at build time so that a new examples/*.s appears by itself. */
const raw: Record<string, string> = import.meta.glob<string>('/examples/*.s', { query: '?raw', eager: true, import: 'default' });

export const examples: Record<string, string> = Object.fromEntries(
  Object.entries(raw)
    .map(([path, text]) => [path.replace(/^.*\//, ''), text] as const)
    .sort(([a], [b]) => a.localeCompare(b)),
);

/** `; isa: x86` on an early line of an example chooses the ISA preset it is written for. */
export function exampleIsa(source: string): string | null {
  for (const line of source.split('\n').slice(0, 12)) {
    const m = /^\s*;\s*isa\s*:\s*([A-Za-z0-9_-]+)/i.exec(line);
    if (m) return m[1].toLowerCase();
  }
  return null;
}

/** Monitor settings an example may ask for with `; vmm: full` and `; depth: 2`. */
export function exampleHeader(source: string, key: string): string | null {
  const re = new RegExp(`^\\s*;\\s*${key}\\s*:\\s*([A-Za-z0-9_-]+)`, 'i');
  for (const line of source.split('\n').slice(0, 12)) {
    const m = re.exec(line);
    if (m) return m[1].toLowerCase();
  }
  return null;
}

/** The first line of a leading comment, shown beside the example's name. */
export function exampleTitle(source: string): string {
  for (const line of source.split('\n').slice(0, 6)) {
    const m = /^\s*;+\s*(.+)$/.exec(line);
    if (m && !/^\s*(isa|vmm|depth|input)\s*:/i.test(m[1])) return m[1].trim();
  }
  return '';
}

const FALLBACK = `; PG Lab: sum 1..10 and print it
start:  LI   r1, 0        ; sum
        LI   r2, 1        ; i
        LI   r3, 11
loop:   ADD  r1, r2
        ADDI r2, 1
        JLT  r2, r3, loop
        OUT  r1, 1        ; print the sum in decimal
        HALT
`;

/** What a first visit opens: a kernel whose user process makes a system call, so a trap comes within 9 steps. */
export const FIRST_EXAMPLE = 'first-trap.s';

export function defaultExample(): string | null {
  const names = Object.keys(examples);
  if (names.length === 0) {
    examples['sum.s'] = FALLBACK;
    return 'sum.s';
  }
  return names.includes(FIRST_EXAMPLE) ? FIRST_EXAMPLE : names[0];
}
