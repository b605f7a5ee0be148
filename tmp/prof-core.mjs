// src/core/isa/table.ts
var RR = ["ra", "rb"];
function alu(op, mnemonic, expr, doc) {
  return { op, mnemonic, operands: RR, doc, exec: `SETREG(ra, ${expr}); NEXT` };
}
var BASE_INSTRUCTIONS = [
  { op: 0, mnemonic: "NOP", operands: [], doc: "Do nothing.", exec: "NEXT" },
  {
    op: 1,
    mnemonic: "HALT",
    operands: [],
    doc: "Stop the machine (supervisor mode).",
    exec: "HALT",
    variants: ["privileged"]
  },
  { op: 2, mnemonic: "LI", operands: ["ra", "simm"], doc: "ra = simm (sign-extended 16-bit).", exec: "SETREG(ra, simm); NEXT" },
  { op: 3, mnemonic: "LUI", operands: ["ra", "uimm"], doc: "ra = uimm << 16.", exec: "SETREG(ra, uimm << 16); NEXT" },
  { op: 4, mnemonic: "ORI", operands: ["ra", "uimm"], doc: "ra = ra | uimm.", exec: "SETREG(ra, R[ra] | uimm); NEXT" },
  { op: 5, mnemonic: "MOV", operands: RR, doc: "ra = rb.", exec: "SETREG(ra, R[rb]); NEXT" },
  alu(6, "ADD", "(R[ra] + R[rb]) | 0", "ra = ra + rb (wraps at 32 bits)."),
  alu(7, "SUB", "(R[ra] - R[rb]) | 0", "ra = ra - rb (wraps at 32 bits)."),
  alu(8, "MUL", "Math.imul(R[ra], R[rb])", "ra = ra * rb (low 32 bits)."),
  {
    op: 9,
    mnemonic: "DIV",
    operands: RR,
    doc: "ra = ra / rb, truncated; ARITH trap when rb = 0.",
    exec: "if (R[rb] === 0) TRAP(5, 0); SETREG(ra, (R[ra] / R[rb]) | 0); NEXT"
  },
  {
    op: 10,
    mnemonic: "MOD",
    operands: RR,
    doc: "ra = ra mod rb, with the dividend's sign; ARITH trap when rb = 0.",
    exec: "if (R[rb] === 0) TRAP(5, 0); SETREG(ra, (R[ra] % R[rb]) | 0); NEXT"
  },
  alu(11, "AND", "R[ra] & R[rb]", "ra = ra & rb."),
  alu(12, "OR", "R[ra] | R[rb]", "ra = ra | rb."),
  alu(13, "XOR", "R[ra] ^ R[rb]", "ra = ra ^ rb."),
  alu(14, "SHL", "R[ra] << (R[rb] & 31)", "ra = ra << (rb & 31)."),
  alu(15, "SHR", "(R[ra] >>> (R[rb] & 31)) | 0", "ra = ra >>> (rb & 31), logical."),
  { op: 16, mnemonic: "ADDI", operands: ["ra", "simm"], doc: "ra = ra + simm.", exec: "SETREG(ra, (R[ra] + simm) | 0); NEXT" },
  {
    op: 17,
    mnemonic: "LD",
    operands: ["ra", "mem"],
    doc: "ra = E[EA], EA = rb + simm (relocated, bounds-checked).",
    exec: "const ea = (R[rb] + simm) | 0; let v = 0; LOAD(v, ea); SETREG(ra, v); NEXT"
  },
  {
    op: 18,
    mnemonic: "ST",
    operands: ["ra", "mem"],
    doc: "E[EA] = ra, EA = rb + simm (relocated, bounds-checked).",
    exec: "const ea = (R[rb] + simm) | 0; STORE(ea, R[ra]); NEXT"
  },
  { op: 19, mnemonic: "JMP", operands: ["target"], doc: "P = t.", exec: "GOTO(uimm)" },
  { op: 20, mnemonic: "JZ", operands: ["ra", "target"], doc: "if ra == 0: P = t.", exec: "if (R[ra] === 0) GOTO(uimm); NEXT" },
  { op: 21, mnemonic: "JNZ", operands: ["ra", "target"], doc: "if ra != 0: P = t.", exec: "if (R[ra] !== 0) GOTO(uimm); NEXT" },
  {
    op: 22,
    mnemonic: "JEQ",
    operands: ["ra", "rb", "target"],
    doc: "if ra == rb: P = t.",
    exec: "if (R[ra] === R[rb]) GOTO(uimm); NEXT"
  },
  {
    op: 23,
    mnemonic: "JLT",
    operands: ["ra", "rb", "target"],
    doc: "if ra < rb (signed): P = t.",
    exec: "if (R[ra] < R[rb]) GOTO(uimm); NEXT"
  },
  {
    op: 24,
    mnemonic: "JAL",
    operands: ["ra", "target"],
    doc: "ra = P + 1; P = t (call).",
    exec: "SETREG(ra, (pc + 1) | 0); GOTO(uimm)"
  },
  { op: 25, mnemonic: "JR", operands: ["ra"], doc: "P = ra (return, computed jump).", exec: "GOTO(R[ra])" },
  { op: 26, mnemonic: "SVC", operands: ["uimm"], doc: "Supervisor call: trap, cause SVC (4), detail n, in either mode.", exec: "TRAP(4, uimm)" },
  {
    op: 32,
    mnemonic: "LPSW",
    operands: ["mem"],
    doc: "Load PSW: (M, P, l, b) = E[EA..EA+3], four relocated reads.",
    exec: "const ea = (R[rb] + simm) | 0; const e1 = (ea + 1) | 0, e2 = (ea + 2) | 0, e3 = (ea + 3) | 0; let m0 = 0, p0 = 0, l0 = 0, b0 = 0; LOAD(m0, ea); LOAD(p0, e1); LOAD(l0, e2); LOAD(b0, e3); M = m0 === 0 ? 0 : 1; l = l0; b = b0; pc = p0; NEWPSW",
    variants: ["privileged"]
  },
  {
    op: 33,
    mnemonic: "SETR",
    operands: RR,
    doc: "Set relocation: R = (ra, rb), i.e. l = ra, b = rb.",
    exec: "l = R[ra]; b = R[rb]; pc = pc + 1; NEWPSW",
    variants: ["privileged", "open", "user-nop"],
    openDoc: "sets R from user mode: control sensitive and unprivileged"
  },
  {
    op: 34,
    mnemonic: "GETMODE",
    operands: ["ra"],
    doc: "ra = M (0 supervisor, 1 user).",
    exec: "SETREG(ra, M); NEXT",
    variants: ["privileged", "open"],
    openDoc: "reads M in user mode, like x86 SMSW"
  },
  {
    op: 35,
    mnemonic: "GETR",
    operands: RR,
    doc: "ra = l; rb = b.",
    exec: "SETREG(ra, l); SETREG(rb, b); NEXT",
    variants: ["privileged", "open"],
    openDoc: "reads R in user mode, like x86 SGDT"
  },
  {
    op: 36,
    mnemonic: "LRA",
    operands: ["ra", "mem"],
    doc: "Load real address: ra = EA + l (memory trap if EA fails the check).",
    exec: "const ea = (R[rb] + simm) | 0; CHECK(ea); SETREG(ra, (ea + l) | 0); NEXT",
    variants: ["privileged", "open"],
    openDoc: "gives the real address in user mode: a hypothetical unprivileged LRA (on the IBM S/370 it is privileged)"
  },
  {
    op: 37,
    mnemonic: "RETU",
    operands: ["target"],
    doc: "Return to user: M = u; P = t.",
    exec: "M = 1; pc = uimm; NEWPSW",
    openExec: "GOTO(uimm)",
    variants: ["privileged", "open"],
    openDoc: "in user mode only P = t, like PDP-10 JRST 1"
  },
  {
    op: 38,
    mnemonic: "IN",
    operands: ["ra", "uimm"],
    doc: "ra = next value from input port uimm (-1 when none); port 2: the clock, instructions executed since boot (this one included) mod 2^32.",
    exec: "SETREG(ra, dev.read(uimm, NOW) | 0); NEXT",
    variants: ["privileged"]
  },
  {
    op: 39,
    mnemonic: "OUT",
    operands: ["ra", "uimm"],
    doc: "Port 0: append the character ra & 0xFFFF to the console; port 1: append ra in decimal; port 2: arm the interval timer, a TIMER trap after ra more instructions (ra <= 0 disarms).",
    exec: "dev.write(uimm, R[ra], NOW); if (uimm === 2) RETIME; NEXT",
    variants: ["privileged"]
  }
];
function encode(op, ra, rb, imm) {
  return (op & 255) << 24 | (ra & 15) << 20 | (rb & 15) << 16 | imm & 65535;
}
var fieldOp = (w) => w >>> 24;
var Cause = { PRIVILEGED: 1, MEMORY: 2, ILLEGAL: 3, SVC: 4, ARITH: 5, TIMER: 6, EXIT: 7 };

// src/core/isa/isa.ts
var PRESETS = {
  pg1: { variants: {}, teaches: "virtualizable (IBM 360-like): the conditions of Theorems 1, 2 and 3 hold" },
  pdp10: { variants: { RETU: "open" }, teaches: "Theorem 1's condition fails, yet Theorem 3's holds and a hybrid monitor works, as the paper says of the PDP-10" },
  x86: {
    variants: { GETMODE: "open", GETR: "open", SETR: "user-nop" },
    teaches: "the conditions of Theorems 1 and 3 fail (SMSW/SGDT/POPF analogues, Robin & Irvine 2000)"
  },
  lra: { variants: { LRA: "open" }, teaches: "a location-sensitive instruction: a hypothetical unprivileged LRA (on the IBM S/370, LRA is privileged)" }
};
var PRESET_NAMES = Object.keys(PRESETS);
function isUser(d) {
  return typeof d.slow === "function";
}
function variantOf(isa, d) {
  if (isUser(d)) return d.privileged ? "privileged" : "open";
  if (!d.variants) return null;
  return isa.variants[d.mnemonic] ?? "privileged";
}
var userKeySeq = 0;
var userKeys = /* @__PURE__ */ new WeakMap();
function makeIsa(opts) {
  const base = opts.base ?? "pg1";
  const variants = {};
  for (const d of BASE_INSTRUCTIONS) if (d.variants) variants[d.mnemonic] = "privileged";
  Object.assign(variants, PRESETS[base].variants);
  for (const [mn, v] of Object.entries(opts.variants ?? {})) {
    const d = BASE_INSTRUCTIONS.find((x) => x.mnemonic === mn.toUpperCase());
    if (!d) throw new Error(`unknown instruction ${mn}`);
    if (!d.variants?.includes(v)) throw new Error(`${d.mnemonic} does not offer the variant ${v}`);
    variants[d.mnemonic] = v;
  }
  const instructions = [...BASE_INSTRUCTIONS, ...opts.extra ?? []];
  const byOp = new Array(256).fill(void 0);
  const byMnemonic = /* @__PURE__ */ new Map();
  for (const d of instructions) {
    if (byOp[d.op]) throw new Error(`opcode ${d.op} is taken by ${byOp[d.op].mnemonic}`);
    if (byMnemonic.has(d.mnemonic)) throw new Error(`mnemonic ${d.mnemonic} is defined twice`);
    byOp[d.op] = d;
    byMnemonic.set(d.mnemonic, d);
  }
  const userParts = (opts.extra ?? []).map((d) => {
    let k = userKeys.get(d);
    if (k === void 0) userKeys.set(d, k = ++userKeySeq);
    return `${d.op}:${d.privileged ? "p" : "o"}:${k}`;
  });
  const assist = opts.assist === true;
  const key = JSON.stringify([variants, userParts, assist]);
  return { name: opts.name ?? base, base, variants, instructions, byOp, byMnemonic, assist, key };
}
var presetCache = /* @__PURE__ */ new Map();
function presetIsa(name) {
  let isa = presetCache.get(name);
  if (!isa) presetCache.set(name, isa = makeIsa({ name, base: name }));
  return isa;
}
function exitsInGuestMode(d) {
  return isUser(d) || d.variants !== void 0;
}

