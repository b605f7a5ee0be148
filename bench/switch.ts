/**
 * The yardstick of `npm run bench`: a minimal interpreter of the whole PG/1 ISA (PG1.md §1–5, preset `pg1`:
 * every sensitive instruction privileged) written plainly for the bench — one `switch` over the opcode in a
 * loop over an Int32Array, the §2 check on every fetch, load and store, traps through E[0..11] (§3). No block
 * compilation, no code generation, nothing shared with PG Lab's machine, so that "PG Lab is k× a plain
 * interpreter" means what it says. bench/switch.test.ts checks that it agrees with the real machine on every
 * workload (registers, PSW, memory, steps).
 *
 * Devices as in §5: input port 0 reads a character, port 1 a decimal integer (-1 when none); output port 0
 * appends a character, port 1 a decimal number; other ports read -1 and drop writes. Port 2 is §11's clock and
 * interval timer, with the machine's conventions (docs/DECISIONS.md, "Machine"): IN reads the steps since boot,
 * itself included; OUT v at step k sets the deadline k + v (v <= 0 disarms); an expired timer is taken as a
 * TIMER trap (cause 6, detail 0, one step) before the next instruction that would run in user mode, and stays
 * pending in supervisor mode.
 */

export interface SwitchMachine {
  mem: Int32Array;
  regs: Int32Array;
  mode: number;
  pc: number;
  l: number;
  b: number;
  steps: number;
  halted: boolean;
  input: string;
  inPos: number;
  output: string;
  /** The interval timer's deadline in steps since boot, -1 when disarmed (§11). */
  timerAt: number;
}

/** Boot (§4): M = s, R = (0, q), registers and memory 0, then the image's words, P at its entry. */
export function switchBoot(q: number, image: { words: ReadonlyArray<readonly [number, number]>; entry: number }, input = ''): SwitchMachine {
  const mem = new Int32Array(q);
  for (const [a, w] of image.words) mem[a] = w;
  return { mem, regs: new Int32Array(16), mode: 0, pc: image.entry, l: 0, b: q, steps: 0, halted: false, input, inPos: 0, output: '', timerAt: -1 };
}

function readPort(s: SwitchMachine, port: number, now: number): number {
  if (port === 2) return now | 0;
  if (port === 0) return s.inPos < s.input.length ? s.input.charCodeAt(s.inPos++) : -1;
  if (port === 1) {
    const m = /^\s*(-?\d+)/.exec(s.input.slice(s.inPos));
    if (!m) return -1;
    s.inPos += m[0].length;
    return Number(m[1]) | 0;
  }
  return -1;
}

function writePort(s: SwitchMachine, port: number, v: number, now: number): void {
  if (port === 2) s.timerAt = (v | 0) > 0 ? now + (v | 0) : -1;
  else if (port === 0) s.output += String.fromCharCode(v & 0xffff);
  else if (port === 1) s.output += String(v | 0);
}

