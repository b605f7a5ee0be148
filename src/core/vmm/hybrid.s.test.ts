/**
 * monitors/hybrid.s — Theorem 3's hybrid monitor written in PG/1 (PG1.md §8, §8.1) — run by the tower loader
 * (tower.ts) and compared with the bare machine under f (§8): the examples, hand-written programs that hit every
 * instruction and trap cause in virtual supervisor mode (where the monitor interprets), virtual user mode run
 * directly and interpreted, and random programs. PGLAB_PROPERTY_RUNS raises the number of random programs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, declaredIsa } from '../asm/assembler';
import { isPresetName, presetIsa, PRESET_NAMES, type Isa, type PresetName } from '../isa/isa';
import type { Image } from '../machine/machine';
import { arbProgSpec, progImage, propertyRuns } from '../../testing/testgen';
import { buildTower, equivTower, loadMonitor, type TowerEquivResult } from './tower';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MONITOR = readFileSync(path.join(root, 'monitors/hybrid.s'), 'utf8');
const RUNS = propertyRuns(60);
const PG1 = presetIsa('pg1');

function image(src: string, isa: Isa = PG1): Image {
  const r = assemble(src, isa);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n') + '\n' + src);
  return r.image;
}

interface Opts {
  isa?: Isa;
  depth?: number;
  mem?: number;
  input?: string;
  maxSteps?: number;
}

/** equivTower with hybrid.s; throws on a loader error. The step limit is generous: it counts real steps. */
function equiv(guest: Image, o: Opts = {}): TowerEquivResult {
  const r = equivTower(MONITOR, guest, { monitorFile: 'hybrid.s', maxSteps: 50_000_000, ...o });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.equiv;
}

function expectEquivalent(guest: Image, o: Opts = {}): TowerEquivResult {
  const e = equiv(guest, o);
  expect(e.divergence).toBe(null);
  expect(e.native.status).toBe('halted');
  return e;
}

describe('hybrid.s keeps the monitor ABI (§8.1)', () => {
  for (const p of PRESET_NAMES) {
    it(`assembles with the ${p} preset, its image ends below 'guest'`, () => {
      const m = loadMonitor(MONITOR, presetIsa(p), 'hybrid.s');
      expect(m.ok).toBe(true);
      if (!m.ok) return;
      expect(Math.max(...m.monitor.image.words.map(([a]) => a))).toBeLessThan(m.monitor.guest);
      expect(m.monitor.vpsw + 4).toBeLessThanOrEqual(m.monitor.guest);
    });
  }
});

// ------------------------------------------------------------------------------------------------ examples
const exampleDir = path.join(root, 'examples');
const examples = readdirSync(exampleDir).filter((f) => f.endsWith('.s')).sort();

function declared(src: string): PresetName {
  const n = declaredIsa(src) ?? 'pg1';
  if (!isPresetName(n)) throw new Error(`unknown preset ${n}`);
  return n;
}

/** x86 examples whose user code uses no sensitive instruction: the paravirtual kernel and its unmodified twin. */
const KERNEL_ONLY = new Set(['x86-kernel.s', 'x86-para.s']);