// src/core/machine/codegen.ts
var Stop = { LIMIT: 0, HALTED: 1, TRAP: 2, BREAK: 3, MODE: 4, PSW: 5, RELOC: 6 };
var RunFlag = {
  /** Return after each trap is taken (the new PSW is loaded): a monitor's dispatcher runs next. */
  EXIT_ON_TRAP: 1,
  /** Return as soon as M differs from its value at the start of the call (the hybrid monitor). */
  EXIT_ON_MODE: 2,
  /**
   * Return (Stop.PSW) after any instruction that loads M or R without trapping. A monitor's direct runs are in
   * user mode, where only an unprivileged instruction (ISAs that fail Theorem 1) can do that: resource control.
   * Costs nothing per instruction: it is tested only on the path that changes the PSW.
   */
  EXIT_ON_PSW: 4,
  /**
   * Return (Stop.RELOC) as soon as the relocation base l differs from its value at the start of the call (a monitor tower
   * written in PG/1 attributes each slice of real steps to the level whose memory the window starts in).
   */
  EXIT_ON_RELOC: 8,
  /**
   * Guest mode (hardware assist, ISAs with `assist`): every instruction of the sensitive group and every ISA-file
   * instruction traps with cause EXIT (7), detail the word, whatever M and its variant. Ignored on other ISAs.
   */
  GUEST: 16
};
var HOT = 8;
function blockDispatch(o) {
  return `
      let bi = bids[pa];
      if (bi === 0 && ++heat[pa] === ${HOT}) bi = m.compileAt(pa, pc, M, lo + span);
      if (bi > 0) {
        const rg = blist[bi];
        if (rg.l !== l || rg.mode !== M) { bids[pa] = 0; heat[pa] = 0; }
        else if (((rg.vpc - lo) >>> 0) < span && ((rg.vpc + rg.len - 1 - lo) >>> 0) < span) {
          const n = rg.fn(R, E, x, stop - steps, pc, l, b, lo, span, exitOnPsw, quiet);
          if (n < 0) m.invalidate(bi);
          else {
            const c = x[1];
            if (n !== 0 || c !== 0) {
              steps += n; pc = x[0];
              if (c === 0) continue;
              if (c > 0) { steps++; tc = c; td = x[2]; break step; }
              M = x[3]; l = x[4]; b = x[5];
              ${loopBackend(o).NEWPSW}
            }
          }
        }
      }`;
}
var MACROS = ["LOAD", "STORE", "CHECK", "TRAP", "SETREG", "GOTO"];
function check(a, trace, kind) {
  return `if (((${a}) - lo) >>> 0 >= span) { tc = 2; td = (${a}); break; }` + (trace ? ` acc(${kind}, (${a}) + l);` : "");
}
function loopBackend(o) {
  return {
    macro(name, args) {
      switch (name) {
        case "LOAD":
          return `${check(args[1], o.trace, 1)} ${args[0]} = E[(${args[1]}) + l];`;
        case "STORE":
          return `${check(args[0], o.trace, 2)} E[(${args[0]}) + l] = ${args[1]};`;
        case "CHECK":
          return check(args[0], false, 1);
        case "TRAP":
          return `{ tc = ${args[0]}; td = ${args[1]}; break; }`;
        case "SETREG":
          return `{ R[${args[0]}] = ${args[1]}; R[0] = 0; }`;
        case "GOTO":
          return `{ pc = ${args[0]}; continue; }`;
      }
    },
    NEXT: "{ pc = pc + 1; continue; }",
    NEWPSW: `{ ${WINDOW} ${PENDING} if (exitOnMode && M !== M0) { reason = 4; break loop; } if (exitOnPsw) { reason = 5; break loop; } if (exitOnReloc && l !== L0) { reason = 6; break loop; } continue; }`,
    HALT: "{ pc = pc + 1; reason = 1; break loop; }",
    NOW: "(m.steps + m.monitorTime + steps)",
    RETIME: `{ ${RETIME} }`
  };
}
function expandSnippet(src, be) {
  let out = "";
  let i = 0;
  const re = new RegExp(`\\b(${MACROS.join("|")})\\(`, "g");
  for (let m = re.exec(src); m; m = re.exec(src)) {
    out += src.slice(i, m.index);
    let depth = 1;
    let j = re.lastIndex;
    const args = [];
    let argStart = j;
    for (; j < src.length && depth > 0; j++) {
      const c = src[j];
      if (c === "(" || c === "[") depth++;
      else if (c === ")" || c === "]") depth--;
      if (c === "," && depth === 1 || depth === 0) {
        args.push(expandSnippet(src.slice(argStart, j).trim(), be));
        argStart = j + 1;
      }
    }
    out += be.macro(m[1], args);
    i = j;
    re.lastIndex = j;
  }
  out += src.slice(i);
  return out.replace(/\bNEXT\b/g, be.NEXT).replace(/\bNEWPSW\b/g, be.NEWPSW).replace(/\bHALT\b/g, be.HALT).replace(/\bNOW\b/g, be.NOW).replace(/\bRETIME\b/g, be.RETIME).replace(/\bWINDOW\b/g, WINDOW);
}
var RETIME = "const ta = dev.timerAt; due = ta === undefined || ta < 0 ? Infinity : ta - m.steps - m.monitorTime; stop = due < maxSteps ? due : maxSteps;";
var PENDING = "if (due <= steps && M !== 0) stop = steps;";
var WINDOW = "lo = l < 0 ? -l : 0; hi = b < q - l ? b : q - l; span = hi > lo ? hi - lo : 0;";
function decode(body) {
  let d = "";
  if (/\bra\b/.test(body)) d += "const ra = (w >>> 20) & 15; ";
  if (/\brb\b/.test(body)) d += "const rb = (w >>> 16) & 15; ";
  if (/\bsimm\b/.test(body)) d += "const simm = (w << 16) >> 16; ";
  if (/\buimm\b/.test(body)) d += "const uimm = w & 0xffff; ";
  return d;
}
function caseFor(isa, d, slowIndex, o) {
  let body;
  if (isUser(d)) {
    body = (d.privileged ? "if (M !== 0) TRAP(1, w);" : "") + ` m.pc = pc; m.mode = M; m.l = l; m.b = b; const r = slow[${slowIndex}](m, w); if (r > 0) TRAP(r, m.slowDetail); pc = m.pc; M = m.mode; l = m.l; b = m.b; if (r < 0) { WINDOW reason = 1; break loop; } NEWPSW`;
  } else {
    let user = "";
    if (d.variants) {
      const v = isa.variants[d.mnemonic] ?? "privileged";
      if (v === "privileged") user = "TRAP(1, w)";
      else if (v === "user-nop") user = "NEXT";
      else if (d.openExec) user = d.openExec;
    }
    body = (user ? `if (M !== 0) { ${user} } ` : "") + d.exec;
  }
  if (isa.assist && exitsInGuestMode(d)) body = `if (guest) TRAP(7, w); ${body}`;
  const code = expandSnippet(body, loopBackend(o));
  return `case ${d.op}: { ${decode(code)}${code} }`;
}
function generate(isa, o) {
  const slows = [];
  const cases = isa.instructions.map((d) => {
    const k = isUser(d) ? slows.push(d.op) - 1 : -1;
    return caseFor(isa, d, k, o);
  }).join("\n");
  return `
return function run(m, maxSteps, flags) {
  const E = m.mem, R = m.regs, q = m.q, dev = m.dev, slow = m.slowFns, counts = m.trapCounts;
  ${o.trace ? "const acc = m.onAccess;" : ""}
  ${o.blocks ? "const bids = m.blockIds, blist = m.blocks, heat = m.heat, x = m.blockExit;" : ""}
  ${o.breakpoints ? "const bp = m.breakpoints;" : ""}
  ${o.blocks ? "const quiet = flags === 0 && m.onTrap === null;" : ""}
  const exitOnTrap = (flags & 1) !== 0, exitOnMode = (flags & 2) !== 0, exitOnPsw = (flags & 4) !== 0, exitOnReloc = (flags & 8) !== 0;
  ${isa.assist ? "// Regions know nothing of guest mode (where the sensitive group exits): guest-mode code is interpreted.\n  const guest = (flags & 16) !== 0;" : ""}
  let pc = m.pc, M = m.mode, l = m.l, b = m.b;
  const M0 = M, L0 = l;
  let lo = 0, hi = 0, span = 0; ${WINDOW}
  let steps = 0, reason = 0, tc = 0, td = 0, due = Infinity, stop = maxSteps;
  ${RETIME}
  loop: for (;;) {
    step: {
      if (steps >= stop) {
        if (steps >= maxSteps) { reason = 0; break loop; }
        // The timer has expired: a TIMER trap before this user-mode instruction, or pending in supervisor mode.
        stop = maxSteps;
        if (M !== 0) { steps++; due = Infinity; dev.timerAt = -1; tc = 6; td = 0; break step; }
      }
      if ((pc - lo) >>> 0 >= span) { steps++; tc = 2; td = pc; break step; }
      const pa = pc + l;
      ${o.breakpoints ? "if (steps > 0 && bp[pa] !== 0) { reason = 3; break loop; }" : ""}
      ${o.trace ? "acc(0, pa);" : ""}
      ${o.blocks ? isa.assist ? `if (!guest) { ${blockDispatch(o)} }` : blockDispatch(o) : ""}
      steps++;
      const w = E[pa];
      switch (w >>> 24) {
${cases}
        default: tc = 3; td = w; break;
      }
    }
    // Trap (\xA73): old PSW and cause into physical E[0..5], new PSW from physical E[8..11].
    ${o.trace ? "for (let i = 0; i < 6; i++) acc(3, i);" : ""}
    E[0] = M; E[1] = pc; E[2] = l; E[3] = b; E[4] = tc; E[5] = td;
    M = E[8] === 0 ? 0 : 1; pc = E[9]; l = E[10]; b = E[11];
    ${WINDOW}
    ${PENDING}
    counts[tc]++;
    if (m.onTrap !== null) { m.pc = pc; m.mode = M; m.l = l; m.b = b; m.onTrap(tc, td); }
    if (exitOnTrap) { reason = 2; break; }
    if (exitOnMode && M !== M0) { reason = 4; break; }
    if (exitOnReloc && l !== L0) { reason = 6; break; }
  }
  m.pc = pc; m.mode = M; m.l = l; m.b = b;
  m.lastSteps = steps; m.steps += steps;
  return reason;
};`;
}
var cache = /* @__PURE__ */ new Map();
function compiledRun(isa, o) {
  const key = `${isa.key}|${o.breakpoints ? 1 : 0}${o.trace ? 1 : 0}${o.blocks ? 1 : 0}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = new Function(generate(isa, o))();
    cache.set(key, fn);
  }
  return fn;
}

// src/core/machine/devices.ts
var ConsoleDevices = class {
  input;
  inPos = 0;
  output = "";
  /** Interval timer deadline in steps since boot, -1 when disarmed (§11). */
  timerAt = -1;
  /** Called with each piece of text written, for live consoles. */
  onOutput = null;
  constructor(input = "") {
    this.input = input;
  }
  read(port, now = 0) {
    if (port === 2) return now | 0;
    if (port === 0) return this.inPos < this.input.length ? this.input.charCodeAt(this.inPos++) : -1;
    if (port === 1) {
      const m = /^\s*(-?\d+)/.exec(this.input.slice(this.inPos));
      if (!m) return -1;
      this.inPos += m[0].length;
      return Number(m[1]) | 0;
    }
    return -1;
  }
  write(port, value, now = 0) {
    if (port === 2) {
      this.timerAt = (value | 0) > 0 ? now + (value | 0) : -1;
      return;
    }
    let s;
    if (port === 0) s = String.fromCharCode(value & 65535);
    else if (port === 1) s = String(value | 0);
    else return;
    this.output += s;
    this.onOutput?.(s);
  }
  snapshot() {
    return { inPos: this.inPos, outLen: this.output.length, timerAt: this.timerAt };
  }
  /** Output only grows, so a snapshot of an earlier moment restores by truncation. */
  restore(s) {
    this.inPos = s.inPos;
    this.output = this.output.slice(0, s.outLen);
    this.timerAt = s.timerAt ?? -1;
  }
  reset() {
    this.inPos = 0;
    this.output = "";
    this.timerAt = -1;
  }
};

// src/core/machine/blocks.ts
var MAX_REGION = 128;
var MAX_BACK = 64;
function canonical(d, w) {
  const k = d.operands;
  const usesRa = k.includes("ra");
  const usesRb = k.includes("rb") || k.includes("mem");
  const usesImm = k.some((x) => x !== "ra" && x !== "rb");
  return (usesRa || (w >>> 20 & 15) === 0) && (usesRb || (w >>> 16 & 15) === 0) && (usesImm || (w & 65535) === 0);
}
function bodyOf(isa, w, mode, volatile) {
  const d = isa.byOp[w >>> 24];
  if (!d || volatile || isUser(d) || !canonical(d, w)) return null;
  let body = d.exec;
  if (mode !== 0 && d.variants) {
    const v = isa.variants[d.mnemonic] ?? "privileged";
    body = v === "privileged" ? "TRAP(1, w)" : v === "user-nop" ? "NEXT" : d.openExec ?? d.exec;
  }
  if (/\b(HALT|NOW|RETIME|dev)\b/.test(body)) return null;
  return body;
}
var fallsThrough = (body) => /\bNEXT\s*$/.test(body);
var jumpsTo = (body) => /\bGOTO\(uimm\)/.test(body);
function shape(isa, E, pa, l, mode, vend, volatile) {
  let start = pa;
  for (let round = 0; ; round++) {
    const bodies = [];
    let reach = pa + 1;
    let back = start;
    let a = start;
    const limit = Math.min(E.length, start + MAX_REGION, vend + l);
    for (; a < limit; a++) {
      const w = E[a];
      if (w === 0 && a > pa && a >= reach) break;
      const body = bodyOf(isa, w, mode, volatile(a));
      bodies.push(body);
      if (body !== null && jumpsTo(body)) {
        const t = (w & 65535) + l;
        if (t > a && t < limit) reach = Math.max(reach, t + 1);
        if (t < back && t >= start - MAX_BACK && t >= 0) back = t;
      }
      if ((body === null || !fallsThrough(body)) && a + 1 >= reach) {
        a++;
        break;
      }
    }
    if (back < start && round < 3) {
      start = back;
      continue;
    }
    return { start, end: a, bodies };
  }
}
function compileBlock(isa, E, pa, vpc, mode = 0, vend = E.length, volatile = () => false, chain) {
  const l = pa - vpc | 0;
  const { start, end, bodies } = shape(isa, E, pa, l, mode, vend, volatile);
  const len = end - start;
  if (bodies[pa - start] === null) return null;
  const words = Array.from(E.subarray(start, end));
  const compiled = new Uint8Array(len);
  bodies.forEach((b, i) => compiled[i] = b === null ? 0 : 1);
  const entry = new Uint8Array(len);
  entry[0] = 1;
  entry[pa - start] = 1;
  bodies.forEach((body, i) => {
    if (body === null) {
      entry[i] = 1;
      if (i + 1 < len) entry[i + 1] = 1;
      return;
    }
    if (!fallsThrough(body) || /\b(GOTO|TRAP|NEWPSW)\b/.test(body)) {
      if (i + 1 < len) entry[i + 1] = 1;
    }
    if (jumpsTo(body)) {
      const t = (words[i] & 65535) + l - start;
      if (t >= 0 && t < len) entry[t] = 1;
    }
  });
  const regs = /* @__PURE__ */ new Set();
  const written = /* @__PURE__ */ new Set();
  const reg = (r) => r === 0 ? "0" : `r${r}`;
  const parts = [];
  for (let i = 0; i < len; ) {
    let n = 1;
    while (i + n < len && entry[i + n] === 0) n++;
    const runStart = i;
    const vs = start - l + runStart;
    if (bodies[i] === null) {
      parts.push(`case ${vs}: { P = ${vs}; break out; }`);
      i++;
      continue;
    }
    let code = `case ${vs}: if (steps > budget - ${n}) { P = ${vs}; break out; }
`;
    for (let k = 0; k < n; k++) {
      const w = words[i + k];
      const pc = vs + k;
      const ra = w >>> 20 & 15;
      const rb = w >>> 16 & 15;
      const last = k === n - 1;
      const body = bodies[i + k].replace(/\bR\[ra\]/g, reg(ra)).replace(/\bR\[rb\]/g, reg(rb));
      for (const r of [ra, rb]) if (r !== 0 && new RegExp(`\\br${r}\\b`).test(body)) regs.add(r);
      const trap = (c, d) => `{ P = ${pc}; tc = ${c}; td = ${d}; steps += ${k}; break out; }`;
      const be = {
        macro(name, args) {
          switch (name) {
            case "LOAD":
              return `if (((${args[1]}) - lo) >>> 0 >= span) ${trap("2", `(${args[1]})`)} ${args[0]} = E[(${args[1]}) + l];`;
            case "CHECK":
              return `if (((${args[0]}) - lo) >>> 0 >= span) ${trap("2", `(${args[0]})`)}`;
            case "STORE":
              return `if (((${args[0]}) - lo) >>> 0 >= span) ${trap("2", `(${args[0]})`)} { const sp = (${args[0]}) + l; E[sp] = ${args[1]}; if (((sp - ${start}) >>> 0) < ${len} && cw[sp - ${start}] !== 0) { P = ${pc + 1}; steps += ${k + 1}; break out; } }`;
            case "TRAP":
              return trap(args[0], args[1]);
            case "SETREG": {
              const r = args[0] === "ra" ? ra : args[0] === "rb" ? rb : -1;
              if (r < 0) throw new Error(`SETREG of ${args[0]}`);
              if (r === 0) return `{ ${args[1]}; }`;
              regs.add(r);
              written.add(r);
              return `{ r${r} = ${args[1]}; }`;
            }
            case "GOTO":
              return `{ P = ${args[0]}; steps += ${k + 1}; continue out; }`;
          }
        },
        NEXT: last ? `steps += ${n};` : "",
        NEWPSW: `{ steps += ${k + 1}; P = pc; if (M === ${mode} && l === L0 && b === B0 && !psw) continue out; tc = -1; x[3] = M; x[4] = l; x[5] = b; break out; }`,
        HALT: "",
        NOW: "0",
        RETIME: ""
      };
      const ex = expandSnippet(body, be);
      const assignsPc = /\bpc\s*=[^=]/.test(ex);
      code += `{ const w = ${w}, ra = ${ra}, rb = ${rb}, simm = ${w << 16 >> 16}, uimm = ${w & 65535}; ${assignsPc ? "let" : "const"} pc = ${pc}; ${ex} }
`;
    }
    if (i + n >= len) code += `P = ${vs + n}; break out;
`;
    parts.push(code);
    i += n;
  }
  const verify = words.map((w, i) => compiled[i] ? `E[${start + i}] !== ${w}` : "").filter(Boolean).join(" || ") || "false";
  const rs = [...regs].sort((a, b) => a - b);
  const inline = chain !== void 0 && start > 5;
  const load = rs.length ? rs.map((r) => `r${r} = R[${r}];`).join(" ") : "";
  const src = `return function region(R, E, x, budget, P, l, b, lo, span, psw, quiet) {
  if (${verify}) return -1;
  ${rs.length ? `let ${rs.map((r) => `r${r} = R[${r}]`).join(", ")};` : ""}
  let steps = 0, tc = 0, td = 0, M = ${mode};
  const L0 = l, B0 = b;
  top: for (;;) {
    out: for (;;) {
      switch (P) {
${parts.join("\n")}
        default: break out;
      }
    }
    ${[...written].map((r) => `R[${r}] = r${r};`).join(" ")}
    ${inline ? `if (tc > 0 && quiet) {
      // The trap (\xA73), taken here: frame, new PSW; a supervisor handler with a region runs at once, and if it
      // returns to this region's PSW, the region goes on. Otherwise the region leaves with the PSW changed; a
      // trap the handler met is not taken (its instruction runs again, a trapping instruction changed nothing).
      steps++; counts[tc]++;
      E[0] = M; E[1] = P; E[2] = l; E[3] = b; E[4] = tc; E[5] = td;
      M = E[8] === 0 ? 0 : 1; P = E[9]; l = E[10]; b = E[11]; tc = -1;
      if (M === 0 && steps < budget) {
        const nlo = l < 0 ? -l : 0, nhi = b < E.length - l ? b : E.length - l, nspan = nhi > nlo ? nhi - nlo : 0;
        if (((P - nlo) >>> 0) < nspan) {
          const bi = bids[P + l];
          const h = bi > 0 ? blist[bi] : null;
          if (h !== null && h.l === l && h.mode === 0 && ((h.vpc - nlo) >>> 0) < nspan && ((h.vpc + h.len - 1 - nlo) >>> 0) < nspan) {
            const n = h.fn(R, E, x, budget - steps, P, l, b, nlo, nspan, false, false);
            if (n >= 0) { steps += n; P = x[0]; if (x[1] === -1) { M = x[3]; l = x[4]; b = x[5]; } }
          }
        }
      }
      if (M === ${mode} && l === L0 && b === B0) { tc = 0; ${load} continue top; }
      x[3] = M; x[4] = l; x[5] = b;
    }` : ""}
    break;
  }
  x[0] = P; x[1] = tc; x[2] = td;
  return steps;
};`;
  const fn = new Function("cw", "counts", "bids", "blist", src)(compiled, chain?.counts, chain?.bids, chain?.blocks);
  const entries = [];
  const runs = [];
  entry.forEach((e, i) => {
    if (!e || !compiled[i]) return;
    entries.push(start + i);
    let k = i;
    while (k < len && bodies[k] !== null && fallsThrough(bodies[k]) && !/\b(GOTO|TRAP|NEWPSW)\b/.test(bodies[k])) k++;
    runs.push(k - i + (k < len && bodies[k] !== null ? 1 : 0));
  });
  return { vpc: start - l, pa: start, len, l, mode, words, compiled, entries, runs, fn };
}
var COOL_AFTER = 2;
var COOL_GROWTH = 8;
var MAX_COOL_ROUNDS = 4096;
var Cooling = class {
  invalidations = /* @__PURE__ */ new Map();
  rounds = /* @__PURE__ */ new Map();
  /** The block at physical pa, compiled from `words`, found them changed in E: each changed word is counted. */
  invalidated(E, pa, words, compiled) {
    for (let i = 0; i < words.length; i++) {
      if (E[pa + i] === words[i] || compiled && compiled[i] === 0) continue;
      const n = (this.invalidations.get(pa + i) ?? 0) + 1;
      this.invalidations.set(pa + i, n);
      if (n >= COOL_AFTER) this.rounds.set(pa + i, Math.min(COOL_GROWTH ** (n - COOL_AFTER), MAX_COOL_ROUNDS));
    }
  }
  /** Whether the word at physical pa keeps being written over: blocks end before it. */
  volatile(pa) {
    const r = this.rounds.get(pa);
    return r !== void 0 && r > 0;
  }
  /**
   * Whether a block may start at pa now. The generated loop asks when the address's 8-bit heat counter reaches
   * HOT; for a volatile word the caller sets the counter back to HOT, so it wraps and asks again after 256
   * executions: one round, counted here without any cost in the loop.
   */
  allow(pa) {
    const r = this.rounds.get(pa);
    if (r === void 0 || r === 0) return true;
    this.rounds.set(pa, r - 1);
    return false;
  }
};

// src/core/machine/machine.ts
var MAX_BLOCKS = 16384;
var SLICE = 1 << 20;
var MIN_RUN = 2;
var MIN_Q = 64;
var MAX_Q = 1048576;
var DEFAULT_Q = 65536;
function checkMemorySize(q) {
  if (!Number.isInteger(q) || q < MIN_Q || q > MAX_Q) return `memory size must be an integer from ${MIN_Q} to ${MAX_Q}, got ${q}`;
  return null;
}
var Machine = class {
  q;
  mem;
  regs;
  pc = 0;
  mode = 0;
  l = 0;
  b;
  status = "ready";
  /** Instructions executed (a trapping instruction counts as one), since boot. */
  steps = 0;
  /** Instructions executed by the last `run` call. */
  lastSteps = 0;
  /**
   * Time the monitors on this machine spent on their own work (one unit per trap their dispatchers handle and per
   * instruction their interpreters execute; they are TypeScript, not instructions). The clock of port 2 is
   * steps + monitorTime, so under `--time real` a guest sees what virtualization costs (§11). 0 on a bare run.
   */
  monitorTime = 0;
  /** Traps taken since boot, indexed by cause (1..6). */
  trapCounts = new Float64Array(7);
  dev;
  /** Told of each trap after the new PSW is loaded; the old PSW, cause and detail are in physical E[0..5]. */
  onTrap = null;
  /** Physical addresses at which `run` stops before executing (Uint8Array of size q, nonzero = break). */
  breakpoints = null;
  /** Told of every physical access: 0 fetch, 1 load, 2 store, 3 trap-frame write. Slow; for tests. */
  onAccess = null;
  slowDetail = 0;
  isaValue;
  slowFnsValue = [];
  /** Block compiler state, read by the generated loop: block index per physical address (0 = none). */
  blockIds;
  blocks = [null];
  heat;
  blockExit = new Int32Array(6);
  jit;
  /** Blocks compiled since construction (a measure of the block compiler's work, for tests and the bench). */
  compiles = 0;
  /** Some address is marked as not worth a region (blockIds -1). */
  unworthy = false;
  cooling = new Cooling();
  chain;
  fast;
  withBreaks;
  traced;
  tracedBreaks;
  constructor(opts = {}) {
    const err = opts.mem ? null : checkMemorySize(opts.q ?? DEFAULT_Q);
    if (err) throw new RangeError(err);
    this.mem = opts.mem ?? new Int32Array(opts.q ?? DEFAULT_Q);
    this.q = this.mem.length;
    this.regs = opts.regs ?? new Int32Array(16);
    this.b = this.q;
    this.dev = opts.dev ?? new ConsoleDevices();
    this.isaValue = opts.isa ?? presetIsa("pg1");
    this.jit = opts.jit ?? true;
    this.blockIds = new Int32Array(this.jit ? this.q : 0);
    this.heat = new Uint8Array(this.jit ? this.q : 0);
    this.chain = { counts: this.trapCounts, bids: this.blockIds, blocks: this.blocks };
    this.compile();
  }
  get isa() {
    return this.isaValue;
  }
  set isa(isa) {
    this.isaValue = isa;
    this.compile();
  }
  /** Read by the generated loop. */
  get slowFns() {
    return this.slowFnsValue;
  }
  compile() {
    const isa = this.isaValue;
    this.slowFnsValue = isa.instructions.filter(isUser).map((d) => d.slow);
    this.fast = compiledRun(isa, { breakpoints: false, trace: false, blocks: this.jit });
    this.withBreaks = compiledRun(isa, { breakpoints: true, trace: false, blocks: false });
    this.traced = compiledRun(isa, { breakpoints: false, trace: true, blocks: false });
    this.tracedBreaks = compiledRun(isa, { breakpoints: true, trace: true, blocks: false });
    this.dropBlocks();
  }
  /**
   * Called by the generated loop when P is hot: compiles a region around physical pa for mode M (vend: the
   * window's virtual end), registers it at its entries, and returns its index or 0.
   */
  compileAt(pa, pc, mode = this.mode, vend = this.q) {
    if (!this.cooling.allow(pa)) {
      this.heat[pa] = HOT;
      return 0;
    }
    const rg = compileBlock(this.isaValue, this.mem, pa, pc, mode, vend, (a) => this.cooling.volatile(a), this.chain);
    if (!rg) return 0;
    if (rg.runs[rg.entries.indexOf(pa)] < MIN_RUN) {
      this.unworthy = true;
      this.blockIds[pa] = -1;
      return 0;
    }
    if (this.blocks.length > MAX_BLOCKS) this.dropBlocks();
    const id = this.blocks.length;
    this.blocks.push(rg);
    for (const e of rg.entries) this.blockIds[e] = id;
    this.blockIds[pa] = id;
    this.compiles++;
    return id;
  }
  /** Called by the generated loop when region `id` found its words changed (code written over). */
  invalidate(id) {
    const rg = this.blocks[id];
    if (!rg) return;
    this.blocks[id] = null;
    for (const e of rg.entries) {
      if (this.blockIds[e] === id) {
        this.blockIds[e] = 0;
        this.heat[e] = 0;
      }
    }
    this.cooling.invalidated(this.mem, rg.pa, rg.words, rg.compiled);
  }
  /** Forgets all compiled blocks (they also check their own words, so this is about memory, not correctness). */
  dropBlocks() {
    if (!this.jit) return;
    this.blockIds.fill(0);
    this.heat.fill(0);
    this.blocks.length = 1;
  }
  get console() {
    return this.dev instanceof ConsoleDevices ? this.dev.output : "";
  }
  get psw() {
    return { mode: this.mode, pc: this.pc, l: this.l, b: this.b };
  }
  setPSW(p) {
    this.mode = p.mode === 0 ? 0 : 1;
    this.pc = p.pc | 0;
    this.l = p.l | 0;
    this.b = p.b | 0;
  }
  /** Boot (§4): M = s, R = (0, q), registers and memory 0, counters cleared, then the image loaded. */
  boot(image) {
    this.mem.fill(0);
    this.regs.fill(0);
    this.mode = 0;
    this.l = 0;
    this.b = this.q;
    this.pc = 0;
    this.steps = 0;
    this.lastSteps = 0;
    this.monitorTime = 0;
    this.trapCounts.fill(0);
    this.status = "ready";
    if (this.unworthy) {
      const ids = this.blockIds;
      for (let i = 0; i < ids.length; i++) if (ids[i] < 0) ids[i] = 0;
      this.unworthy = false;
    }
    if (this.dev instanceof ConsoleDevices) this.dev.reset();
    if (image) this.load(image);
  }
  /** Writes an image into physical memory and sets P to its entry. Throws RangeError if it does not fit. */
  load(image) {
    for (const [a] of image.words) {
      if (a < 0 || a >= this.q) throw new RangeError(`the program needs address ${a}, but memory has ${this.q} words (0..${this.q - 1})`);
    }
    for (const [a, w] of image.words) this.mem[a] = w;
    this.pc = image.entry;
  }
  /**
   * Runs at most `maxSteps` instructions. Returns why it stopped; `lastSteps` says how many ran. A HALT sets
   * status `halted`; the caller decides when a LIMIT is the step limit of §4.
   */
  run(maxSteps, flags = 0) {
    if (this.status === "halted") {
      this.lastSteps = 0;
      return Stop.HALTED;
    }
    if (this.onAccess || this.breakpoints) {
      const r = (this.onAccess ? this.breakpoints ? this.tracedBreaks : this.traced : this.withBreaks)(this, maxSteps, flags);
      if (r === Stop.HALTED) this.status = "halted";
      return r;
    }
    let total = 0;
    for (; ; ) {
      const n = maxSteps - total > SLICE ? SLICE : maxSteps - total;
      const r = this.fast(this, n, flags);
      total += this.lastSteps;
      if (r !== Stop.LIMIT || total >= maxSteps) {
        this.lastSteps = total;
        if (r === Stop.HALTED) this.status = "halted";
        return r;
      }
    }
  }
  step(flags = 0) {
    return this.run(1, flags);
  }
  /** Takes a trap (§3) from the current PSW, as the hardware would: used by monitors to reflect traps. */
  trap(cause, detail) {
    const E = this.mem;
    E[0] = this.mode;
    E[1] = this.pc;
    E[2] = this.l;
    E[3] = this.b;
    E[4] = cause;
    E[5] = detail;
    this.mode = E[8] === 0 ? 0 : 1;
    this.pc = E[9];
    this.l = E[10];
    this.b = E[11];
    this.trapCounts[cause]++;
    this.onTrap?.(cause, detail);
  }
  snapshot() {
    return {
      mem: this.mem.slice(),
      regs: this.regs.slice(),
      psw: this.psw,
      steps: this.steps,
      monitorTime: this.monitorTime,
      trapCounts: this.trapCounts.slice(),
      status: this.status,
      console: this.dev instanceof ConsoleDevices ? this.dev.snapshot() : null
    };
  }
  restore(s) {
    this.mem.set(s.mem);
    this.regs.set(s.regs);
    this.setPSW(s.psw);
    this.steps = s.steps;
    this.monitorTime = s.monitorTime ?? 0;
    this.trapCounts.fill(0);
    this.trapCounts.set(s.trapCounts.subarray(0, 7));
    this.status = s.status;
    if (s.console && this.dev instanceof ConsoleDevices) this.dev.restore(s.console);
  }
};

// src/core/run.ts
function pswJson(p) {
  return { mode: p.mode === 0 ? "s" : "u", pc: p.pc, l: p.l, b: p.b };
}

// src/core/vmm/translate.ts
var Translator = class {
  constructor(cpu) {
    this.cpu = cpu;
    for (const d of cpu.isa.instructions) if (d.variants !== void 0 || isUser(d)) this.sensitive[d.op] = 1;
  }
  cpu;
  cache = /* @__PURE__ */ new Map();
  x = new Int32Array(6);
  /** 1 for every opcode with a variant (the sensitive group) and every ISA-file instruction. */
  sensitive = new Uint8Array(256);
  /** Steps of the last run, and how many of them the monitor interpreted (calls into the monitor). */
  lastSteps = 0;
  lastInterpreted = 0;
  /** Blocks translated, and blocks dropped because their words changed, since boot. */
  blocks = 0;
  invalidated = 0;
  reset() {
    this.cache.clear();
    this.blocks = 0;
    this.invalidated = 0;
  }
  translate(pa, pc, vend) {
    const mem = this.cpu.mem;
    const blk = compileBlock(this.cpu.isa, mem, pa, pc, this.cpu.mode, vend, (a) => this.sensitive[mem[a] >>> 24] === 1);
    if (!blk) return null;
    const e = { pa, blk, succ: null, dead: false };
    const old = this.cache.get(pa);
    if (old) old.dead = true;
    this.cache.set(pa, e);
    this.blocks++;
    return e;
  }
  /**
   * Runs the VM's code as translated code for at most `budget` guest steps, as `cpu.run(budget, flags)` would
   * (same end state, same stop reasons: TRAP after a trap is taken, MODE when M changes, HALTED, BREAK). The
   * caller keeps the budget within the VM's interval timer when it runs user code.
   */
  run(budget, flags) {
    const cpu = this.cpu;
    const E = cpu.mem;
    const R = cpu.regs;
    const q = cpu.q;
    const x = this.x;
    let steps = 0;
    let interp = 0;
    let prev = null;
    let reason = Stop.LIMIT;
    const m0 = cpu.mode;
    while (steps < budget) {
      if (cpu.mode !== m0) {
        reason = Stop.MODE;
        break;
      }
      const pc = cpu.pc;
      const l = cpu.l;
      const b = cpu.b;
      const lo = l < 0 ? -l : 0;
      const hi = b < q - l ? b : q - l;
      const span = hi > lo ? hi - lo : 0;
      let e = null;
      if (pc - lo >>> 0 < span && cpu.breakpoints === null) {
        const pa = pc + l;
        const s = prev !== null ? prev.succ : null;
        if (s !== null && !s.dead && s.pa === pa && s.blk.l === l && s.blk.mode === cpu.mode) e = s;
        else {
          e = this.cache.get(pa) ?? null;
          if (e !== null && (e.blk.l !== l || e.blk.mode !== cpu.mode)) e = null;
          if (e === null) e = this.translate(pa, pc, lo + span);
          if (e !== null && prev !== null) prev.succ = e;
        }
      }
      const blk = e?.blk;
      if (e !== null && blk !== void 0 && blk.vpc - lo >>> 0 < span && blk.vpc + blk.len - 1 - lo >>> 0 < span) {
        const n = blk.fn(R, E, x, budget - steps, pc, l, b, lo, span, true, false);
        if (n < 0) {
          e.dead = true;
          this.cache.delete(e.pa);
          this.invalidated++;
          prev = null;
          continue;
        }
        const c = x[1];
        if (n > 0 || c !== 0) {
          steps += n;
          cpu.steps += n;
          cpu.pc = x[0];
          if (c > 0) {
            steps++;
            cpu.steps++;
            cpu.trap(c, x[2]);
            reason = Stop.TRAP;
            break;
          }
          if (c < 0) {
            cpu.setPSW({ mode: x[3], pc: x[0], l: x[4], b: x[5] });
            prev = null;
            continue;
          }
          prev = e;
          continue;
        }
      }
      prev = null;
      const r = cpu.run(1, flags);
      steps += cpu.lastSteps;
      interp += cpu.lastSteps;
      if (r !== Stop.LIMIT) {
        reason = r;
        break;
      }
    }
    this.lastSteps = steps;
    this.lastInterpreted = interp;
    return reason;
  }
};

// src/core/vmm/kinds.ts
var MAX_DEPTH = 8;

// src/core/vmm/monitor.ts
var HYPERCALL = 65280;
var HYPERCALLS = 6;
var HYPERCALL_NAMES = ["GETMODE", "GETR", "SETR", "LRA", "RETU", "LPSW"];
var MONITOR_AREA = 16;
var DIRECT_FLAGS = RunFlag.EXIT_ON_TRAP | RunFlag.EXIT_ON_MODE;
var Monitor = class {
  constructor(host, kind, level = 1, time = "virtual", paravirt = false) {
    this.host = host;
    this.kind = kind;
    this.level = level;
    this.time = time;
    this.paravirt = paravirt;
    const isa = host.isa;
    if (kind === "assist" && !isa.assist) {
      throw new RangeError(`the assist monitor needs an ISA with hardware assist ("assist": true in an ISA file, e.g. examples/x86-assist.json); ${isa.name} has none`);
    }
    const table = new Array(256).fill(void 0);
    for (const d of isa.instructions) {
      if (variantOf(isa, d) === "privileged") table[d.op] = { mnemonic: d.mnemonic, count: 0 };
    }
    this.interpreters = table;
    this.translateUser = kind === "bt" && isa.instructions.some((d) => {
      const v = variantOf(isa, d);
      return v !== null && v !== "privileged";
    });
    this.real = realMachineOf(host) ?? { monitorTime: 0 };
    const lpsw = isa.byMnemonic.get("LPSW");
    this.lpswWord = lpsw ? encode(lpsw.op, 0, 0, 0) : 0;
    this.install();
  }
  host;
  kind;
  level;
  time;
  paravirt;
  vms = [];
  stats = { traps: 0, reflected: 0, interpreted: 0 };
  /** Guest instructions the host executed with no monitor involved, and those that trapped on the host. */
  direct = 0;
  hostTraps = 0;
  /** Guest-mode exits (cause EXIT) this monitor handled: `assist` only. */
  exits = 0;
  /** Hypercalls served (`full` only). */
  hypercalls = 0;
  /** Guest instructions run as translated code (`bt` only). */
  translated = 0;
  /**
   * The bt monitor translates virtual user mode too when some instruction runs unprivileged in user mode (its
   * variant is not `privileged`): it might be user sensitive, so user code cannot safely run directly.
   */
  translateUser;
  /** Indexed by opcode; only privileged instructions (in user mode, under this ISA) have one. */
  interpreters;
  onEvent = null;
  clock = { steps: 0 };
  /** The VM whose registers are in the host's registers now (the others' are saved in the VM). */
  current = null;
  free = MONITOR_AREA;
  lpswWord;
  /** The real machine at the bottom of the tower, whose clock this monitor's work advances (monitorTime). */
  real;
  /**
   * Writes the monitor's trap vector into its own physical E[8..11]: supervisor mode at a HALT. The machine
   * below always returns to the dispatcher after a trap (EXIT_ON_TRAP), so this code never runs; it is there so
   * that a trap vector exists, exactly as on a bare machine.
   */
  install() {
    const E = this.host.mem;
    const halt = this.host.isa.byMnemonic.get("HALT");
    E[8] = 0;
    E[9] = 12;
    E[10] = 0;
    E[11] = this.host.q;
    E[12] = halt ? encode(halt.op, 0, 0, 0) : 0;
  }
  /** Room left for further VMs. */
  get available() {
    return this.host.q - this.free;
  }
  /** The allocator: a window of w words of this monitor's physical memory, above its own area and other VMs. */
  allocate(w, input = "") {
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`a VM needs a positive integer size, got ${w}`);
    if (w > this.available) {
      throw new RangeError(`a VM of ${w} words does not fit: the monitor at level ${this.level} has ${this.available} words left of ${this.host.q}`);
    }
    const vm = new VirtualMachine(this, this.free, w, input);
    this.free += w;
    this.vms.push(vm);
    return vm;
  }
  /** The interpreter of a trapped instruction word, found through the table. */
  interpreterFor(word) {
    return this.interpreters[fieldOp(word)];
  }
  emit(vm, cause, detail, handled, old, what) {
    this.onEvent?.({ step: this.clock.steps, level: this.level, cause, detail, handled, old, new: vm.psw, what });
  }
  /**
   * The VM's monitor (an inner level) executed a privileged instruction to change this VM's PSW, i.e. to enter
   * its own guest. On real hardware that traps to this monitor and is interpreted here; we count it so.
   */
  countPswLoad(vm, old) {
    this.stats.traps++;
    this.stats.interpreted++;
    this.real.monitorTime += 2;
    for (let h = this.host; h instanceof VirtualMachine; h = h.monitor.host) {
      h.monitor.stats.traps++;
      h.monitor.stats.reflected++;
      this.real.monitorTime++;
    }
    const it = this.interpreters[fieldOp(this.lpswWord)];
    if (it) it.count++;
    if (this.onEvent) this.emit(vm, Cause.PRIVILEGED, this.lpswWord, "interpreted", old, "LPSW");
  }
  /** Runs every VM round robin, `quantum` guest steps at a time, until each has halted or used `maxSteps`. */
  runRoundRobin(quantum, maxSteps) {
    const used = /* @__PURE__ */ new Map();
    for (; ; ) {
      let ran = false;
      for (const vm of this.vms) {
        const u = used.get(vm) ?? 0;
        if (vm.status === "halted" || u >= maxSteps) continue;
        vm.run(Math.min(quantum, maxSteps - u));
        used.set(vm, u + vm.lastSteps);
        ran = true;
      }
      if (!ran) return;
    }
  }
  snapshot() {
    return {
      stats: { ...this.stats },
      direct: this.direct,
      hostTraps: this.hostTraps,
      exits: this.exits,
      hypercalls: this.hypercalls,
      translated: this.translated,
      counts: this.interpreters.map((i) => i ? i.count : 0),
      vms: this.vms.map((v) => v.snapshot()),
      current: this.current ? this.vms.indexOf(this.current) : -1
    };
  }
  restore(s) {
    Object.assign(this.stats, s.stats);
    this.direct = s.direct;
    this.hostTraps = s.hostTraps;
    this.exits = s.exits ?? 0;
    this.hypercalls = s.hypercalls ?? 0;
    this.translated = s.translated ?? 0;
    this.interpreters.forEach((i, k) => {
      if (i) i.count = s.counts[k];
    });
    this.vms.forEach((v, k) => v.restore(s.vms[k]));
    this.current = s.current >= 0 ? this.vms[s.current] : null;
  }
};
var RealTimeDevices = class extends ConsoleDevices {
  constructor(input, real) {
    super(input);
    this.real = real;
  }
  real;
  /**
   * The guest's step count when the monitor began interpreting whole instructions (-1: it is not): they are
   * the monitor's work, charged to the real clock as they happen, so a busy-wait on the clock ends.
   */
  interpreting = -1;
  realNow(now) {
    return this.real.steps + this.real.monitorTime + (this.interpreting >= 0 ? now - this.interpreting : 0);
  }
  read(port, now = 0) {
    return port === 2 ? this.real.dev.read(2, this.realNow(now)) : super.read(port, now);
  }
  write(port, value, now = 0) {
    if (port === 2) this.real.dev.write(2, value, this.realNow(now));
    else super.write(port, value, now);
  }
};
var TRAPPED_FETCH = 256;
var TRAPPED_TIMER = 257;
function trappedIndex(E, q) {
  if (E[4] === Cause.TIMER) return TRAPPED_TIMER;
  const pc = E[1];
  const pa = pc + E[2];
  if (pc < 0 || pc >= E[3] || pa < 0 || pa >= q) return TRAPPED_FETCH;
  return fieldOp(E[pa]);
}
function realMachineOf(host) {
  let h = host;
  while (h instanceof VirtualMachine) h = h.monitor.host;
  return h instanceof Machine ? h : null;
}
var VirtualMachine = class {
  constructor(monitor, base, w, input = "") {
    this.monitor = monitor;
    this.base = base;
    const host = monitor.host;
    this.q = w;
    this.mem = host.mem.subarray(base, base + w);
    const real = monitor.time === "real" ? realMachineOf(host) : null;
    if (monitor.time === "real" && !real) throw new Error("real time needs a tower of monitors that stands on a Machine");
    this.dev = real ? new RealTimeDevices(input, real) : new ConsoleDevices(input);
    this.cpu = new Machine({ mem: this.mem, regs: host.regs, isa: host.isa, dev: this.dev, jit: false });
    this.translator = monitor.kind === "bt" ? new Translator(this.cpu) : null;
    if (monitor.current === null) monitor.current = this;
  }
  monitor;
  base;
  q;
  mem;
  /** The registers of this VM while another VM of the same monitor runs. */
  saved = new Int32Array(16);
  /** The virtual processor: virtual PSW, status and traps; the interpreter single-steps it. */
  cpu;
  dev;
  /** Guest instructions executed since boot, and in the last `run`. */
  steps = 0;
  lastSteps = 0;
  /** Guest instructions the interpreter ran whole (hybrid supervisor mode, or an R that is not a window). */
  wholeInterpreted = 0;
  /** Guest-physical breakpoints (same array as `cpu.breakpoints`); set by the stack. */
  breakpoints = null;
  /**
   * Under real time: a real TIMER trap arrived while the VM was in virtual supervisor mode; it is delivered
   * before the VM's next instruction in virtual user mode, as the hardware would (§11).
   */
  timerPending = false;
  /** The translation cache of the bt monitor (null under the others). */
  translator;
  /**
   * Guest instructions that trapped on the host, by opcode (index TRAPPED_FETCH: the fetch itself failed, so
   * there was no instruction; TRAPPED_TIMER: the timer's trap, taken between instructions). One increment per
   * trap, which already costs a dispatcher: the efficiency property (properties.ts) names them.
   */
  trappedOps = new Float64Array(TRAPPED_TIMER + 1);
  /** The guest's registers: the real ones while this VM is the one loaded, else its saved copy. */
  get regs() {
    return this.monitor.current === this ? this.monitor.host.regs : this.saved;
  }
  /** Dispatcher's switch to this VM: save the running VM's registers and load this one's. */
  activate() {
    const mon = this.monitor;
    if (mon.current === this) return;
    const R = mon.host.regs;
    if (mon.current) mon.current.saved.set(R);
    R.set(this.saved);
    mon.current = this;
  }
  get isa() {
    return this.cpu.isa;
  }
  get mode() {
    return this.cpu.mode;
  }
  get pc() {
    return this.cpu.pc;
  }
  get l() {
    return this.cpu.l;
  }
  get b() {
    return this.cpu.b;
  }
  get status() {
    return this.cpu.status;
  }
  set status(s) {
    this.cpu.status = s;
  }
  get psw() {
    return this.cpu.psw;
  }
  get console() {
    return this.dev.output;
  }
  /**
   * Loading this VM's PSW is a privileged act of whoever runs on it: counted as a trap interpreted here. A
   * monitor that resumes its guest where it already is (the run was only sliced, nothing trapped) needs no
   * instruction for that, so it costs nothing: the statistics do not depend on how a run is sliced.
   */
  setPSW(p) {
    const old = this.cpu.psw;
    this.cpu.setPSW(p);
    const now = this.cpu.psw;
    if (now.mode === old.mode && now.pc === old.pc && now.l === old.l && now.b === old.b) return;
    this.monitor.countPswLoad(this, old);
  }
  /** Boots like a bare machine with q = w (§4, §8). Only the VM's own words and the registers are cleared. */
  boot(image) {
    this.activate();
    this.cpu.boot(image);
    this.steps = 0;
    this.lastSteps = 0;
    this.wholeInterpreted = 0;
    this.timerPending = false;
    this.resource = null;
    this.translator?.reset();
    this.trappedOps.fill(0);
  }
  /** Whether the VM can run directly: its R composes onto the allocation as a real window (and, for the hybrid
   * monitor, it is in virtual user mode). */
  composable() {
    if (this.cpu.l < 0) return false;
    const k = this.monitor.kind;
    if (k === "bt") return this.cpu.mode !== 0 && !this.monitor.translateUser;
    return k !== "hybrid" || this.cpu.mode !== 0;
  }
  atBreakpoint() {
    const pa = this.cpu.pc + this.cpu.l;
    return pa >= 0 && pa < this.q && this.breakpoints[pa] !== 0;
  }
  run(maxSteps, flags = 0) {
    const cpu = this.cpu;
    const mon = this.monitor;
    const host = mon.host;
    const clock = mon.clock;
    const outermost = mon.level === 1;
    const exitOnTrap = (flags & RunFlag.EXIT_ON_TRAP) !== 0;
    const exitOnMode = (flags & RunFlag.EXIT_ON_MODE) !== 0;
    const m0 = cpu.mode;
    const exitAfter = (trapped) => trapped && exitOnTrap ? Stop.TRAP : exitOnMode && cpu.mode !== m0 ? Stop.MODE : Stop.LIMIT;
    const vguest = flags & RunFlag.GUEST;
    const hostFlags = DIRECT_FLAGS | (mon.kind === "assist" ? RunFlag.GUEST : 0);
    let steps = 0;
    let reason = Stop.LIMIT;
    this.lastSteps = 0;
    if (cpu.status === "halted") return Stop.HALTED;
    this.activate();
    while (steps < maxSteps) {
      if (this.breakpoints !== null && steps > 0 && this.atBreakpoint()) {
        reason = Stop.BREAK;
        break;
      }
      const budget = maxSteps - steps;
      if (this.timerPending && cpu.mode !== 0) {
        this.timerPending = false;
        const old = cpu.psw;
        mon.stats.reflected++;
        cpu.trap(Cause.TIMER, 0);
        if (mon.onEvent) mon.emit(this, Cause.TIMER, 0, "reflected", old, "");
        reason = exitAfter(true);
        if (reason !== Stop.LIMIT) break;
        continue;
      }
      const ta = this.dev.timerAt;
      const timerDue = ta >= 0 && ta <= cpu.steps;
      if (timerDue && cpu.mode !== 0 || !this.composable()) {
        const oldPSW = cpu.psw;
        const rt = this.dev instanceof RealTimeDevices ? this.dev : null;
        if (rt) rt.interpreting = cpu.steps;
        const bt = this.translator !== null && !(timerDue && cpu.mode !== 0) && cpu.l >= 0 ? this.translator : null;
        const tb = cpu.mode !== 0 && ta > cpu.steps && ta - cpu.steps < budget ? ta - cpu.steps : budget;
        const r2 = bt ? bt.run(tb, DIRECT_FLAGS | vguest) : cpu.run(budget, DIRECT_FLAGS | vguest);
        if (rt) rt.interpreting = -1;
        const n2 = bt ? bt.lastSteps : cpu.lastSteps;
        const ni = bt ? bt.lastInterpreted : n2;
        steps += n2;
        this.wholeInterpreted += ni;
        mon.stats.interpreted += ni;
        mon.translated += n2 - ni;
        mon.real.monitorTime += n2;
        clock.steps += n2;
        if (r2 === Stop.TRAP) {
          mon.stats.traps++;
          mon.real.monitorTime++;
          mon.stats.reflected++;
          if (mon.onEvent) mon.emit(this, this.mem[4], this.mem[5], "reflected", { ...oldPSW, pc: this.mem[1] }, this.mnemonicOf(this.mem[1], this.mem[2], this.mem[3]));
          reason = exitAfter(true);
          if (reason !== Stop.LIMIT) break;
          continue;
        }
        if (r2 === Stop.HALTED) {
          reason = Stop.HALTED;
          break;
        }
        if (r2 === Stop.BREAK) {
          reason = Stop.BREAK;
          break;
        }
        if (r2 === Stop.MODE) {
          reason = exitAfter(false);
          if (reason !== Stop.LIMIT) break;
        }
        continue;
      }
      const vl = cpu.l;
      const room = this.q - vl;
      let rb = cpu.b < room ? cpu.b : room;
      let rl = this.base + vl;
      if (rb <= 0) {
        rb = 0;
        rl = this.base;
      }
      host.setPSW({ mode: 1, pc: cpu.pc, l: rl, b: rb });
      const hb = ta > cpu.steps && ta - cpu.steps < budget ? ta - cpu.steps : budget;
      let r;
      let n;
      if (outermost && host instanceof Machine) {
        ({ r, n } = this.runWatched(host, hb, rl, rb, hostFlags));
      } else {
        r = host.run(hb, hostFlags);
        n = host.lastSteps;
      }
      steps += n;
      cpu.steps += n;
      if (outermost) clock.steps += n;
      if (r === Stop.TRAP) {
        const E = host.mem;
        mon.direct += n - 1;
        mon.hostTraps++;
        this.trappedOps[trappedIndex(E, host.q)]++;
        this.takeHardwareR(E[2], E[3], rl, rb);
        cpu.pc = E[1];
        const how = this.dispatch(E[4], E[5], vguest);
        if (how === "halt") {
          reason = Stop.HALTED;
          break;
        }
        reason = exitAfter(how === "trap-in-vm");
        if (reason !== Stop.LIMIT) break;
        continue;
      }
      mon.direct += n;
      cpu.pc = host.pc;
      this.takeHardwareR(host.l, host.b, rl, rb);
      if (r === Stop.MODE) {
        cpu.mode = host.mode;
        reason = exitAfter(false);
        if (reason !== Stop.LIMIT) break;
        continue;
      }
      if (r === Stop.HALTED) {
        host.status = "ready";
        cpu.status = "halted";
        reason = Stop.HALTED;
        break;
      }
      if (r === Stop.BREAK) {
        reason = Stop.BREAK;
        break;
      }
    }
    this.lastSteps = steps;
    this.steps += steps;
    return reason;
  }
  /**
   * Direct execution on the real machine, with resource control checked, not assumed (§8). The composed R
   * confines the guest, so nothing needs watching until an unprivileged instruction loads the real R or M (only
   * on ISAs that fail Theorem 1): the real machine then returns (EXIT_ON_PSW, free in the hot loop), and if the
   * guest has left its composed window the rest of this direct run goes on exactly as the hardware would (the
   * monitor is not told of unprivileged changes) but with every real access traced against the guest's
   * allocation. The first access outside it, and the first time guest code puts the real processor in
   * supervisor mode, are kept in `resource`.
   */
  runWatched(real, budget, rl, rb, flags) {
    const base = this.monitor.clock.steps;
    let r = real.run(budget, flags | RunFlag.EXIT_ON_PSW);
    let n = real.lastSteps;
    for (; ; ) {
      if (r === Stop.MODE && real.mode === 0) this.noteResource({ kind: "supervisor", step: base + n, access: null, address: real.pc + real.l, level: 1 });
      if (r !== Stop.PSW) return { r, n };
      if (this.breakpointNext(real)) return { r: Stop.BREAK, n };
      const escaped = real.l !== rl || real.b !== rb;
      const prev = real.onAccess;
      if (escaped && this.resource === null) {
        let fetches = 0;
        let fetched = -1;
        const stepBase = base + n;
        real.onAccess = (k, pa) => {
          prev?.(k, pa);
          if (k === 0) {
            fetches++;
            fetched = pa;
          }
          if (k === 3 || this.resource !== null) return;
          const level = this.levelOutside(pa);
          if (level === 0) return;
          const lpsw = k === 1 && fetched >= 0 && this.isa.byOp[fieldOp(real.mem[fetched])]?.mnemonic === "LPSW";
          const access = k === 0 ? "fetch" : k === 2 ? "store" : lpsw ? "lpsw" : "load";
          this.noteResource({ kind: "access", step: stepBase + fetches, access, address: pa, level });
        };
      }
      r = real.run(budget - n, flags | RunFlag.EXIT_ON_PSW);
      n += real.lastSteps;
      real.onAccess = prev;
    }
  }
  /** Whether the real machine would stop at a breakpoint before its next instruction (not at a trap first). */
  breakpointNext(real) {
    const bp = real.breakpoints;
    if (bp === null) return false;
    const pa = real.pc + real.l;
    if (real.pc < 0 || real.pc >= real.b || pa < 0 || pa >= real.q || bp[pa] === 0) return false;
    const ta = real.dev.timerAt;
    return !(real.mode !== 0 && ta !== void 0 && ta >= 0 && ta <= real.steps + real.monitorTime);
  }
  /**
   * Real allocations the guest's code must stay inside, outermost first (the last is the guest's own); set by
   * the stack for a tower, else this VM's allocation.
   */
  allocations = null;
  /** The first breach of resource control (§8) by guest code running on the real machine, or null. */
  resource = null;
  /** 0 when the real address is inside the guest's allocation, else the level of the monitor whose memory it is. */
  levelOutside(pa) {
    const ranges = this.allocations ?? [[this.base, this.base + this.q]];
    for (let k = 0; k < ranges.length; k++) if (pa < ranges[k][0] || pa >= ranges[k][1]) return k + 1;
    return 0;
  }
  noteResource(e) {
    if (this.resource === null) this.resource = e;
  }
  /**
   * After direct execution the real R is what the hardware says. It differs from what the allocator set only if
   * an unprivileged instruction changed R (possible on ISAs that fail Theorem 1): the VM then sees that R.
   */
  takeHardwareR(hl, hb, rl, rb) {
    if (hl !== rl || hb !== rb) {
      this.cpu.l = hl - this.base | 0;
      this.cpu.b = hb;
    }
  }
  /** The mnemonic at virtual address pc under R = (l, b), for trap events; '' when it cannot be fetched. */
  mnemonicOf(pc, l, b) {
    const pa = pc + l;
    if (pc < 0 || pc >= b || pa < 0 || pa >= this.q) return "";
    return this.isa.byOp[fieldOp(this.mem[pa])]?.mnemonic ?? "";
  }
  /**
   * The dispatcher, entered with the host's trap frame read: a privileged instruction trapped in virtual
   * supervisor mode goes to its interpreter; every other trap is reflected into the VM.
   */
  dispatch(cause, detail, vguest) {
    const mon = this.monitor;
    const cpu = this.cpu;
    mon.stats.traps++;
    mon.real.monitorTime++;
    const old = cpu.psw;
    if (cause === Cause.EXIT && mon.kind === "assist") {
      mon.exits++;
      mon.stats.interpreted++;
      mon.real.monitorTime++;
      cpu.steps--;
      const r = cpu.run(1, RunFlag.EXIT_ON_TRAP | vguest);
      if (cpu.lastSteps === 0) cpu.steps++;
      const it = mon.interpreterFor(detail);
      if (it) it.count++;
      if (mon.onEvent) mon.emit(this, cause, detail, r === Stop.HALTED ? "halt" : r === Stop.TRAP ? "reflected" : "interpreted", old, this.isa.byOp[fieldOp(detail)]?.mnemonic ?? "");
      return r === Stop.HALTED ? "halt" : r === Stop.TRAP ? "trap-in-vm" : "interpreted";
    }
    if (cpu.mode === 0 && cause === Cause.TIMER) {
      this.timerPending = true;
      return "interpreted";
    }
    if (cpu.mode === 0 && cause === Cause.SVC && mon.paravirt && mon.kind === "full" && detail >= HYPERCALL && detail < HYPERCALL + HYPERCALLS) {
      const how = this.hypercall(detail - HYPERCALL);
      if (mon.onEvent) mon.emit(this, cause, detail, how === "trap-in-vm" ? "reflected" : "interpreted", old, `hypercall ${HYPERCALL_NAMES[detail - HYPERCALL]}`);
      return how;
    }
    if (cpu.mode === 0 && cause === Cause.PRIVILEGED) {
      const it = mon.interpreterFor(detail);
      if (it) {
        it.count++;
        mon.stats.interpreted++;
        mon.real.monitorTime++;
        cpu.steps--;
        const r = cpu.run(1, RunFlag.EXIT_ON_TRAP | vguest);
        if (cpu.lastSteps === 0) cpu.steps++;
        const how = r === Stop.HALTED ? "halt" : "interpreted";
        if (mon.onEvent) mon.emit(this, cause, detail, how, old, it.mnemonic);
        return r === Stop.HALTED ? "halt" : r === Stop.TRAP ? "trap-in-vm" : "interpreted";
      }
    }
    mon.stats.reflected++;
    cpu.trap(cause, detail);
    if (mon.onEvent) {
      const what = cause === Cause.PRIVILEGED ? this.isa.byOp[fieldOp(detail)]?.mnemonic ?? "" : this.mnemonicOf(old.pc, old.l, old.b);
      mon.emit(this, cause, detail, "reflected", old, what);
    }
    return "trap-in-vm";
  }
  /**
   * A hypercall (paravirtualization), served against the virtual state in virtual supervisor mode. cpu.pc is the
   * SVC's address; the virtual processor goes on after it unless the call loads the PSW. A memory trap (LRA,
   * LPSW) is reflected into the VM with P at the SVC, as the instruction it stands for would trap.
   */
  hypercall(k) {
    const mon = this.monitor;
    const cpu = this.cpu;
    const R = this.regs;
    mon.hypercalls++;
    mon.stats.interpreted++;
    mon.real.monitorTime++;
    const ok = (a) => a >= 0 && a < cpu.b && a + cpu.l >= 0 && a + cpu.l < this.q;
    const fault = (a) => {
      mon.stats.reflected++;
      cpu.trap(Cause.MEMORY, a);
      return "trap-in-vm";
    };
    const set = (r, v) => {
      if (r !== 0) R[r] = v | 0;
    };
    switch (k) {
      case 0:
        set(1, cpu.mode);
        break;
      case 1:
        set(1, cpu.l);
        set(2, cpu.b);
        break;
      case 2:
        cpu.l = R[1];
        cpu.b = R[2];
        break;
      case 3:
        if (!ok(R[1])) return fault(R[1]);
        set(1, R[1] + cpu.l);
        break;
      case 4:
        cpu.mode = 1;
        cpu.pc = R[1];
        return "interpreted";
      case 5: {
        const a = R[1];
        for (let i = 0; i < 4; i++) if (!ok(a + i | 0)) return fault(a + i | 0);
        const E = this.mem;
        const pa = a + cpu.l;
        cpu.setPSW({ mode: E[pa], pc: E[pa + 1], l: E[pa + 2], b: E[pa + 3] });
        return "interpreted";
      }
    }
    cpu.pc = cpu.pc + 1 | 0;
    return "interpreted";
  }
  snapshot() {
    return {
      psw: this.cpu.psw,
      status: this.cpu.status,
      steps: this.steps,
      cpuSteps: this.cpu.steps,
      trapCounts: this.cpu.trapCounts.slice(),
      wholeInterpreted: this.wholeInterpreted,
      console: this.dev.snapshot(),
      savedRegs: this.saved.slice(),
      timerPending: this.timerPending,
      resource: this.resource,
      trappedOps: this.trappedOps.slice()
    };
  }
  /** Restores the VM's own state; its memory is part of the real memory, restored with the real machine. */
  restore(s) {
    this.cpu.setPSW(s.psw);
    this.cpu.status = s.status;
    this.steps = s.steps;
    this.cpu.steps = s.cpuSteps;
    this.cpu.trapCounts.set(s.trapCounts);
    this.wholeInterpreted = s.wholeInterpreted;
    this.dev.restore(s.console);
    this.saved.set(s.savedRegs);
    this.timerPending = s.timerPending ?? false;
    this.resource = s.resource ?? null;
    if (s.trappedOps) this.trappedOps.set(s.trappedOps);
    else this.trappedOps.fill(0);
  }
};

// src/core/vmm/stack.ts
var pswOut = pswJson;
function realSizeFor(w, depth) {
  return w + MONITOR_AREA * depth;
}
function checkStack(w, depth) {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) return `--depth must be an integer from 1 to ${MAX_DEPTH}, got ${depth}`;
  if (!Number.isInteger(w) || w < MIN_Q) return `VM memory size must be an integer of at least ${MIN_Q} words, got ${w}`;
  const q = realSizeFor(w, depth);
  if (q > MAX_Q) {
    return `a VM of ${w} words at depth ${depth} needs ${q} words of real memory (${MONITOR_AREA} per monitor), more than the ${MAX_Q} the machine has; the largest VM at this depth is ${MAX_Q - MONITOR_AREA * depth} words`;
  }
  return null;
}
var VirtualStack = class {
  real;
  monitors = [];
  /** vms[k] is the VM monitor k+1 gives; the last one is the guest's. */
  vms = [];
  clock = { steps: 0 };
  depth;
  w;
  kind;
  time;
  realBp = null;
  onTrapEvent = null;
  constructor(opts) {
    const err = checkStack(opts.w, opts.depth);
    if (err) throw new RangeError(err);
    this.depth = opts.depth;
    this.w = opts.w;
    this.kind = opts.kind;
    this.time = opts.time ?? "virtual";
    this.real = new Machine({ q: realSizeFor(opts.w, opts.depth), isa: opts.isa, jit: opts.jit ?? true });
    let host = this.real;
    for (let k = 0; k < opts.depth; k++) {
      const mon = new Monitor(host, opts.kind, k + 1, this.time, opts.paravirt ?? false);
      mon.clock = this.clock;
      const last = k === opts.depth - 1;
      const vm = mon.allocate(last ? opts.w : realSizeFor(opts.w, opts.depth - k - 1), last ? opts.input ?? "" : "");
      this.monitors.push(mon);
      this.vms.push(vm);
      host = vm;
    }
    let realBase = 0;
    this.vms[0].allocations = this.vms.map((v) => {
      realBase += v.base;
      return [realBase, realBase + v.q];
    });
  }
  get guest() {
    return this.vms[this.vms.length - 1];
  }
  /** Offset of the guest's physical 0 in real memory. */
  get guestRealBase() {
    return this.vms.reduce((a, v) => a + v.base, 0);
  }
  set onEvent(f) {
    this.onTrapEvent = f;
    for (const m of this.monitors) m.onEvent = f;
  }
  get onEvent() {
    return this.onTrapEvent;
  }
  /** Boots the real machine, installs each monitor, and boots the guest's VM like a bare machine with q = w. */
  boot(image) {
    this.real.boot();
    for (let k = 0; k < this.depth; k++) {
      this.monitors[k].install();
      const m = this.monitors[k];
      Object.assign(m.stats, { traps: 0, reflected: 0, interpreted: 0 });
      m.direct = 0;
      m.hostTraps = 0;
      m.exits = 0;
      m.hypercalls = 0;
      m.translated = 0;
      for (const it of m.interpreters) if (it) it.count = 0;
      if (k < this.depth - 1) this.vms[k].boot();
    }
    this.guest.boot(image);
    this.clock.steps = 0;
  }
  /** Runs at most n guest instructions. */
  run(n, flags = 0) {
    this.real.breakpoints = this.realBp;
    return this.guest.run(n, flags);
  }
  get status() {
    return this.guest.status;
  }
  /** Breakpoints at guest-physical addresses (replaces the previous set). */
  setBreakpoints(addrs) {
    const bp = new Uint8Array(this.real.q);
    const off = this.guestRealBase;
    let any = false;
    for (const a of addrs) {
      if (Number.isInteger(a) && a >= 0 && a < this.w) {
        bp[off + a] = 1;
        any = true;
      }
    }
    this.realBp = any ? bp : null;
    const view = any ? bp.subarray(off, off + this.w) : null;
    this.guest.breakpoints = view;
    this.guest.cpu.breakpoints = view;
  }
  levels() {
    let realBase = 0;
    return this.monitors.map((m, k) => {
      const vm = this.vms[k];
      realBase += vm.base;
      const interpreted = {};
      for (const it of m.interpreters) if (it && it.count > 0) interpreted[it.mnemonic] = it.count;
      return { level: k + 1, kind: m.kind, psw: vm.psw, base: vm.base, size: vm.q, realBase, stats: { ...m.stats }, interpreted };
    });
  }
  stats() {
    const s = {
      direct: this.monitors[0].direct,
      trapped: this.monitors[0].hostTraps,
      interpreted: this.vms.reduce((a, v) => a + v.wholeInterpreted, 0),
      levels: this.monitors.map((m) => ({ ...m.stats }))
    };
    if (this.kind === "assist") s.exits = this.monitors[0].exits;
    if (this.kind === "bt") s.translated = this.monitors.reduce((a, m) => a + m.translated, 0);
    if (this.kind === "full") {
      const h = this.monitors.reduce((a, m) => a + m.hypercalls, 0);
      if (h > 0) s.hypercalls = h;
    }
    return s;
  }
  /** Traps the guest itself took (what a bare machine would take), by cause. */
  guestTraps() {
    return this.guest.cpu.trapCounts.reduce((a, b) => a + b, 0);
  }
  /**
   * Trap amplification: traps at the outermost level plus interpretations at every level, per guest trap.
   * See docs/DECISIONS.md, "Monitors", for the model.
   */
  amplification() {
    const g = this.guestTraps();
    if (g === 0) return 0;
    const s = this.stats();
    return (s.levels[0].traps + s.levels.reduce((a, l) => a + l.interpreted, 0)) / g;
  }
  result() {
    const g = this.guest;
    return {
      status: g.status === "halted" ? "halted" : "limit",
      steps: g.steps,
      console: g.console,
      psw: pswOut(g.psw),
      regs: Array.from(g.regs),
      mem: g.mem.slice(),
      stats: this.stats(),
      resourceControl: this.resourceControl,
      trappedOps: this.vms[0].trappedOps.slice()
    };
  }
  /** The first breach of resource control (§8) by guest code in this run, or null. */
  get resourceControl() {
    return this.vms[0].resource;
  }
  snapshot() {
    return { real: this.real.snapshot(), monitors: this.monitors.map((m) => m.snapshot()), clock: this.clock.steps };
  }
  restore(s) {
    this.real.restore(s.real);
    this.monitors.forEach((m, k) => m.restore(s.monitors[k]));
    this.clock.steps = s.clock;
  }
};

// src/core/asm/assembler.ts
var DEFAULT_ORIGIN = 16;
var MAX_ADDRESS = 1048575;
var DIRECTIVES = [".org", ".word", ".zero", ".string", ".equ"];
var REGISTER_RE = /^r([0-9]|1[0-5])$/i;
var LOOKS_LIKE_REGISTER_RE = /^r\d+$/i;
function parseRegister(name) {
  const m = REGISTER_RE.exec(name);
  return m ? Number(m[1]) : -1;
}
var AsmFail = class {
  constructor(start, end, message) {
    this.start = start;
    this.end = end;
    this.message = message;
  }
  start;
  end;
  message;
};
var ESCAPES = { n: 10, t: 9, r: 13, "0": 0, "\\": 92, "'": 39, '"': 34 };
var NUMBER_RE = /^(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)$/;
function isIdentStart(c) {
  return c >= "a" && c <= "z" || c >= "A" && c <= "Z" || c === "_";
}
function isIdentChar(c) {
  return isIdentStart(c) || c >= "0" && c <= "9";
}
function readQuoted(s, i, quote) {
  const codes = [];
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === quote) return { codes, next: j + 1 };
    if (c === "\\") {
      const e = s[j + 1];
      if (e === void 0) break;
      const v = ESCAPES[e];
      if (v === void 0) throw new AsmFail(j, j + 2, `unknown escape '\\${e}' (use \\n \\t \\r \\0 \\\\ \\' \\")`);
      codes.push(v);
      j += 2;
    } else {
      codes.push(s.charCodeAt(j));
      j++;
    }
  }
  throw new AsmFail(i, s.length, quote === '"' ? "unterminated string" : "unterminated character literal");
}
function lex(s) {
  const toks = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === " " || c === "	" || c === "\f" || c === "\v" || c === "\xA0") {
      i++;
      continue;
    }
    if (c === ";") break;
    const start = i;
    if (isIdentStart(c)) {
      while (i < s.length && isIdentChar(s[i])) i++;
      toks.push({ kind: "ident", text: s.slice(start, i), start, end: i });
    } else if (c === "." && i + 1 < s.length && isIdentStart(s[i + 1])) {
      i++;
      while (i < s.length && isIdentChar(s[i])) i++;
      toks.push({ kind: "dir", text: s.slice(start, i), start, end: i });
    } else if (c >= "0" && c <= "9") {
      while (i < s.length && isIdentChar(s[i])) i++;
      const text = s.slice(start, i);
      if (!NUMBER_RE.test(text)) throw new AsmFail(start, i, `bad number '${text}'`);
      toks.push({ kind: "num", text, start, end: i, value: Number(text) });
    } else if (c === "'") {
      const { codes, next } = readQuoted(s, i, "'");
      i = next;
      if (codes.length !== 1) {
        throw new AsmFail(start, i, codes.length === 0 ? "empty character literal" : "a character literal holds one character (use .string for text)");
      }
      toks.push({ kind: "char", text: s.slice(start, i), start, end: i, value: codes[0] });
    } else if (c === '"') {
      const { codes, next } = readQuoted(s, i, '"');
      i = next;
      toks.push({ kind: "str", text: s.slice(start, i), start, end: i, codes });
    } else if (c === "," || c === ":" || c === "[" || c === "]" || c === "+" || c === "-") {
      i++;
      toks.push({ kind: "punct", text: c, start, end: i });
    } else {
      const ch = String.fromCodePoint(s.codePointAt(start));
      const shown = /^[\p{C}\p{Z}]$/u.test(ch) ? `U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}` : `'${ch}'`;
      throw new AsmFail(start, start + ch.length, `unexpected character ${shown}`);
    }
  }
  return toks;
}
function describe(t) {
  return t.kind === "str" ? "a string" : `'${t.text}'`;
}
function parseExpr(toks, from, to, what) {
  if (from >= to) {
    const at = toks[from - 1];
    throw new AsmFail(at ? at.end : 0, at ? at.end + 1 : 1, `missing ${what}`);
  }
  const terms = [];
  let i = from;
  let sign = 1;
  const isSign = (t) => !!t && t.kind === "punct" && (t.text === "-" || t.text === "+");
  for (; ; ) {
    while (i < to && isSign(toks[i])) {
      if (toks[i].text === "-") sign = sign === 1 ? -1 : 1;
      i++;
    }
    const t = toks[i];
    if (!t || i >= to) {
      const prev = toks[i - 1];
      throw new AsmFail(prev.start, prev.end, `'${prev.text}' must be followed by a value`);
    }
    if (t.kind === "ident" && parseRegister(t.text) >= 0) {
      throw new AsmFail(t.start, t.end, `expected ${what}, got register ${t.text}`);
    }
    if (t.kind !== "num" && t.kind !== "char" && t.kind !== "ident") {
      throw new AsmFail(t.start, t.end, `expected ${what}, got ${describe(t)}`);
    }
    terms.push({ sign, tok: t });
    i++;
    if (i >= to) break;
    const op = toks[i];
    if (!isSign(op)) throw new AsmFail(op.start, op.end, `unexpected ${describe(op)}`);
    sign = op.text === "-" ? -1 : 1;
    i++;
  }
  return { terms, start: toks[from].start, end: toks[to - 1].end };
}
function splitOperands(toks, from) {
  const out = [];
  let start = from;
  let depth = 0;
  for (let i = from; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === "punct" && t.text === "[") depth++;
    else if (t.kind === "punct" && t.text === "]") depth--;
    else if (t.kind === "punct" && t.text === "," && depth <= 0) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  if (start < toks.length || out.length > 0) out.push([start, toks.length]);
  return out;
}
var KIND_WORD = {
  ra: "ra",
  rb: "rb",
  simm: "simm",
  uimm: "uimm",
  target: "t",
  mem: "[rb+simm]",
  imm: "imm"
};
function operandSyntax(d) {
  return d.operands.map((k) => KIND_WORD[k]).join(", ");
}
function editDistance(a, b) {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
function nearest(word, candidates, fold = true) {
  const w = fold ? word.toUpperCase() : word;
  let best = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, fold ? c.toUpperCase() : c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = w.length <= 3 ? 1 : 2;
  return best !== null && bestD <= limit && bestD < w.length ? best : null;
}
function deletions(w) {
  const out = [w];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}
var rowA = new Int32Array(64);
var rowB = new Int32Array(64);
function boundedDistance(a, b, max) {
  if (Math.abs(a.length - b.length) > max || a.length > 62 || b.length > 62) return max + 1;
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length], max + 1);
}
var Hinter = class _Hinter {
  static BUDGET = 2e6;
  names;
  upper;
  index = /* @__PURE__ */ new Map();
  budget = _Hinter.BUDGET;
  constructor(names) {
    this.names = [...names];
    this.upper = this.names.map((n) => n.toUpperCase());
    this.upper.forEach((u, k) => {
      if (u.length > 62) return;
      for (const d of deletions(u)) {
        const list = this.index.get(d);
        if (!list) this.index.set(d, [k]);
        else if (list[list.length - 1] !== k) list.push(k);
      }
    });
  }
  nearest(word) {
    const w = word.toUpperCase();
    if (w.length > 62 || this.budget <= 0) return null;
    const limit = w.length <= 3 ? 1 : 2;
    let best = -1;
    let bestD = limit + 1;
    for (const d of deletions(w)) {
      const list = this.index.get(d);
      if (!list) continue;
      for (const k of list) {
        if (--this.budget <= 0) return null;
        const dist = boundedDistance(w, this.upper[k], limit);
        if (dist < bestD || dist === bestD && k < best) {
          bestD = dist;
          best = k;
        }
      }
    }
    return best >= 0 && bestD <= limit && bestD < w.length ? this.names[best] : null;
  }
};
function hint(s) {
  return s ? ` (did you mean ${s}?)` : "";
}
function fmtRange(lo, hi) {
  return `${lo}..${hi}`;
}
function assemble(source, isa = presetIsa("pg1")) {
  const errors = [];
  const err = (line, start2, end, message) => {
    errors.push({ line, col: start2 + 1, endCol: Math.max(end, start2 + 1) + 1, message });
  };
  const lines = source.split(/\r\n|\r|\n/);
  const syms = /* @__PURE__ */ new Map();
  const stmts = [];
  let lc = DEFAULT_ORIGIN;
  let tooLarge = false;
  const isReserved = (name) => {
    if (parseRegister(name) >= 0) return `'${name}' is a register and cannot be a label`;
    if (isa.byMnemonic.has(name.toUpperCase())) return `'${name}' is a mnemonic and cannot be a label`;
    return null;
  };
  const define = (line, t, kind, value2, expr) => {
    const bad = isReserved(t.text);
    if (bad) return err(line, t.start, t.end, bad);
    const old = syms.get(t.text);
    if (old) {
      return err(line, t.start, t.end, `duplicate ${kind === "equ" ? "name" : "label"} '${t.text}' (first defined on line ${old.line})`);
    }
    syms.set(t.text, { name: t.text, line, start: t.start, end: t.end, kind, value: value2, expr, state: value2 === null ? 0 : 2 });
  };
  let earlyMiss = null;
  let hints = null;
  const undefinedName = (line, tok) => {
    hints ??= new Hinter(syms.keys());
    err(line, tok.start, tok.end, `undefined label '${tok.text}'${hint(hints.nearest(tok.text))}`);
  };
  const evaluate = (e, line, early) => {
    let v = 0;
    for (const { sign, tok } of e.terms) {
      let x;
      if (tok.kind === "ident") {
        const s = syms.get(tok.text);
        if (!s) {
          if (early) {
            earlyMiss = { tok };
            return null;
          }
          undefinedName(line, tok);
          return null;
        }
        x = resolve(s, early);
        if (x === null) {
          if (early && s.state !== 2) earlyMiss = { tok };
          return null;
        }
      } else {
        x = tok.value;
      }
      v += sign * x;
    }
    return v;
  };
  const resolve = (s0, early) => {
    if (s0.kind === "label" || s0.state === 2) return s0.value;
    if (s0.state === 1) {
      err(s0.line, s0.start, s0.end, `circular .equ: '${s0.name}' depends on itself`);
      s0.state = 2;
      return null;
    }
    const frames = [];
    const enter = (s) => {
      s.state = 1;
      earlyMiss = null;
      frames.push({ s, i: 0, v: 0 });
    };
    let result = null;
    const leave = (v0) => {
      let v = v0;
      for (; ; ) {
        const { s } = frames.pop();
        if (s.state === 1) {
          if (v === null && early && earlyMiss) s.state = 0;
          else {
            s.value = v;
            s.state = 2;
          }
        }
        result = s.value;
        const caller = frames[frames.length - 1];
        if (!caller) return;
        const { sign, tok } = caller.s.expr.terms[caller.i];
        if (result === null) {
          if (early && s.state !== 2) earlyMiss = { tok };
          v = null;
          continue;
        }
        caller.v += sign * result;
        caller.i++;
        return;
      }
    };
    enter(s0);
    while (frames.length) {
      const f = frames[frames.length - 1];
      const terms = f.s.expr.terms;
      if (f.i === terms.length) {
        leave(f.v);
        continue;
      }
      const { sign, tok } = terms[f.i];
      if (tok.kind !== "ident") {
        f.v += sign * tok.value;
        f.i++;
        continue;
      }
      const t = syms.get(tok.text);
      if (!t) {
        if (early) earlyMiss = { tok };
        else undefinedName(f.s.line, tok);
        leave(null);
        continue;
      }
      if (t.kind === "label" || t.state === 2) {
        if (t.value === null) leave(null);
        else {
          f.v += sign * t.value;
          f.i++;
        }
        continue;
      }
      if (t.state === 1) {
        err(t.line, t.start, t.end, `circular .equ: '${t.name}' depends on itself`);
        t.state = 2;
        leave(null);
        continue;
      }
      enter(t);
    }
    return result;
  };
  const evalEarly = (e, line, what) => {
    earlyMiss = null;
    const v = evaluate(e, line, true);
    if (v === null && earlyMiss) pendingEarly.push({ tok: earlyMiss.tok, line, what });
    return v;
  };
  const pendingEarly = [];
  const place = (st) => {
    if (st.size > 0 && !tooLarge && st.addr + st.size - 1 > MAX_ADDRESS) {
      tooLarge = true;
      err(
        st.line,
        st.start,
        st.end,
        `the program is larger than any memory: it reaches address ${st.addr + st.size - 1}, past ${MAX_ADDRESS}`
      );
    }
    stmts.push(st);
    lc = st.addr + st.size;
  };
  for (let li = 0; li < lines.length; li++) {
    const line = li + 1;
    let toks;
    try {
      toks = lex(lines[li]);
    } catch (e) {
      if (!(e instanceof AsmFail)) throw e;
      err(line, e.start, e.end, e.message);
      continue;
    }
    try {
      let i = 0;
      while (i + 1 < toks.length && toks[i].kind === "ident" && toks[i + 1].kind === "punct" && toks[i + 1].text === ":") {
        define(line, toks[i], "label", lc);
        i += 2;
      }
      if (i >= toks.length) continue;
      const head = toks[i];
      const ops = splitOperands(toks, i + 1);
      for (const [a, b] of ops) {
        if (a >= b) {
          const at = toks[a] ?? toks[a - 1];
          throw new AsmFail(at.start, at.end, "missing operand");
        }
      }
      if (head.kind === "dir") {
        directive(line, head, toks, ops);
      } else if (head.kind === "ident") {
        const def = isa.byMnemonic.get(head.text.toUpperCase());
        if (!def) {
          throw new AsmFail(head.start, head.end, `unknown mnemonic '${head.text}'${hint(nearest(head.text, isa.byMnemonic.keys()))}`);
        }
        instruction(line, head, def, toks, ops);
      } else {
        throw new AsmFail(head.start, head.end, `expected a mnemonic, a directive or a label, got ${describe(head)}`);
      }
    } catch (e) {
      if (!(e instanceof AsmFail)) throw e;
      err(line, e.start, e.end, e.message);
    }
  }
  function instruction(line, head, def, toks, ops) {
    const kinds = def.operands;
    if (ops.length !== kinds.length) {
      const n = kinds.length;
      const want = n === 0 ? "no operands" : `${n} operand${n === 1 ? "" : "s"} (${def.mnemonic} ${operandSyntax(def)})`;
      const at = ops.length > n ? toks[ops[n][0]] : head;
      const end = ops.length > n ? toks[toks.length - 1].end : head.end;
      throw new AsmFail(at.start, end, `${def.mnemonic} takes ${want}, got ${ops.length}`);
    }
    const operands = kinds.map((k, j) => parseOperand(k, toks, ops[j][0], ops[j][1]));
    place({ line, addr: lc, size: 1, start: head.start, end: toks[toks.length - 1].end, kind: "instr", def, operands });
  }
  function parseOperand(kind, toks, a, b) {
    const first = toks[a];
    const start2 = first.start;
    const end = toks[b - 1].end;
    if (kind === "ra" || kind === "rb") {
      if (b - a === 1 && first.kind === "ident") {
        const r = parseRegister(first.text);
        if (r >= 0) return { kind: "reg", reg: r, start: start2, end };
        if (LOOKS_LIKE_REGISTER_RE.test(first.text)) throw new AsmFail(start2, end, `no register ${first.text}: registers are r0..r15`);
      }
      throw new AsmFail(start2, end, `expected a register (r0..r15), got ${describeRange(toks, a, b)}`);
    }
    if (kind === "mem") {
      if (!(first.kind === "punct" && first.text === "[")) {
        throw new AsmFail(start2, end, `expected a memory operand like [r2+1], got ${describeRange(toks, a, b)}`);
      }
      const last = toks[b - 1];
      if (!(last.kind === "punct" && last.text === "]") || b - a < 2) throw new AsmFail(start2, end, "expected ']' to close the memory operand");
      const inner = a + 1;
      const close = b - 1;
      if (inner === close) throw new AsmFail(start2, end, "empty memory operand: write [rb], [rb+v] or [v]");
      const t = toks[inner];
      if (t.kind === "ident" && parseRegister(t.text) >= 0) {
        const reg = parseRegister(t.text);
        if (inner + 1 === close) return { kind: "mem", reg, offset: null, start: start2, end };
        const s = toks[inner + 1];
        if (!(s.kind === "punct" && (s.text === "+" || s.text === "-"))) {
          throw new AsmFail(s.start, s.end, `expected '+' or '-' after ${t.text}, got ${describe(s)}`);
        }
        return { kind: "mem", reg, offset: parseExpr(toks, inner + 1, close, "an offset"), start: start2, end };
      }
      if (t.kind === "ident" && LOOKS_LIKE_REGISTER_RE.test(t.text)) throw new AsmFail(t.start, t.end, `no register ${t.text}: registers are r0..r15`);
      return { kind: "mem", reg: 0, offset: parseExpr(toks, inner, close, "an address"), start: start2, end };
    }
    if (first.kind === "punct" && first.text === "[") {
      throw new AsmFail(start2, end, `expected a value, got a memory operand`);
    }
    return { kind: "value", expr: parseExpr(toks, a, b, "a value (number, character or label)"), start: start2, end };
  }
  function describeRange(toks, a, b) {
    const t = toks[a];
    if (b - a === 1) return t.kind === "num" ? `the number ${t.text}` : describe(t);
    return `'${toks.slice(a, b).map((x) => x.text).join("")}'`;
  }
  function directive(line, head, toks, ops) {
    const name = head.text.toLowerCase();
    const lineEnd = toks[toks.length - 1].end;
    const need = (n, syntax) => {
      if (ops.length !== n) throw new AsmFail(head.start, lineEnd, `${name} takes ${syntax}`);
    };
    switch (name) {
      case ".org": {
        need(1, "one address: .org a");
        const e = parseExpr(toks, ops[0][0], ops[0][1], "an address");
        const v = evalEarly(e, line, ".org");
        if (v === null) return;
        if (v < 0 || v > MAX_ADDRESS) throw new AsmFail(e.start, e.end, `.org address ${v} out of range ${fmtRange(0, MAX_ADDRESS)}`);
        lc = v;
        return;
      }
      case ".zero": {
        need(1, "one count: .zero n");
        const e = parseExpr(toks, ops[0][0], ops[0][1], "a count");
        const v = evalEarly(e, line, ".zero");
        if (v === null) return;
        if (v < 0 || v > MAX_ADDRESS + 1) throw new AsmFail(e.start, e.end, `.zero count ${v} out of range ${fmtRange(0, MAX_ADDRESS + 1)}`);
        place({ line, addr: lc, size: v, start: head.start, end: lineEnd, kind: "zero" });
        return;
      }
      case ".word": {
        if (ops.length === 0) throw new AsmFail(head.start, head.end, ".word takes one or more values: .word v, ...");
        const exprs = ops.map(([a, b]) => parseExpr(toks, a, b, "a value"));
        place({ line, addr: lc, size: exprs.length, start: head.start, end: lineEnd, kind: "word", exprs });
        return;
      }
      case ".string": {
        need(1, 'one string: .string "text"');
        const [a, b] = ops[0];
        if (b - a !== 1 || toks[a].kind !== "str") throw new AsmFail(toks[a].start, toks[b - 1].end, `.string takes a quoted string, got ${describeRange(toks, a, b)}`);
        const codes = [...toks[a].codes, 0];
        place({ line, addr: lc, size: codes.length, start: head.start, end: lineEnd, kind: "string", codes });
        return;
      }
      case ".equ": {
        need(2, "a name and a value: .equ NAME, v");
        const [a, b] = ops[0];
        const t = toks[a];
        if (b - a !== 1 || t.kind !== "ident") throw new AsmFail(t.start, toks[b - 1].end, `.equ needs a name first, got ${describeRange(toks, a, b)}`);
        const e = parseExpr(toks, ops[1][0], ops[1][1], "a value");
        define(line, t, "equ", null, e);
        return;
      }
    }
    throw new AsmFail(head.start, head.end, `unknown directive '${head.text}'${hint(nearest(name, DIRECTIVES))}`);
  }
  for (const s of syms.values()) resolve(s, false);
  for (const p of pendingEarly) {
    const s = syms.get(p.tok.text);
    if (!s) undefinedName(p.line, p.tok);
    else if (s.line >= p.line) {
      err(p.line, p.tok.start, p.tok.end, `${p.what} needs a value known at this point, but '${p.tok.text}' is defined later (line ${s.line})`);
    } else if (s.value !== null) {
      err(p.line, p.tok.start, p.tok.end, `${p.what} needs a value known at this point, but '${p.tok.text}' depends on a name defined later`);
    }
  }
  const spans = stmts.filter((s) => s.size > 0).sort((x, y) => x.addr - y.addr || x.line - y.line);
  let reach = null;
  for (const s of spans) {
    if (reach && s.addr < reach.addr + reach.size) {
      const [later, earlier] = s.line > reach.line ? [s, reach] : [reach, s];
      const lo = Math.max(s.addr, reach.addr);
      err(later.line, later.start, later.end, `overlapping .org: address ${lo} is already used by line ${earlier.line}`);
    }
    if (!reach || s.addr + s.size > reach.addr + reach.size) reach = s;
  }
  const words = [];
  const lineOfAddr = /* @__PURE__ */ new Map();
  const addrOfLine = /* @__PURE__ */ new Map();
  let entry = null;
  let size = 0;
  const value = (e, line, lo, hi, what) => {
    const v = evaluate(e, line, false);
    if (v === null) return 0;
    if (v < lo || v > hi) {
      err(line, e.start, e.end, `${what} ${v} out of range ${fmtRange(lo, hi)}`);
      return 0;
    }
    return v;
  };
  for (const st of stmts) {
    if (st.size === 0) continue;
    if (st.addr + st.size - 1 > MAX_ADDRESS) continue;
    entry ??= st.addr;
    addrOfLine.set(st.line, st.addr);
    const emit = (k, w) => {
      words.push([st.addr + k, w | 0]);
      lineOfAddr.set(st.addr + k, st.line);
    };
    if (st.kind === "instr") {
      let ra = 0;
      let rb = 0;
      let imm = 0;
      st.def.operands.forEach((kind, j) => {
        const o = st.operands[j];
        if (o.kind === "reg") {
          if (kind === "ra") ra = o.reg;
          else rb = o.reg;
        } else if (o.kind === "mem") {
          rb = o.reg;
          imm = o.offset ? value(o.offset, st.line, -32768, 32767, "offset") : 0;
        } else if (kind === "simm") imm = value(o.expr, st.line, -32768, 32767, "immediate");
        else if (kind === "imm") imm = value(o.expr, st.line, -32768, 65535, "immediate");
        else imm = value(o.expr, st.line, 0, 65535, kind === "target" ? "jump target" : "immediate");
      });
      emit(0, encode(st.def.op, ra, rb, imm));
    } else if (st.kind === "word") {
      st.exprs.forEach((e, k) => emit(k, value(e, st.line, -2147483648, 4294967295, "value")));
    } else if (st.kind === "string") {
      st.codes.forEach((c, k) => emit(k, c));
    } else {
      for (let k = 0; k < st.size; k++) emit(k, 0);
    }
    size = Math.max(size, st.addr + st.size);
  }
  words.sort((x, y) => x[0] - y[0]);
  const symbols = /* @__PURE__ */ new Map();
  for (const s of syms.values()) if (s.value !== null) symbols.set(s.name, s.value);
  const start = symbols.get("start");
  errors.sort((x, y) => x.line - y.line || x.col - y.col);
  return {
    ok: errors.length === 0,
    errors,
    image: { words, entry: start ?? entry ?? DEFAULT_ORIGIN },
    symbols,
    lineOfAddr,
    addrOfLine,
    size
  };
}

