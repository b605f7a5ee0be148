/**
 * The PG/1 instruction set as data (PG1.md §5). This is the only place an opcode, a mnemonic, an operand
 * shape or a semantics is written down: the assembler, disassembler, interpreter (generated from `exec`),
 * classifier, editor hovers and docs all read this table.
 *
 * `exec` is a JavaScript snippet in a small macro vocabulary, compiled once per ISA into the interpreter loop
 * (see machine/codegen.ts). It is our own text, never the user's: user-defined instructions go through the
 * effect language (isa/effect.ts), which is parsed and interpreted, never evaluated.
 *
 * Names in scope for a snippet:
 *   w            the instruction word;   ra, rb   register numbers (fields 23..20, 19..16)
 *   simm, uimm   the 16-bit field sign-/zero-extended;   R  the register file;   pc  this instruction's address
 *   M, l, b      mode and relocation;    dev  the device bus (in/out)
 * Macros (expanded by the code generator, so the hot loop stays in locals):
 *   LOAD(dst, a)     dst = E[a + l] after the §2 check (memory trap with detail a)
 *   STORE(a, v)      E[a + l] = v after the §2 check
 *   CHECK(a)         the §2 check alone (LRA)
 *   TRAP(c, d)       raise trap cause c, detail d
 *   SETREG(r, v)     r != 0 ? R[r] = v (r0 stays 0)
 *   NEXT             P = P + 1, next instruction
 *   GOTO(t)          P = t, next instruction
 *   NEWPSW           after M, l or b changed: recompute the window and continue at pc
 *   HALT             stop the machine
 *   NOW              steps since boot, this instruction included (the clock of port 2, §11)
 *   RETIME           after an OUT to port 2: the interval timer's deadline changed
 */

export type Variant = 'privileged' | 'open' | 'user-nop';
export const VARIANTS: readonly Variant[] = ['privileged', 'open', 'user-nop'];

/** Operand kinds in assembly order. `mem` is `[rb+simm]`; `imm` is a user-defined instruction's 16-bit field. */
export type OperandKind = 'ra' | 'rb' | 'simm' | 'uimm' | 'target' | 'mem' | 'imm';

export interface InstrDef {
  op: number;
  mnemonic: string;
  operands: readonly OperandKind[];
  /** One-line documentation shown in hovers, completion and docs. */
  doc: string;
  /** Semantics in supervisor mode, and in user mode unless a variant says otherwise. */
  exec: string;
  /** User-mode semantics under the `open` variant when it differs from `exec` (RETU). */
  openExec?: string;
  /** Variants offered for user mode; present only for the sensitive group. The default is `privileged`. */
  variants?: readonly Variant[];
  /** Description of the `open` behaviour, for docs. */
  openDoc?: string;
}

const RR = ['ra', 'rb'] as const;

/** ra = ra op rb, for the ten register-register ALU instructions 0x06–0x0F. */
function alu(op: number, mnemonic: string, expr: string, doc: string): InstrDef {
  return { op, mnemonic, operands: RR, doc, exec: `SETREG(ra, ${expr}); NEXT` };
}

