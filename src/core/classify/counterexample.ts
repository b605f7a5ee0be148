import { assemble } from '../asm/assembler';
import type { Isa } from '../isa/isa';
import { encode, type InstrDef } from '../isa/table';
import { equiv, type Divergence } from '../vmm';
import { configs, formatInstruction, type Classification, type Config } from './classify';

/**
 * Counterexample programs: for each violator of Theorem 1 (resp. 3), a short guest program that ends
 * differently on the bare machine and under the full (resp. hybrid) monitor, found by trying candidate programs
 * and proving each with `equiv`. A violator only voids the theorem's guarantee (the theorems are sufficient
 * conditions), so a violator can have no such program: then none is returned and the report says why.
 *
 * Every candidate has the same shape, in a VM of COUNTER_W words:
 *   - the new PSW of every trap (physical 8..11) sends the machine to `fail: HALT` in supervisor mode;
 *   - the kernel at 16 loads the registers of the candidate state and enters it with LPSW: mode m, P, R = (40, 16)
 *     (or (0, 8), see WINDOWS);
 *   - the window holds the instruction at P and small words elsewhere, which are NOPs: after the
 *     instruction, execution slides to the end of the window, takes a memory trap and halts in `fail`.
 * Bare, the instruction runs in mode m at l = 40. Under the full monitor the guest's supervisor code runs in real
 * user mode, and its R is composed onto the VM's allocation, so an unprivileged sensitive instruction sees the
 * wrong mode or location, or changes the real M or R behind the monitor's back. The hybrid monitor interprets all
 * of virtual supervisor mode, so only user-mode candidates are tried for Theorem 3.
 */

export const COUNTER_W = 64;
/**
 * Where the candidate's window goes: above the kernel, or at 0 below the trap vector (8 words, so that an effect
 * that tells l = 0 from other bases shows; the trap frame 0..5 is written only when the program ends).
 */
const WINDOWS: readonly (readonly [number, number])[] = [
  [40, 16],
  [0, 8],
];
const MAX_STEPS = 2000;
/** Enough to find every counterexample we know of; the search stops at the first diverging program. */
const MAX_CANDIDATES = 800;

export interface Counterexample {
  mnemonic: string;
  theorem: 1 | 3;
  monitor: 'full' | 'hybrid';
  /** Suggested file name, e.g. `theorem1-GETMODE.s`. */
  file: string;
  /** Assembly text, with comments saying what it shows. Null when no diverging program was found. */
  source: string | null;
  /** What it shows, in one paragraph. */
  explanation: string;
  /** The first difference `equiv` found (null when no program diverged). */
  divergence: Divergence | null;
  /** Candidate programs run through equiv. */
  tried: number;
}

const PATTERN = (kind: 'zeros' | 'distinct', i: number): number => (kind === 'zeros' ? 0 : i + 1);

function loadReg(r: number, v: number): string[] {
  if (r === 0) return [];
  if (v >= -0x8000 && v <= 0x7fff) return [`        LI r${r}, ${v}`];
  return [`        LUI r${r}, ${(v >>> 16) & 0xffff}`, `        ORI r${r}, ${v & 0xffff}`];
}

interface Candidate {
  c: Config;
  mode: 0 | 1;
  P: number;
  pattern: 'zeros' | 'distinct';
  l: number;
  b: number;
}

function program(d: InstrDef, k: Candidate): string {
  const word = encode(d.op, k.c.ra, k.c.rb, k.c.imm);
  const window = [`        .org ${k.l}                ; the window; its small words are NOPs`];
  for (let i = 0; i < k.b; i++) {
    if (i === k.P) window.push(`        ${formatInstruction(d, word).padEnd(23)} ; window word ${i}: the instruction under test`);
    else window.push(`        .word ${PATTERN(k.pattern, i)}`);
  }
  const lines = [
    ...(k.l === 0 ? window : []),
    '        .org 8',
    `        .word 0, fail, 0, ${COUNTER_W}     ; new PSW of every trap: supervisor, P = fail, R = (0, ${COUNTER_W})`,
    '        .org 16',
    'start:',
    ...(k.c.rb !== k.c.ra ? loadReg(k.c.rb, k.c.vb) : []),
    ...loadReg(k.c.ra, k.c.va),
    `        LPSW [psw]              ; enter (${k.mode ? 'u' : 's'}, P=${k.P}, R=(${k.l},${k.b}))`,
    'fail:   HALT',
    `psw:    .word ${k.mode}, ${k.P}, ${k.l}, ${k.b}`,
    ...(k.l === 0 ? [] : window),
  ];
  return lines.join('\n') + '\n';
}

function* candidates(d: InstrDef, modes: readonly (0 | 1)[]): Generator<Candidate> {
  const cs = configs(d);
  for (const [l, b] of WINDOWS) {
    for (const mode of modes) {
      for (const [P, pattern] of [
        [0, 'distinct'],
        [0, 'zeros'],
        [5, 'distinct'],
      ] as const) {
        for (const c of cs) yield { c, mode, P, pattern, l, b };
      }
    }
  }
}

function describe(div: Divergence): string {
  return `${div.field} ends ${JSON.stringify(div.native)} bare but ${JSON.stringify(div.virtual)} under the monitor`;
}