// src/lessons/guest.ts
function kernelHeavySource(rounds, para) {
  if (!Number.isInteger(rounds) || rounds < 0 || rounds > 32767) throw new RangeError(`rounds must be an integer from 0 to 32767, got ${rounds}`);
  const getr = para ? ["  SVC 0xFF01", "  MOV r10, r1", "  MOV r11, r2"] : ["  GETR r10, r11"];
  return [
    `; kernel-heavy x86 guest${para ? ", paravirtualized" : ""} (src/lessons/guest.ts)`,
    ".equ N, 400",
    "start: ST r0, [8]",
    "  LI r10, trap",
    "  ST r10, [9]",
    "  ST r0, [10]",
    "  LUI r10, 1",
    "  ST r10, [11]",
    "  LI r1, 0",
    // fill the table: t[i] = i * 3
    "fill: LI r2, N",
    "  JEQ r1, r2, filled",
    "  MOV r3, r1",
    "  ADD r3, r1",
    "  ADD r3, r1",
    "  ST r3, [r1+table]",
    "  ADDI r1, 1",
    "  JMP fill",
    "filled: LI r9, 0",
    // r9: the checksum
    `  LI r8, ${rounds}`,
    "round:",
    ...getr,
    "  ADD r9, r10",
    // the kernel uses its R: bare (0, q), under a monitor the virtual one
    "  ADD r9, r11",
    "  LI r1, 0",
    "sum: LD r3, [r1+table]",
    "  ADD r9, r3",
    "  XOR r9, r1",
    "  ADDI r1, 1",
    "  LI r2, N",
    "  JLT r1, r2, sum",
    "  ADDI r8, -1",
    "  JNZ r8, round",
    "  LPSW [upsw]",
    // On a bare machine the GETR hypercall traps to the kernel itself: it serves it on the saved PSW.
    "trap: LD r10, [0]",
    "  JNZ r10, sys",
    "  LD r1, [2]",
    "  LD r2, [3]",
    "  JMP resume",
    "sys: LD r10, [5]",
    "  JZ r10, exit",
    "  OUT r9, 1",
    "resume: LD r10, [1]",
    "  ADDI r10, 1",
    "  ST r10, [1]",
    "  LPSW [0]",
    "exit: HALT",
    "upsw: .word 1, 0, 0x3000, 16",
    "table: .zero N",
    ".org 0x3000",
    "  SVC 1",
    "  SVC 0"
  ].join("\n");
}
export {
  Machine,
  VirtualStack,
  assemble,
  kernelHeavySource,
  presetIsa
};
