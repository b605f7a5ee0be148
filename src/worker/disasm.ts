import type { Isa } from '../core/isa/isa';
import { fieldOp, fieldRa, fieldRb, fieldSimm, fieldUimm, type OperandKind } from '../core/isa/table';

/** One word as PG/1 assembly, read through the ISA table (no opcode is named here). */
export function disassemble(isa: Isa, w: number): string {
  const d = isa.byOp[fieldOp(w)];
  if (!d) return w === 0 ? 'NOP' : '.word ' + w;
  const ra = fieldRa(w);
  const rb = fieldRb(w);
  const simm = fieldSimm(w);
  const uimm = fieldUimm(w);
  const op = (k: OperandKind): string => {
    switch (k) {
      case 'ra':
        return 'r' + ra;
      case 'rb':
        return 'r' + rb;
      case 'simm':
        return String(simm);
      case 'uimm':
      case 'imm':
        return uimm > 255 ? '0x' + uimm.toString(16) : String(uimm);
      case 'target':
        return String(uimm);
      case 'mem':
        if (rb === 0) return `[${simm}]`;
        return simm === 0 ? `[r${rb}]` : simm < 0 ? `[r${rb}${simm}]` : `[r${rb}+${simm}]`;
    }
  };
  return d.operands.length ? `${d.mnemonic} ${d.operands.map(op).join(', ')}` : d.mnemonic;
}
