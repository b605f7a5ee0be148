import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, declaredIsa } from '../core/asm/assembler';
import { disassemble } from '../core/asm/disassembler';
import { isPresetName, presetIsa, type PresetName } from '../core/isa/isa';
import { runBare } from '../core/run';
import { main } from './main';
import { captureIo } from './testio';

/**
 * Every examples/NAME.s runs to HALT and prints exactly examples/NAME.expected, through the core and through
 * `pglab run --json`. A first-line comment `; isa: P` names the preset the example is written for.
 */
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.s')).sort();

function exampleIsa(source: string): PresetName {
  const name = declaredIsa(source) ?? 'pg1';
  if (!isPresetName(name)) throw new Error(`unknown preset ${name} in the isa comment`);
  return name;
}

describe('examples', () => {
  it('are there, each with its expected console', () => {
    expect(files).toEqual(expect.arrayContaining(['sum.s', 'hello.s', 'kernel.s', 'pdp10-retu.s', 'x86-getr.s', 'x86-popf.s', 'lra.s']));
    for (const f of files) expect(existsSync(path.join(dir, f.replace(/\.s$/, '.expected'))), f).toBe(true);
  });

  for (const f of files) {
    describe(f, () => {
      const file = path.join(dir, f);
      const source = readFileSync(file, 'utf8');
      const expected = existsSync(file.replace(/\.s$/, '.expected')) ? readFileSync(file.replace(/\.s$/, '.expected'), 'utf8') : null;
      const preset = exampleIsa(source);
      const isa = presetIsa(preset);

      it('assembles and runs to HALT on the core, printing the expected console', () => {
        const asm = assemble(source, isa);
        expect(asm.errors).toEqual([]);
        const { status, json } = runBare(asm.image, { isa });
        expect(status).toBe('halted');
        expect(json.console).toBe(expected);
      });

      it('does the same through pglab run --json', async () => {
        const io = captureIo();
        const code = await main(['run', file, '--json', '--isa', preset], io);
        expect(io.err).toBe('');
        expect(code).toBe(0);
        const j = JSON.parse(io.out);
        expect(j.status).toBe('halted');
        expect(j.console).toBe(expected);
        expect(j.stats.direct + j.stats.trapped + j.stats.interpreted).toBe(j.steps);
      });

      it('survives the disassembly round trip', () => {
        const a = assemble(source, isa);
        const b = assemble(disassemble(a.image, isa, a.symbols), isa);
        expect(b.errors).toEqual([]);
        expect(b.image).toEqual(a.image);
      });
    });
  }
});