describe('every example is equivalent under hybrid.s', () => {
  for (const f of examples) {
    const src = readFileSync(path.join(exampleDir, f), 'utf8');
    const own = declared(src);
    it(`${f}: pg1, depth 1 and 2`, () => {
      for (const depth of [1, 2]) expectEquivalent(image(src, PG1), { depth });
    });
    if (own === 'pdp10') {
      it(`${f}: pdp10, depth 1 and 2 (RETU open in user mode: Theorem 3 still holds)`, () => {
        const isa = presetIsa('pdp10');
        for (const depth of [1, 2]) expectEquivalent(image(src, isa), { isa, depth });
      });
    }
    if (KERNEL_ONLY.has(f)) {
      // Their sensitive instructions all run in (virtual) supervisor mode, which the hybrid monitor interprets:
      // Theorem 3's condition fails on x86, yet these programs never meet the violator (GETR in user mode).
      it(`${f}: under its own ISA (${own}) equivalent, since only supervisor code uses sensitive instructions`, () => {
        const isa = presetIsa(own);
        expectEquivalent(image(src, isa), { isa, depth: 1 });
      });
    } else if (own === 'x86' || own === 'lra') {
      // Skipped as an equivalence: these examples need an ISA whose user-sensitive instructions are not
      // privileged (GETR/GETMODE or LRA open), so Theorem 3's condition fails and no hybrid monitor can hide
      // the real R from virtual user mode. The test checks that it really shows.
      it(`${f}: under its own ISA (${own}) Theorem 3's condition fails and the guest sees the real R`, () => {
        const isa = presetIsa(own);
        const e = equiv(image(src, isa), { isa });
        expect(e.equivalent).toBe(false);
        expect(e.divergence?.field).toBe('console');
      });
    }
  }

  it('depth 3 on pg1 (hello.s, pdp10-vmm.s) and pdp10 (pdp10-vmm.s)', () => {
    for (const f of ['hello.s', 'pdp10-vmm.s']) {
      const src = readFileSync(path.join(exampleDir, f), 'utf8');
      expectEquivalent(image(src, PG1), { depth: 3 });
    }
    const isa = presetIsa('pdp10');
    expectEquivalent(image(readFileSync(path.join(exampleDir, 'pdp10-vmm.s'), 'utf8'), isa), { isa, depth: 3 });
  });

  it('is a hybrid: virtual supervisor mode never runs directly, virtual user mode does', () => {
    const sum = equiv(image(readFileSync(path.join(exampleDir, 'sum.s'), 'utf8')));
    expect(sum.virtual.stats.guest.instructions).toBe(0);
    const kernel = equiv(image(readFileSync(path.join(exampleDir, 'kernel.s'), 'utf8')));
    // kernel.s's process runs in user mode; its instructions that did not trap ran on the processor.
    expect(kernel.virtual.stats.guest.instructions).toBeGreaterThan(100);
  });
});

// ------------------------------------------------------------------------------- hand-written programs
/**
 * A kernel frame for the programs below: the trap vector sends every trap to `handler` (supervisor, R = (0, q)),
 * which prints `cause:detail@P ` and resumes after the trapping instruction with LPSW [0] (the old PSW, so the
 * old mode and R come back); SVC 0 or a 40th trap halts. The body uses r1..r12, the handler r13..r14.
 */
function kernel(body: string, tail = ''): string {
  return `
        .org 16
start:  ST r0, [8]
        LI r13, handler
        ST r13, [9]
        ST r0, [10]
        GETR r13, r14
        ST r14, [11]
        LI r13, 0
        LI r14, 0
${body}
        HALT
handler: LD r13, [4]
        OUT r13, 1
        LI r14, ':'
        OUT r14, 0
        LD r13, [5]
        OUT r13, 1
        LI r14, '@'
        OUT r14, 0
        LD r13, [1]
        OUT r13, 1
        LI r14, ' '
        OUT r14, 0
        LD r13, [4]
        LI r14, 4
        JEQ r13, r14, h_svc
h_count: LD r13, [count]
        ADDI r13, 1
        ST r13, [count]
        LI r14, 40
        JLT r13, r14, h_resume
        HALT
h_svc:  LD r13, [5]
        JNZ r13, h_count
        HALT
h_resume: LD r13, [1]
        ADDI r13, 1
        ST r13, [1]
        LPSW [0]
count:  .word 0
${tail}
`;
}

interface Case {
  name: string;
  src: string;
  /** Text the bare run must print: proof that the program reaches what it is meant to test. */
  shows: string[];
  input?: string;
  presets?: PresetName[];
}

const Q = 1024;