/** Finds, and proves with equiv, one diverging program for a violator of Theorem 1 (full) or 3 (hybrid). */
export function counterexampleFor(isa: Isa, mnemonic: string, theorem: 1 | 3, opts: { isaSpec?: string; why?: string } = {}): Counterexample {
  const d = isa.byMnemonic.get(mnemonic);
  const monitor = theorem === 1 ? 'full' : 'hybrid';
  const file = `theorem${theorem}-${mnemonic}.s`;
  if (!d) return { mnemonic, theorem, monitor, file, source: null, explanation: `no instruction ${mnemonic}`, divergence: null, tried: 0 };
  const modes: (0 | 1)[] = theorem === 1 ? [0, 1] : [1];
  let tried = 0;
  let fallback: { src: string; div: Divergence } | null = null;
  const spec = opts.isaSpec ?? isa.name;
  for (const k of candidates(d, modes)) {
    if (tried >= MAX_CANDIDATES) break;
    tried++;
    const body = program(d, k);
    const asm = assemble(body, isa);
    if (!asm.ok) continue;
    const r = equiv(asm.image, { isa, kind: monitor, depth: 1, w: COUNTER_W, maxSteps: MAX_STEPS });
    if (r.equivalent || !r.divergence) continue;
    // Prefer a program that halts bare: its story is short. Keep the first other divergence as a fallback.
    if (r.native.status !== 'halted') {
      fallback ??= { src: body, div: r.divergence };
      continue;
    }
    return done(k, r.divergence);
  }
  if (fallback) return finish(fallback.src, fallback.div, null);
  return {
    mnemonic,
    theorem,
    monitor,
    file,
    source: null,
    explanation:
      `No diverging program was found among ${tried} candidates for ${mnemonic} under the ${monitor} monitor. ` +
      `Theorem ${theorem} is a sufficient condition only: a violator voids its guarantee, but this monitor may still cope` +
      (theorem === 3 ? ' (for instance when the instruction, as the ISA really runs it in user mode, does nothing sensitive).' : '.'),
    divergence: null,
    tried,
  };

  function done(k: Candidate, div: Divergence): Counterexample {
    return finish(program(d!, k), div, k);
  }

  function finish(body: string, div: Divergence, k: Candidate | null): Counterexample {
    const where = k ? `${k.mode ? 'user' : 'supervisor'} mode` : 'the program';
    const why =
      theorem === 1
        ? `${mnemonic} is sensitive but not privileged (Theorem 1's condition fails). Under the full monitor the guest runs in real user mode with R composed onto its allocation, and ${mnemonic} is not trapped, so the monitor never sees it.`
        : `${mnemonic} is user sensitive but not privileged (Theorem 3's condition fails). The hybrid monitor runs virtual user mode directly, with R composed onto the allocation, and ${mnemonic} is not trapped there.`;
    const explanation = `${why} Here \`${k ? formatInstruction(d!, encode(d!.op, k.c.ra, k.c.rb, k.c.imm)) : mnemonic}\` runs in ${where}: ${describe(div)}.`;
    const header = [
      `; isa: ${spec}`,
      `; Counterexample for Theorem ${theorem} (${theorem === 1 ? 'full' : 'hybrid'} monitor), generated by pglab check --programs.`,
      ...wrap(explanation),
      ...(opts.why ? wrap(`Classifier witness: ${opts.why}`) : []),
      `; Try: pglab equiv ${file} --isa ${spec} --vmm ${monitor} --mem ${COUNTER_W}`,
      `; (a violator only voids the theorem's guarantee: the theorems are sufficient conditions, not "if and only if")`,
      '',
    ];
    return { mnemonic, theorem, monitor, file, source: header.join('\n') + body, explanation, divergence: div, tried };
  }
}

function wrap(text: string, width = 112): string[] {
  const out: string[] = [];
  let line = ';';
  for (const word of text.split(/\s+/)) {
    if (line.length + 1 + word.length > width && line !== ';') {
      out.push(line);
      line = ';';
    }
    line += ' ' + word;
  }
  if (line !== ';') out.push(line);
  return out;
}

/** One counterexample (or the reason there is none) per violator of Theorem 1 and of Theorem 3. */
export function counterexamples(isa: Isa, cls: Classification, opts: { isaSpec?: string } = {}): Counterexample[] {
  const out: Counterexample[] = [];
  const witness = (mn: string, key: 'any' | 'user'): string | undefined => {
    const c = cls.instructions.find((i) => i.mnemonic === mn);
    if (!c) return undefined;
    const w = c.witnesses;
    const chosen = key === 'user' ? (w.controlSensitiveUser ?? w.locationSensitiveUser) : (w.controlSensitive ?? w.modeSensitive ?? w.locationSensitive);
    return chosen?.text;
  };
  for (const mn of cls.theorem1.violators) out.push(counterexampleFor(isa, mn, 1, { ...opts, why: witness(mn, 'any') }));
  for (const mn of cls.theorem3.violators) out.push(counterexampleFor(isa, mn, 3, { ...opts, why: witness(mn, 'user') }));
  return out;
}
