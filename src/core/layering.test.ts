// The core is the machine and its theory: the CLI, the worker and the app are built on it, never the reverse.
// This walks every module under src/core and resolves each import, static or dynamic, to where it lands.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = path.dirname(fileURLToPath(import.meta.url));
const src = path.dirname(core);
const FORBIDDEN = ['app', 'worker', 'cli'].map((d) => path.join(src, d));

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return modules(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** Every module specifier of a file: `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\1/g;
  for (const m of text.matchAll(re)) out.push(m[2]);
  return out;
}

describe('src/core imports nothing from app, worker or cli', () => {
  it('finds the specifiers it must check (the scanner sees real imports)', () => {
    expect(specifiers(`import { a } from '../app/x';\nexport * from "./y";\nimport './z';\nconst m = await import('../cli/w');`)).toEqual([
      '../app/x',
      './y',
      './z',
      '../cli/w',
    ]);
  });

  // This file is left out: its own sample imports above are there to be found.
  const files = modules(core).filter((f) => f !== fileURLToPath(import.meta.url));
  it('has modules to check', () => expect(files.length).toBeGreaterThan(10));
  it.each(files.map((f) => [path.relative(src, f), f]))('%s', (_rel, file) => {
    const bad = specifiers(readFileSync(file, 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => path.resolve(path.dirname(file), s))
      .filter((target) => FORBIDDEN.some((d) => target === d || target.startsWith(d + path.sep)));
    expect(bad.map((t) => path.relative(src, t))).toEqual([]);
  });
});