export const BASE_INSTRUCTIONS: readonly InstrDef[] = [
  { op: 0x00, mnemonic: 'NOP', operands: [], doc: 'Do nothing.', exec: 'NEXT' },
  {
    op: 0x01, mnemonic: 'HALT', operands: [], doc: 'Stop the machine (supervisor mode).',
    exec: 'HALT', variants: ['privileged'],
  },
  { op: 0x02, mnemonic: 'LI', operands: ['ra', 'simm'], doc: 'ra = simm (sign-extended 16-bit).', exec: 'SETREG(ra, simm); NEXT' },
  { op: 0x03, mnemonic: 'LUI', operands: ['ra', 'uimm'], doc: 'ra = uimm << 16.', exec: 'SETREG(ra, uimm << 16); NEXT' },
  { op: 0x04, mnemonic: 'ORI', operands: ['ra', 'uimm'], doc: 'ra = ra | uimm.', exec: 'SETREG(ra, R[ra] | uimm); NEXT' },
  { op: 0x05, mnemonic: 'MOV', operands: RR, doc: 'ra = rb.', exec: 'SETREG(ra, R[rb]); NEXT' },
  alu(0x06, 'ADD', '(R[ra] + R[rb]) | 0', 'ra = ra + rb (wraps at 32 bits).'),
  alu(0x07, 'SUB', '(R[ra] - R[rb]) | 0', 'ra = ra - rb (wraps at 32 bits).'),
  alu(0x08, 'MUL', 'Math.imul(R[ra], R[rb])', 'ra = ra * rb (low 32 bits).'),
  {
    op: 0x09, mnemonic: 'DIV', operands: RR, doc: 'ra = ra / rb, truncated; ARITH trap when rb = 0.',
    exec: 'if (R[rb] === 0) TRAP(5, 0); SETREG(ra, (R[ra] / R[rb]) | 0); NEXT',
  },
  {
    op: 0x0a, mnemonic: 'MOD', operands: RR, doc: "ra = ra mod rb, with the dividend's sign; ARITH trap when rb = 0.",
    exec: 'if (R[rb] === 0) TRAP(5, 0); SETREG(ra, (R[ra] % R[rb]) | 0); NEXT',
  },
  alu(0x0b, 'AND', 'R[ra] & R[rb]', 'ra = ra & rb.'),
  alu(0x0c, 'OR', 'R[ra] | R[rb]', 'ra = ra | rb.'),
  alu(0x0d, 'XOR', 'R[ra] ^ R[rb]', 'ra = ra ^ rb.'),
  alu(0x0e, 'SHL', 'R[ra] << (R[rb] & 31)', 'ra = ra << (rb & 31).'),
  alu(0x0f, 'SHR', '(R[ra] >>> (R[rb] & 31)) | 0', 'ra = ra >>> (rb & 31), logical.'),
  { op: 0x10, mnemonic: 'ADDI', operands: ['ra', 'simm'], doc: 'ra = ra + simm.', exec: 'SETREG(ra, (R[ra] + simm) | 0); NEXT' },
  {
    op: 0x11, mnemonic: 'LD', operands: ['ra', 'mem'], doc: 'ra = E[EA], EA = rb + simm (relocated, bounds-checked).',
    exec: 'const ea = (R[rb] + simm) | 0; let v = 0; LOAD(v, ea); SETREG(ra, v); NEXT',
  },
  {
    op: 0x12, mnemonic: 'ST', operands: ['ra', 'mem'], doc: 'E[EA] = ra, EA = rb + simm (relocated, bounds-checked).',
    exec: 'const ea = (R[rb] + simm) | 0; STORE(ea, R[ra]); NEXT',
  },
  { op: 0x13, mnemonic: 'JMP', operands: ['target'], doc: 'P = t.', exec: 'GOTO(uimm)' },
  { op: 0x14, mnemonic: 'JZ', operands: ['ra', 'target'], doc: 'if ra == 0: P = t.', exec: 'if (R[ra] === 0) GOTO(uimm); NEXT' },
  { op: 0x15, mnemonic: 'JNZ', operands: ['ra', 'target'], doc: 'if ra != 0: P = t.', exec: 'if (R[ra] !== 0) GOTO(uimm); NEXT' },
  {
    op: 0x16, mnemonic: 'JEQ', operands: ['ra', 'rb', 'target'], doc: 'if ra == rb: P = t.',
    exec: 'if (R[ra] === R[rb]) GOTO(uimm); NEXT',
  },
  {
    op: 0x17, mnemonic: 'JLT', operands: ['ra', 'rb', 'target'], doc: 'if ra < rb (signed): P = t.',
    exec: 'if (R[ra] < R[rb]) GOTO(uimm); NEXT',
  },
  {
    op: 0x18, mnemonic: 'JAL', operands: ['ra', 'target'], doc: 'ra = P + 1; P = t (call).',
    exec: 'SETREG(ra, (pc + 1) | 0); GOTO(uimm)',
  },
  { op: 0x19, mnemonic: 'JR', operands: ['ra'], doc: 'P = ra (return, computed jump).', exec: 'GOTO(R[ra])' },
  { op: 0x1a, mnemonic: 'SVC', operands: ['uimm'], doc: 'Supervisor call: trap, cause SVC (4), detail n, in either mode.', exec: 'TRAP(4, uimm)' },
  {
    op: 0x20, mnemonic: 'LPSW', operands: ['mem'],
    doc: 'Load PSW: (M, P, l, b) = E[EA..EA+3], four relocated reads.',
    exec:
      'const ea = (R[rb] + simm) | 0; const e1 = (ea + 1) | 0, e2 = (ea + 2) | 0, e3 = (ea + 3) | 0;' +
      ' let m0 = 0, p0 = 0, l0 = 0, b0 = 0; LOAD(m0, ea); LOAD(p0, e1); LOAD(l0, e2); LOAD(b0, e3);' +
      ' M = m0 === 0 ? 0 : 1; l = l0; b = b0; pc = p0; NEWPSW',
    variants: ['privileged'],
  },
  {
    op: 0x21, mnemonic: 'SETR', operands: RR, doc: 'Set relocation: R = (ra, rb), i.e. l = ra, b = rb.',
    exec: 'l = R[ra]; b = R[rb]; pc = pc + 1; NEWPSW', variants: ['privileged', 'open', 'user-nop'],
    openDoc: 'sets R from user mode: control sensitive and unprivileged',
  },
  {
    op: 0x22, mnemonic: 'GETMODE', operands: ['ra'], doc: 'ra = M (0 supervisor, 1 user).',
    exec: 'SETREG(ra, M); NEXT', variants: ['privileged', 'open'],
    openDoc: 'reads M in user mode, like x86 SMSW',
  },
  {
    op: 0x23, mnemonic: 'GETR', operands: RR, doc: 'ra = l; rb = b.',
    exec: 'SETREG(ra, l); SETREG(rb, b); NEXT', variants: ['privileged', 'open'],
    openDoc: 'reads R in user mode, like x86 SGDT',
  },
  {
    op: 0x24, mnemonic: 'LRA', operands: ['ra', 'mem'], doc: 'Load real address: ra = EA + l (memory trap if EA fails the check).',
    exec: 'const ea = (R[rb] + simm) | 0; CHECK(ea); SETREG(ra, (ea + l) | 0); NEXT', variants: ['privileged', 'open'],
    openDoc: 'gives the real address in user mode: a hypothetical unprivileged LRA (on the IBM S/370 it is privileged)',
  },
  {
    op: 0x25, mnemonic: 'RETU', operands: ['target'], doc: 'Return to user: M = u; P = t.',
    exec: 'M = 1; pc = uimm; NEWPSW', openExec: 'GOTO(uimm)', variants: ['privileged', 'open'],
    openDoc: 'in user mode only P = t, like PDP-10 JRST 1',
  },
  {
    op: 0x26, mnemonic: 'IN', operands: ['ra', 'uimm'],
    doc: 'ra = next value from input port uimm (-1 when none); port 2: the clock, instructions executed since boot (this one included) mod 2^32.',
    exec: 'SETREG(ra, dev.read(uimm, NOW) | 0); NEXT', variants: ['privileged'],
  },
  {
    op: 0x27, mnemonic: 'OUT', operands: ['ra', 'uimm'],
    doc: 'Port 0: append the character ra & 0xFFFF to the console; port 1: append ra in decimal; port 2: arm the interval timer, a TIMER trap after ra more instructions (ra <= 0 disarms).',
    exec: 'dev.write(uimm, R[ra], NOW); if (uimm === 2) RETIME; NEXT', variants: ['privileged'],
  },
];

