// The yardstick of `npm run bench`: the smallest honest interpreter of the benchmark loop's words — a plain
// `switch` over an Int32Array with no relocation, no traps and no step limit. PG Lab's machine is compared with it.
export function minimalRun(mem, entry) {
  const R = new Int32Array(16);
  let pc = entry;
  let steps = 0;
  for (;;) {
    const w = mem[pc];
    steps++;
    const ra = (w >>> 20) & 15, rb = (w >>> 16) & 15;
    switch (w >>> 24) {
      case 0x01: return { steps, regs: R };
      case 0x02: R[ra] = (w << 16) >> 16; pc++; break;
      case 0x03: R[ra] = (w & 0xffff) << 16; pc++; break;
      case 0x0d: R[ra] = R[ra] ^ R[rb]; pc++; break;
      case 0x10: R[ra] = (R[ra] + ((w << 16) >> 16)) | 0; pc++; break;
      case 0x17: pc = R[ra] < R[rb] ? w & 0xffff : pc + 1; break;
      default: throw new Error(`minimal loop: opcode ${w >>> 24} not in the benchmark`);
    }
  }
}