/** Runs at most maxSteps instructions; returns 'halted' after a supervisor HALT, else 'limit'. */
export function switchRun(s: SwitchMachine, maxSteps: number): 'halted' | 'limit' {
  if (s.halted) return 'halted';
  const E = s.mem;
  const R = s.regs;
  const q = E.length;
  let M = s.mode;
  let pc = s.pc;
  let l = s.l;
  let b = s.b;
  let steps = 0;
  let halted = false;
  // The timer as a local step count (Infinity when disarmed): one compare per step.
  let due = s.timerAt < 0 ? Infinity : s.timerAt - s.steps;
  // §2, written out at each use (a closure over l and b would put them in a context, not in registers): a
  // virtual address a is valid unless a < 0 || a >= b || a + l < 0 || a + l >= q.
  while (steps < maxSteps) {
    steps++;
    let cause = 0;
    let detail = 0;
    if (steps > due && M !== 0) {
      // §11: the timer expired (steps - 1 instructions ran before this one): a TIMER trap instead of it.
      cause = 6;
      due = Infinity;
      s.timerAt = -1;
    } else if (pc < 0 || pc >= b || pc + l < 0 || pc + l >= q) {
      cause = 2;
      detail = pc;
    } else {
      const w = E[pc + l];
      const op = w >>> 24;
      const ra = (w >>> 20) & 15;
      const rb = (w >>> 16) & 15;
      const uimm = w & 0xffff;
      const simm = (w << 16) >> 16;
      const ea = (R[rb] + simm) | 0;
      // The sensitive group (HALT and 0x20–0x27) traps in user mode (§5, preset pg1).
      if (M !== 0 && (op === 0x01 || (op >= 0x20 && op <= 0x27))) {
        cause = 1;
        detail = w;
      } else {
        let v: number;
        switch (op) {
          case 0x00: pc++; break; // NOP
          case 0x01: pc++; halted = true; break; // HALT
          case 0x02: v = simm; if (ra !== 0) R[ra] = v; pc++; break; // LI
          case 0x03: v = uimm << 16; if (ra !== 0) R[ra] = v; pc++; break; // LUI
          case 0x04: v = R[ra] | uimm; if (ra !== 0) R[ra] = v; pc++; break; // ORI
          case 0x05: if (ra !== 0) R[ra] = R[rb]; pc++; break; // MOV
          case 0x06: if (ra !== 0) R[ra] = (R[ra] + R[rb]) | 0; pc++; break; // ADD
          case 0x07: if (ra !== 0) R[ra] = (R[ra] - R[rb]) | 0; pc++; break; // SUB
          case 0x08: if (ra !== 0) R[ra] = Math.imul(R[ra], R[rb]); pc++; break; // MUL
          case 0x09: // DIV
            if (R[rb] === 0) { cause = 5; break; }
            if (ra !== 0) R[ra] = (R[ra] / R[rb]) | 0;
            pc++;
            break;
          case 0x0a: // MOD
            if (R[rb] === 0) { cause = 5; break; }
            if (ra !== 0) R[ra] = (R[ra] % R[rb]) | 0;
            pc++;
            break;
          case 0x0b: if (ra !== 0) R[ra] = R[ra] & R[rb]; pc++; break; // AND
          case 0x0c: if (ra !== 0) R[ra] = R[ra] | R[rb]; pc++; break; // OR
          case 0x0d: if (ra !== 0) R[ra] = R[ra] ^ R[rb]; pc++; break; // XOR
          case 0x0e: if (ra !== 0) R[ra] = R[ra] << (R[rb] & 31); pc++; break; // SHL
          case 0x0f: if (ra !== 0) R[ra] = R[ra] >>> (R[rb] & 31); pc++; break; // SHR
          case 0x10: if (ra !== 0) R[ra] = (R[ra] + simm) | 0; pc++; break; // ADDI
          case 0x11: // LD
            if (ea < 0 || ea >= b || ea + l < 0 || ea + l >= q) { cause = 2; detail = ea; break; }
            if (ra !== 0) R[ra] = E[ea + l];
            pc++;
            break;
          case 0x12: // ST
            if (ea < 0 || ea >= b || ea + l < 0 || ea + l >= q) { cause = 2; detail = ea; break; }
            E[ea + l] = R[ra];
            pc++;
            break;
          case 0x13: pc = uimm; break; // JMP
          case 0x14: pc = R[ra] === 0 ? uimm : pc + 1; break; // JZ
          case 0x15: pc = R[ra] !== 0 ? uimm : pc + 1; break; // JNZ
          case 0x16: pc = R[ra] === R[rb] ? uimm : pc + 1; break; // JEQ
          case 0x17: pc = R[ra] < R[rb] ? uimm : pc + 1; break; // JLT
          case 0x18: if (ra !== 0) R[ra] = (pc + 1) | 0; pc = uimm; break; // JAL
          case 0x19: pc = R[ra]; break; // JR
          case 0x1a: cause = 4; detail = uimm; break; // SVC
          case 0x20: { // LPSW: four relocated reads, then (M, P, l, b) at once
            const e1 = (ea + 1) | 0, e2 = (ea + 2) | 0, e3 = (ea + 3) | 0;
            if (ea < 0 || ea >= b || ea + l < 0 || ea + l >= q) { cause = 2; detail = ea; break; }
            if (e1 < 0 || e1 >= b || e1 + l < 0 || e1 + l >= q) { cause = 2; detail = e1; break; }
            if (e2 < 0 || e2 >= b || e2 + l < 0 || e2 + l >= q) { cause = 2; detail = e2; break; }
            if (e3 < 0 || e3 >= b || e3 + l < 0 || e3 + l >= q) { cause = 2; detail = e3; break; }
            const m0 = E[ea + l], p0 = E[e1 + l], l0 = E[e2 + l], b0 = E[e3 + l];
            M = m0 === 0 ? 0 : 1;
            pc = p0;
            l = l0;
            b = b0;
            break;
          }
          case 0x21: l = R[ra]; b = R[rb]; pc++; break; // SETR (ra and rb are read before either is written)
          case 0x22: if (ra !== 0) R[ra] = M; pc++; break; // GETMODE
          case 0x23: if (ra !== 0) R[ra] = l; if (rb !== 0) R[rb] = b; pc++; break; // GETR
          case 0x24: // LRA
            if (ea < 0 || ea >= b || ea + l < 0 || ea + l >= q) { cause = 2; detail = ea; break; }
            if (ra !== 0) R[ra] = (ea + l) | 0;
            pc++;
            break;
          case 0x25: M = 1; pc = uimm; break; // RETU
          case 0x26: v = readPort(s, uimm, s.steps + steps) | 0; if (ra !== 0) R[ra] = v; pc++; break; // IN
          case 0x27: // OUT
            writePort(s, uimm, R[ra], s.steps + steps);
            if (uimm === 2) due = s.timerAt < 0 ? Infinity : s.timerAt - s.steps;
            pc++;
            break;
          default: cause = 3; detail = w; // ILLEGAL
        }
      }
      if (halted) break;
    }
    if (cause !== 0) {
      // §3: old PSW (P = the trapping instruction), cause and detail into physical E[0..5]; new PSW from E[8..11].
      E[0] = M; E[1] = pc; E[2] = l; E[3] = b; E[4] = cause; E[5] = detail;
      M = E[8] === 0 ? 0 : 1;
      pc = E[9];
      l = E[10];
      b = E[11];
    }
  }
  s.mode = M;
  s.pc = pc;
  s.l = l;
  s.b = b;
  s.steps += steps;
  s.halted = halted;
  return halted ? 'halted' : 'limit';
}