const CASES: Case[] = [
  {
    name: 'arithmetic wraps, r0 stays 0, shifts use rb & 31, DIV truncates, MOD takes the sign',
    src: kernel(`
        LUI r1, 0x7FFF
        ORI r1, 0xFFFF          ; 2^31 - 1
        MOV r2, r1
        ADDI r2, 1              ; wraps to -2^31
        LI r3, -1
        MOV r4, r2
        DIV r4, r3              ; -2^31 / -1 wraps to -2^31
        MOV r5, r2
        MOD r5, r3              ; 0
        LI r6, -7
        LI r7, 2
        DIV r6, r7              ; -3
        LI r8, -7
        MOD r8, r7              ; -1
        MUL r1, r1              ; low 32 bits
        LI r9, 33
        LI r10, 1
        SHL r10, r9             ; 1 << 1
        LI r11, -16
        SHR r11, r9             ; logical
        LI r0, 5                ; dropped
        ADD r0, r1
        MOV r12, r0
        XOR r12, r1
        AND r3, r7
        OR r3, r6
        SUB r3, r2
        LUI r9, 0xABCD
        ORI r9, 0x1234
        OUT r12, 1`),
    shows: [],
  },
  {
    name: 'DIV and MOD by zero are ARITH traps and leave ra alone',
    src: kernel(`
        LI r1, 7
        DIV r1, r0
        LI r2, 0
        MOD r1, r2
        OUT r1, 1`),
    shows: ['5:0@', '7'],
  },
  {
    name: 'SVC n traps with detail n (uimm), in supervisor mode',
    src: kernel(`
        SVC 1
        SVC 65535
        SVC 0`),
    shows: ['4:1@', '4:65535@'],
  },
  {
    name: 'undefined opcodes are ILLEGAL with the word as detail',
    src: kernel(`
        .word 0x1B000000
        .word 0x28123456
        .word 0xFF00FFFF`),
    shows: ['3:452984832@', '3:672281686@', '3:-16711681@'],
  },
  {
    name: 'loads and stores: bounds, effective addresses that wrap at 32 bits',
    src: kernel(`
        LI r2, 77
        LI r3, ${Q - 1}
        ST r2, [r3]             ; the last word
        LD r4, [r0+${Q - 1}]
        ST r2, [r0+${Q}]        ; one past the end
        LD r4, [r0-1]
        LUI r1, 0x7FFF
        ORI r1, 0xFFFF
        ST r2, [r1+5]           ; EA wraps to -2^31 + 4
        LD r5, [r1+1]           ; EA wraps to -2^31
        LUI r6, 0x8000
        LD r7, [r6-1]           ; EA wraps to 2^31 - 1`),
    shows: [`2:${Q}@`, '2:-1@', '2:-2147483644@', '2:-2147483648@', '2:2147483647@'],
  },
  {
    name: 'LPSW reads four words in order and traps on the first bad one, leaving the state alone',
    src: kernel(`
        LI r1, ${Q - 2}
        LPSW [r1]               ; words Q-2, Q-1 are fine, Q is not
        LI r1, ${Q - 3}
        LPSW [r1]               ; only the fourth word is out
        LPSW [r0-1]
        LUI r2, 0x7FFF
        ORI r2, 0xFFFF
        LPSW [r2]
        LPSW [r2+1]             ; EA wraps
        LI r3, psw
        LPSW [r3]               ; a good one: supervisor, P = after, R = (0, q)
back:   OUT r3, 1`, `psw: .word 0, back, 0, ${Q}`),
    shows: [`2:${Q}@25 2:${Q}@27 `, '2:-1@', '2:2147483647@', '2:-2147483648@'],
  },
  {
    name: 'GETMODE, GETR (ra = l, then rb = b), LRA in and out of bounds, SETR in effect at once',
    src: kernel(`
        GETMODE r1
        GETR r2, r3
        GETR r4, r4             ; ends holding b
        GETR r0, r5
        LRA r6, [r0+5]
        LRA r7, [r0+${Q}]       ; MEMORY trap
        LI r8, 300
        LI r9, 0
        SETR r9, r8             ; R = (0, 300) from the next fetch on
        LD r10, [r0+299]
        LD r10, [r0+300]        ; MEMORY: b is 300 now
        LI r11, ${Q}
        SETR r9, r11`),
    shows: [`2:${Q}@`, '2:300@'],
  },
  {
    name: 'jumps: JMP, JZ, JNZ, JEQ, JLT (signed), JAL (also with r0), JR',
    src: kernel(`
        LI r1, -1
        LI r2, 1
        JLT r1, r2, j1          ; signed: taken
        OUT r1, 1
j1:     JLT r2, r1, j2          ; not taken
        JEQ r1, r1, j2
        OUT r2, 1
j2:     JZ r1, j3
        JNZ r1, j3
        OUT r2, 1
j3:     JZ r0, j4
        OUT r2, 1
j4:     JAL r5, subr
        JAL r0, j5
        OUT r2, 1
j5:     LI r6, j6
        JR r6
        OUT r2, 1
j6:     JMP j7
subr:   LI r7, 42
        JR r5
j7:     OUT r7, 1`),
    shows: ['42'],
  },
  {
    name: 'IN and OUT pass through: characters, numbers, IN into r0 consumes, unknown ports',
    input: 'AB 42 x',
    src: kernel(`
        IN r1, 0
        IN r0, 0                ; 'B' is consumed
        IN r2, 1
        IN r3, 1                ; not a number: -1, nothing consumed
        IN r4, 0
        IN r5, 7                ; no such port: -1
        OUT r1, 0
        OUT r2, 1
        LI r6, -7
        OUT r6, 1
        OUT r1, 9               ; ignored
        LUI r7, 1
        ORI r7, 0x43
        OUT r7, 0               ; 0x10043 & 0xFFFF = 'C'`),
    shows: ['A42-7C'],
  },
  {
    name: 'self-modifying code: a store into the next instruction',
    src: kernel(`
        LI r1, 5
        LD r2, [r0+model]
        ST r2, [r0+slot]
slot:   NOP                     ; becomes ADDI r1, 3
        OUT r1, 1`, `model: ADDI r1, 3`),
    shows: ['8'],
  },
  {
    name: 'virtual supervisor mode in a relocated window, l > 0 and then l < 0',
    src: kernel(`
        LPSW [r0+spsw]`, `
spsw:   .word 0, s1-600, 600, 100
        .org 600
s1:     LI r1, 3
        ST r1, [r0+10]
        LD r2, [r0+10]
        LD r3, [r0+100]         ; MEMORY: b = 100
        LRA r4, [r0+7]          ; 607
        GETR r5, r6
        JAL r7, s2-600
        JMP s3-600
s2:     JR r7
s3:     LPSW [r0+npsw-600]      ; R = (-3, 2000): virtual 3 is physical 0
npsw:   .word 0, 703, -3, 2000
        .org 700
        LD r8, [r0+3]           ; physical 0
        LD r9, [r0+2]           ; a + l < 0: MEMORY, detail 2
        GETR r10, r11
        LRA r12, [r0+10]        ; 7
        SVC 5
        HALT`),
    shows: ['2:100@', '2:2@'],
  },
  {
    name: 'a kernel runs a user process in a window with l > 0: direct execution, every trap reflected',
    input: 'z',
    src: kernel(`
        LPSW [r0+upsw]`, `
upsw:   .word 1, 0, 800, 50
        .org 800
        LI r1, 5
        ST r1, [r0+10]
        LD r2, [r0+10]
        LD r3, [r0+60]          ; MEMORY, detail 60 (virtual)
        GETMODE r4              ; PRIVILEGED
        GETR r4, r5
        LRA r6, [r0+1]
        SETR r0, r0
        IN r7, 0                ; PRIVILEGED, consumes nothing
        OUT r1, 1
        HALT
        LPSW [r0]
        RETU 13                 ; pg1: PRIVILEGED; pdp10: a jump to 13, the next one
        SVC 9
        .word 0xFE000000
        SVC 0`),
    shows: ['2:60@3', '4:9@'],
    presets: ['pg1', 'pdp10'],
  },
  {
    name: 'a kernel enters user mode with RETU; the user changes the trap vector to M = 5 (means user)',
    src: kernel(`
        RETU user
user:   LI r1, 5
        ST r1, [r0+8]           ; new M = 5: user mode after the next trap
        LI r1, u2
        ST r1, [r0+9]
        SVC 3                   ; -> u2, in user mode
u2:     LI r1, handler
        ST r1, [r0+9]
        ST r0, [r0+8]
        SVC 4                   ; -> handler, which reads the old M = 1 in E[0]
        SVC 0`),
    shows: ['4:4@'],
    presets: ['pg1', 'pdp10'],
  },
  {
    name: 'virtual user mode with no real window (l < 0): interpreted with the variants the processor has',
    src: kernel(`
        LPSW [r0+upsw]`, `
upsw:   .word 1, 516, -4, 600
        .org 512
        LI r1, 9
        ST r1, [r0+10]          ; physical 6
        LD r2, [r0+3]           ; a + l < 0: MEMORY
        GETMODE r3              ; x86: 1
        GETR r4, r5             ; x86: (-4, 600), the virtual R
        LRA r6, [r0+20]         ; lra: 16
        LI r7, 0
        LI r8, 700
        SETR r7, r8             ; x86: nothing; otherwise PRIVILEGED
        RETU 529                ; pdp10: jumps over the next instruction
        LI r9, 1
        IN r10, 0
        HALT
        SVC 0`),
    shows: ['2:3@518'],
    presets: ['pg1', 'pdp10', 'x86', 'lra'],
  },
  {
    name: 'virtual supervisor mode with an empty window (b = 0, as a trap vector never set): P = 0 traps too',
    src: kernel(`
        LPSW [r0+p1]`, `p1: .word 0, 0, 0, 0`),
    shows: ['2:0@0 2:1@1'],
  },
  {
    name: 'virtual user mode with a base past the VM: every fetch traps (interpreted)',
    src: kernel(`
        LPSW [r0+p1]`, `p1: .word 1, 0, ${Q + 10}, 5`),
    shows: ['2:0@0', '2:5@5'],
  },
  {
    name: 'virtual user mode with a negative bound: an empty window, every fetch traps',
    src: kernel(`
        LPSW [r0+p2]`, `p2: .word 1, 7, 0, -5`),
    shows: ['2:7@7', '2:8@8'],
  },
];