/** Field layout (§5): op << 24 | ra << 20 | rb << 16 | imm & 0xFFFF. */
export function encode(op: number, ra: number, rb: number, imm: number): number {
  return ((op & 0xff) << 24) | ((ra & 15) << 20) | ((rb & 15) << 16) | (imm & 0xffff);
}
export const fieldOp = (w: number): number => w >>> 24;
export const fieldRa = (w: number): number => (w >>> 20) & 15;
export const fieldRb = (w: number): number => (w >>> 16) & 15;
export const fieldUimm = (w: number): number => w & 0xffff;
export const fieldSimm = (w: number): number => (w << 16) >> 16;

/** Which register fields and immediate field each operand kind occupies. */
export function usesField(kinds: readonly OperandKind[]): { ra: boolean; rb: boolean; imm: boolean } {
  return {
    ra: kinds.includes('ra'),
    rb: kinds.includes('rb') || kinds.includes('mem'),
    imm: kinds.some((k) => k === 'simm' || k === 'uimm' || k === 'target' || k === 'mem' || k === 'imm'),
  };
}

/** Trap causes (§3). */
export const Cause = { PRIVILEGED: 1, MEMORY: 2, ILLEGAL: 3, SVC: 4, ARITH: 5, TIMER: 6, EXIT: 7 } as const;
/** Cause 7 (EXIT, detail = the instruction word) is raised only in guest mode, on an ISA with hardware assist. */
export const CAUSE_NAMES: Record<number, string> = { 1: 'PRIVILEGED', 2: 'MEMORY', 3: 'ILLEGAL', 4: 'SVC', 5: 'ARITH', 6: 'TIMER', 7: 'EXIT' };