describe('hand-written programs in virtual supervisor (and user) mode are equivalent', () => {
  for (const c of CASES) {
    it(c.name, () => {
      for (const p of c.presets ?? ['pg1']) {
        const isa = presetIsa(p);
        const img = image(c.src, isa);
        for (const depth of [1, 2]) {
          const e = expectEquivalent(img, { isa, depth, mem: Q, input: c.input });
          for (const s of c.shows) expect(e.native.console).toContain(s);
        }
      }
    });
  }

  it('the interpreted user mode follows each preset (the probes found the variants)', () => {
    const c = CASES.find((x) => x.name.startsWith('virtual user mode with no real window'))!;
    const out = (p: PresetName) => equiv(image(c.src, presetIsa(p)), { isa: presetIsa(p), mem: Q }).virtual;
    // pg1 traps GETMODE (1:...@519); x86 does not, and its GETR gives the virtual R; pdp10's RETU jumps.
    expect(out('pg1').console).toContain('1:');
    expect(out('x86').regs[4]).toBe(-4);
    expect(out('x86').regs[3]).toBe(1);
    expect(out('lra').regs[6]).toBe(16);
    expect(out('pdp10').regs[9]).toBe(0);
    expect(out('pg1').regs[9]).toBe(1);
  });
});

// ----------------------------------------------------------------------------------------- properties
const RA = fc.integer({ min: 1, max: 12 });
const ALU = ['ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'MOV'];
const PQ = 512;
const DATA = 256;

/** One random straight-line supervisor instruction (data addresses inside [DATA, PQ), sometimes outside). */
const arbLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(RA, fc.integer({ min: -32768, max: 32767 })).map(([a, v]) => `LI r${a}, ${v}`) },
  { weight: 1, arbitrary: fc.tuple(RA, fc.integer({ min: 0, max: 0xffff })).map(([a, v]) => `LUI r${a}, ${v}`) },
  { weight: 1, arbitrary: fc.tuple(RA, fc.integer({ min: 0, max: 0xffff })).map(([a, v]) => `ORI r${a}, ${v}`) },
  { weight: 2, arbitrary: fc.tuple(RA, fc.integer({ min: -32768, max: 32767 })).map(([a, v]) => `ADDI r${a}, ${v}`) },
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...ALU), RA, fc.integer({ min: 0, max: 12 })).map(([m, a, b]) => `${m} r${a}, r${b}`) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom('LD', 'ST'),
        RA,
        fc.oneof({ weight: 8, arbitrary: fc.integer({ min: DATA, max: PQ - 1 }) }, { weight: 1, arbitrary: fc.integer({ min: PQ, max: PQ + 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: -1 }) }),
      )
      .map(([m, a, off]) => `${m} r${a}, [r0${off < 0 ? '' : '+'}${off}]`),
  },
  { weight: 1, arbitrary: fc.tuple(RA, RA, fc.integer({ min: -4, max: 4 })).map(([a, b, off]) => `LD r${a}, [r${b}${off < 0 ? '' : '+'}${off}]`) },
  { weight: 1, arbitrary: fc.tuple(RA, RA).map(([a, b]) => `GETR r${a}, r${b}`) },
  { weight: 1, arbitrary: RA.map((a) => `GETMODE r${a}`) },
  { weight: 1, arbitrary: fc.tuple(RA, fc.integer({ min: -2, max: PQ + 2 })).map(([a, off]) => `LRA r${a}, [r0${off < 0 ? '' : '+'}${off}]`) },
  { weight: 1, arbitrary: fc.tuple(RA, fc.constantFrom(0, 1)).map(([a, p]) => `OUT r${a}, ${p}`) },
  { weight: 1, arbitrary: fc.tuple(RA, fc.constantFrom(0, 1)).map(([a, p]) => `IN r${a}, ${p}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 0xffff }).map((n) => `SVC ${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('.word 0x1C000000', '.word 0xFFFFFFFF', 'NOP') },
);

describe('random programs are equivalent to the bare machine', () => {
  it('straight-line supervisor programs (pg1, depth 1; every 8th also depth 2)', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 40 }), fc.string({ maxLength: 8 }), (lines, input) => {
        const src = kernel(lines.map((x) => `        ${x}`).join('\n'));
        const img = image(src);
        for (const depth of n++ % 8 === 0 ? [1, 2] : [1]) {
          const e = equiv(img, { depth, mem: PQ, input });
          if (!e.equivalent) throw new Error(`depth ${depth}: ${JSON.stringify(e.divergence)}\n${src}`);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('straight-line supervisor programs in a relocated window, l from -8 to 100 (pg1, depth 1)', () => {
    fc.assert(
      fc.property(
        fc.array(arbLine, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: -8, max: 100 }),
        fc.integer({ min: 0, max: 300 }),
        (lines, l, extra) => {
          // The code lies at physical 150 = virtual 150 - l, below every store (DATA + l >= 248), so it never
          // changes; the window reaches past it by `extra` words.
          const src = kernel(
            `        LPSW [r0+rpsw]`,
            `rpsw: .word 0, ${150 - l}, ${l}, ${150 - l + 42 + extra}\n        .org 150\n` + lines.map((x) => `        ${x}`).join('\n') + '\n        HALT',
          );
          const e = equiv(image(src), { mem: PQ });
          if (!e.equivalent) throw new Error(`${JSON.stringify(e.divergence)}\n${src}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('straight-line supervisor programs on x86 (depth 1): in virtual supervisor mode every preset is interpreted alike', () => {
    const isa = presetIsa('x86');
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 40 }), (lines) => {
        const src = kernel(lines.map((x) => `        ${x}`).join('\n'));
        const e = equiv(image(src, isa), { isa, mem: PQ });
        if (!e.equivalent) throw new Error(`${JSON.stringify(e.divergence)}\n${src}`);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  // testgen's kernel + user programs: user windows that compose, negative bases and bounds past memory (the
  // interpreted user mode), kernels that change R, read GETR/GETMODE/LRA, do I/O.
  for (const [preset, depth, runs] of [['pg1', 1, RUNS], ['pdp10', 1, Math.ceil(RUNS / 2)], ['pg1', 2, Math.ceil(RUNS / 6)]] as const) {
    it(`kernel + user programs (${preset}, depth ${depth})`, () => {
      const isa = presetIsa(preset);
      fc.assert(
        fc.property(arbProgSpec(), (s) => {
          const e = equiv(progImage(s, isa), { isa, depth, mem: s.w, input: s.input, maxSteps: 5_000_000 });
          if (e.native.status !== 'halted') return; // a program that loops: no end state to compare
          if (!e.equivalent) throw new Error(JSON.stringify(e.divergence));
        }),
        { numRuns: runs },
      );
    });
  }
});

// ------------------------------------------------------------------------------- isolation and cost
describe('resource control and cost', () => {
  it('code in real user mode never touches memory outside the guest allocation (but for the boot probes)', () => {
    const src = readFileSync(path.join(exampleDir, 'kernel.s'), 'utf8');
    const sym = assemble(MONITOR).symbols;
    // The monitor's own probes of the variants run in real user mode in its own memory, at boot.
    const probeLo = sym.get('p_setr')!;
    const probeHi = sym.get('p_retu')! + 2;
    for (const depth of [1, 2]) {
      const b = buildTower(MONITOR, image(src), { depth, mem: 16384 });
      if (!b.ok) throw new Error('build');
      const t = b.tower;
      const lo = t.monitor.guest;
      const hi = t.real.q;
      const outside: number[] = [];
      let inside = 0;
      let probes = 0;
      // The tower runs slices that end at every mode change, so real.mode is the mode of the slice running.
      t.real.onAccess = (kind, pa) => {
        if (t.real.mode !== 1 || kind === 3) return; // supervisor: the outermost monitor itself; 3: trap frame
        if (pa >= lo && pa < hi) inside++;
        else if (pa >= probeLo && pa < probeHi) probes++;
        else outside.push(pa);
      };
      expect(t.run(50_000_000)).toBe('halted');
      expect(inside).toBeGreaterThan(100);
      expect(probes).toBeGreaterThan(0);
      expect(outside).toEqual([]);
    }
  });

  it('interpreting costs about 23 real instructions per guest instruction (depth 1), its square at depth 2', () => {
    // A supervisor-only loop (every instruction interpreted); two lengths, so the boot's cost cancels out.
    const loop = (n: number) => image(`start: LI r1, ${n}\nLI r2, 0\nloop: ADD r2, r1\nLD r3, [r0+200]\nST r2, [r0+201]\nADDI r1, -1\nJNZ r1, loop\nHALT\n`);
    const cost = (depth: number) => {
      const [a, b] = [100, 300].map((n) => equiv(loop(n), { depth, mem: 1024 }));
      return (b.virtual.steps - a.virtual.steps) / (b.native.steps - a.native.steps);
    };
    const c1 = cost(1);
    const c2 = cost(2);
    console.log(`hybrid.s: ${c1.toFixed(1)} real instructions per interpreted instruction at depth 1, ${c2.toFixed(0)} at depth 2`);
    expect(c1).toBeGreaterThan(10);
    expect(c1).toBeLessThan(30);
    expect(c2).toBeGreaterThan(c1 * c1 * 0.8);
    expect(c2).toBeLessThan(c1 * c1 * 1.5);
  });
});
