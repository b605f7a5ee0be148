import { describe, expect, it } from 'vitest';
import { assemble } from '../asm/assembler';
import { presetIsa, variantOf, type Isa } from '../isa/isa';
import { parseIsaFile } from '../isa/isafile';
import { Cause } from '../isa/table';
import { Machine, MAX_Q, RunFlag, Stop, type Image } from '../machine/machine';
import { Monitor, type TrapEvent } from './monitor';
import { VirtualStack, checkStack, runBare, runVirtual } from './stack';
import { equiv, equivLockstep } from './equiv';
import { LOOP_SOURCE, svcLoopSource } from '../../../bench/monitors';
import { reportingKernel } from '../../testing/kernels';

const PG1 = presetIsa('pg1');

function img(src: string, isa: Isa = PG1): Image {
  const r = assemble(src, isa);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.image;
}

/** A kernel that runs a user program in a window; the handler prints cause and detail and halts on SVC 99. */
const KERNEL = (user: string, window = '200, 100', extra = '') => reportingKernel(user, { window, extra });

describe('the full monitor (Theorem 1)', () => {
  it('has one interpreter per privileged instruction, found from the table', () => {
    const m = new Machine({ q: 256 });
    const mon = new Monitor(m, 'full');
    const names = mon.interpreters.filter((i) => i).map((i) => i!.mnemonic).sort();
    expect(names).toEqual(['GETMODE', 'GETR', 'HALT', 'IN', 'LPSW', 'LRA', 'OUT', 'RETU', 'SETR']);
    const x86 = new Monitor(new Machine({ q: 256, isa: presetIsa('x86') }), 'full');
    const x = x86.interpreters.filter((i) => i).map((i) => i!.mnemonic);
    expect(x).not.toContain('GETR');
    expect(x).toEqual(presetIsa('x86').instructions.filter((d) => variantOf(presetIsa('x86'), d) === 'privileged').map((d) => d.mnemonic));
  });

  it('reflects user traps and interprets the kernel privileged instructions; innocuous code runs directly', () => {
    const image = img(KERNEL('  LI r5, 7\n  ADDI r5, 1\n  GETMODE r6\n  LD r7, [r0+100]'));
    const bare = runBare(image, { q: 1024 });
    const s = new VirtualStack({ isa: PG1, kind: 'full', depth: 1, w: 1024 });
    const events: TrapEvent[] = [];
    s.onEvent = (e) => events.push(e);
    s.boot(image);
    expect(s.run(10_000)).toBe(Stop.HALTED);
    const r = s.result();
    expect(r.console).toBe(bare.console);
    expect(bare.console).toBe(`1:${(0x22 << 24) | (6 << 20)} 2:100 4:99 `);
    const reflected = events.filter((e) => e.handled === 'reflected');
    expect(reflected.map((e) => [e.cause, e.what])).toEqual([
      [Cause.PRIVILEGED, 'GETMODE'],
      [Cause.MEMORY, 'LD'],
      [Cause.SVC, 'SVC'],
    ]);
    // Every reflected trap leaves the VM in the handler, in virtual supervisor mode with R = (0, 1024).
    const handler = assemble(KERNEL(''), PG1).symbols.get('handler')!;
    for (const e of reflected) expect(e.new).toEqual({ mode: 0, pc: handler, l: 0, b: 1024 });
    const interp = events.filter((e) => e.handled === 'interpreted').map((e) => e.what);
    expect(new Set(interp)).toEqual(new Set(['LPSW', 'OUT']));
    expect(events.at(-1)!.handled).toBe('halt');
    const st = r.stats;
    expect(st.direct + st.trapped + st.interpreted).toBe(r.steps);
    expect(st.interpreted).toBe(0);
    expect(st.levels[0].reflected).toBe(3);
    expect(st.levels[0].traps).toBe(st.trapped);
    expect(r.steps).toBe(bare.steps);
  });

  it('a guest R outside its memory is a memory trap inside the VM, exactly as bare', () => {
    // The kernel points the user window past the end of the VM's memory, then at a negative base.
    for (const window of ['1000, 500', '-8, 300', '5000, 10', '100, -1']) {
      const image = img(KERNEL('  LD r4, [r0+30]\n  ST r4, [r0+40]', window));
      const r = equiv(image, { w: 1024, maxSteps: 5000 });
      expect(r.divergence).toBeNull();
      expect(r.native.console).toContain('2:');
    }
  });

  it('an R with a negative base is interpreted instruction by instruction until it becomes a window', () => {
    const image = img(`
start:
  LI r1, handler
  ST r1, [9]
  LI r1, 256
  ST r1, [11]
  LPSW [upsw]
handler:
  LD r1, [4]
  OUT r1, 1
  HALT
upsw: .word 0, 44, -4, 200
.org 40
  LI r5, 3
  ADDI r5, 4
  ST r5, [r0+100]
  SVC 1
`);
    const r = equiv(image, { w: 256 });
    expect(r.divergence).toBeNull();
    expect(r.virtual.stats.interpreted).toBe(4);
    expect(r.virtual.mem[96]).toBe(7);
  });

  it('stops at the step limit in exactly the bare state, at every limit', () => {
    const image = img(KERNEL('loop:\n  ADDI r5, 1\n  SVC 3\n  JMP 0'));
    for (let n = 1; n < 80; n++) {
      const r = equiv(image, { w: 1024, maxSteps: n, depth: 1 + (n % 3) });
      expect(r.divergence).toBeNull();
      expect(r.virtual.steps).toBe(n);
      expect(r.virtual.status).toBe('limit');
    }
  });

  it('IN and OUT are interpreted against the VM console and input', () => {
    const image = img(`
start:
  IN r1, 1
  IN r2, 0
  IN r3, 0
  OUT r1, 1
  OUT r3, 0
  HALT
`);
    for (const kind of ['full', 'hybrid'] as const) {
      const r = runVirtual(image, { kind, w: 128, input: '42 xy' });
      expect(r.console).toBe('42x');
      expect(r.regs.slice(1, 4)).toEqual([42, 32, 120]);
    }
  });
});

describe('the hybrid monitor (Theorem 3)', () => {
  it('interprets every virtual supervisor instruction and runs user mode directly', () => {
    const image = img(KERNEL('  LI r5, 7\n  ADDI r5, 1\n  ADDI r5, 1'));
    const r = runVirtual(image, { kind: 'hybrid', w: 1024 });
    const bare = runBare(image, { q: 1024 });
    expect(r.console).toBe(bare.console);
    // User: LI, ADDI, ADDI direct, SVC trapped; all kernel instructions interpreted.
    expect(r.stats.direct).toBe(3);
    expect(r.stats.trapped).toBe(1);
    expect(r.stats.interpreted).toBe(bare.steps - 4);
  });

  it('pdp10: RETU is open in user mode, so the full monitor diverges and the hybrid one does not', () => {
    const pdp10 = presetIsa('pdp10');
    const image = img(
      `
start:
  LI r1, handler
  ST r1, [9]
  LI r1, 256
  ST r1, [11]
  RETU user
handler:
  GETMODE r3
  HALT
user:
  GETMODE r4
  SVC 0
`,
      pdp10,
    );
    expect(equiv(image, { isa: pdp10, kind: 'hybrid', w: 256 }).equivalent).toBe(true);
    const full = equiv(image, { isa: pdp10, kind: 'full', w: 256 });
    expect(full.equivalent).toBe(false);
    const ls = equivLockstep(image, { isa: pdp10, kind: 'full', w: 256 });
    // The RETU is the instruction after which they differ: bare is in user mode, the VM is not.
    expect(ls.divergence!.field).toBe('psw.mode');
    expect(pdp10.byOp[image.words.find(([a]) => a === ls.address)![1] >>> 24]!.mnemonic).toBe('RETU');
  });
});

describe('nesting', () => {
  const image = img(KERNEL('  LI r5, 7\n  GETR r6, r7\n  SVC 4\n  ST r5, [r0+50]'));

  it('works at every depth from 1 to 8, full and hybrid, and R composes through the levels', () => {
    for (let depth = 1; depth <= 8; depth++) {
      for (const kind of ['full', 'hybrid'] as const) {
        const r = equiv(image, { kind, depth, w: 1024 });
        expect(r.divergence).toBeNull();
        expect(r.virtual.stats.levels).toHaveLength(depth);
      }
      const s = new VirtualStack({ isa: PG1, kind: 'full', depth, w: 1024 });
      const lv = s.levels();
      expect(lv.map((l) => l.realBase)).toEqual(lv.map((_, k) => 16 * (k + 1)));
      expect(lv.at(-1)!.size).toBe(1024);
      expect(s.real.q).toBe(1024 + 16 * depth);
    }
  });

  it('trap amplification grows with depth', () => {
    const svc = img(svcLoopSource(50));
    const amp = [1, 2, 3, 4].map((depth) => {
      const s = new VirtualStack({ isa: PG1, kind: 'full', depth, w: 4096 });
      s.boot(svc);
      s.run(1e6);
      expect(s.guest.status).toBe('halted');
      return s.amplification();
    });
    for (let k = 1; k < amp.length; k++) expect(amp[k]).toBeGreaterThan(amp[k - 1]);
  });

  it('innocuous code runs directly at every depth', () => {
    const loop = img(LOOP_SOURCE);
    for (const depth of [1, 4, 8]) {
      const s = new VirtualStack({ isa: PG1, kind: 'full', depth, w: 128 });
      s.boot(loop);
      s.run(100_000);
      const st = s.stats();
      expect(st.direct).toBe(100_000);
      expect(st.trapped).toBe(0);
      // The only monitor work is each inner monitor entering its guest once: the monitor at level k + 1 loads
      // the PSW of the VM at level k, which traps on the real machine, is reflected by levels 1..k-1 and
      // interpreted at level k. So level j sees depth - j traps, of which depth - j - 1 are reflected.
      expect(st.levels.map((l) => l.traps)).toEqual(st.levels.map((_, i) => Math.max(0, depth - 1 - i)));
      expect(st.levels.map((l) => l.reflected)).toEqual(st.levels.map((_, i) => Math.max(0, depth - 2 - i)));
      expect(st.levels.map((l) => l.interpreted)).toEqual(st.levels.map((_, i) => (i < depth - 1 ? 1 : 0)));
    }
  });

  it('statistics do not depend on how a run is sliced', () => {
    const prog = img(KERNEL('  LI r5, 7\n  SVC 4\n  ADDI r5, 1\n  SVC 5\n  ST r5, [r0+50]'));
    for (const depth of [1, 2, 3]) {
      const whole = new VirtualStack({ isa: PG1, kind: 'full', depth, w: 1024 });
      whole.boot(prog);
      whole.run(1_000_000);
      const sliced = new VirtualStack({ isa: PG1, kind: 'full', depth, w: 1024 });
      sliced.boot(prog);
      for (let i = 0; i < 10_000 && sliced.guest.status !== 'halted'; i++) sliced.run(3);
      expect(sliced.guest.steps).toBe(whole.guest.steps);
      expect(sliced.stats()).toEqual(whole.stats());
    }
  });

  it('rejects bad towers with a clear message', () => {
    expect(checkStack(1024, 0)).toMatch(/--depth must be an integer from 1 to 8/);
    expect(checkStack(1024, 9)).toMatch(/--depth/);
    expect(checkStack(MAX_Q, 1)).toMatch(/needs 1048592 words of real memory/);
    expect(checkStack(MAX_Q - 16 * 8, 8)).toBeNull();
    expect(checkStack(10, 1)).toMatch(/at least 64/);
    expect(() => new VirtualStack({ isa: PG1, kind: 'full', depth: 2, w: MAX_Q })).toThrow(RangeError);
  });
});

describe('the steppable stack', () => {
  const image = img(KERNEL('  LI r5, 7\n  SVC 4\n  ADDI r5, 1\n  SVC 5\n  ST r5, [r0+50]'));

  it('snapshot and restore give the same future', () => {
    const s = new VirtualStack({ isa: PG1, kind: 'full', depth: 2, w: 1024 });
    s.boot(image);
    s.run(17);
    const snap = s.snapshot();
    s.run(1000);
    const end = s.result();
    const levels = s.levels();
    s.restore(snap);
    expect(s.guest.steps).toBe(17);
    s.run(1000);
    expect(s.result()).toEqual(end);
    expect(s.levels()).toEqual(levels);
  });

  it('stops at breakpoints on guest-physical addresses, after traps too', () => {
    for (const kind of ['full', 'hybrid'] as const) {
      const s = new VirtualStack({ isa: PG1, kind, depth: 2, w: 1024 });
      s.boot(image);
      // 202 is right after the SVC at 201 (resumed there by the kernel); 'handler' is in the kernel.
      const handler = assemble(KERNEL('  LI r5, 7\n  SVC 4\n  ADDI r5, 1\n  SVC 5\n  ST r5, [r0+50]'), PG1).symbols.get('handler')!;
      s.setBreakpoints([202, handler]);
      const hits: number[] = [];
      for (let i = 0; i < 10 && s.run(10_000) === Stop.BREAK; i++) hits.push(s.guest.pc + s.guest.l);
      expect(hits).toEqual([handler, 202, handler, handler]);
      expect(s.guest.status).toBe('halted');
    }
  });

  it('stops after each trap the guest takes when asked, at the bare machine step', () => {
    for (const kind of ['full', 'hybrid'] as const) {
      const s = new VirtualStack({ isa: PG1, kind, depth: 3, w: 1024 });
      s.boot(image);
      const bare = new Machine({ q: 1024 });
      bare.boot(image);
      for (;;) {
        const r = s.run(10_000, RunFlag.EXIT_ON_TRAP);
        const b = bare.run(10_000, RunFlag.EXIT_ON_TRAP);
        expect(r).toBe(b);
        expect(s.guest.steps).toBe(bare.steps);
        expect(s.guest.psw).toEqual(bare.psw);
        if (r !== Stop.TRAP) break;
      }
      expect(s.guest.status).toBe('halted');
    }
  });

  it('tells each trap at each level with the guest step', () => {
    const s = new VirtualStack({ isa: PG1, kind: 'full', depth: 2, w: 1024 });
    const ev: TrapEvent[] = [];
    s.onEvent = (e) => ev.push(e);
    s.boot(image);
    s.run(10_000);
    const svc = ev.filter((e) => e.cause === Cause.SVC);
    // Each guest SVC is reflected by the outer monitor into VM 1 and by the inner one into the guest.
    expect(svc.map((e) => [e.level, e.detail, e.handled])).toEqual([
      [1, 4, 'reflected'],
      [2, 4, 'reflected'],
      [1, 5, 'reflected'],
      [2, 5, 'reflected'],
      [1, 99, 'reflected'],
      [2, 99, 'reflected'],
    ]);
    const bare = new Machine({ q: 1024 });
    bare.boot(image);
    const steps: number[] = [];
    bare.onTrap = (c) => c === Cause.SVC && steps.push(bare.steps);
    for (let i = 0; i < 10_000 && bare.status !== 'halted'; i++) bare.run(1);
    expect(svc.filter((e) => e.level === 2).map((e) => e.step)).toEqual(steps.map((x) => x + 1));
  });
});

describe('several VMs on one monitor', () => {
  it('run round robin, each in its own allocation; one that halts ends alone', () => {
    const a = img(KERNEL('  LI r5, 1\n  SVC 2\n  ST r5, [r0+60]'));
    const b = img('start:\n  LI r1, 5\nloop:\n  ADDI r2, 1\n  JMP loop');
    const real = new Machine({ q: 16 + 3 * 1024 });
    real.boot();
    const mon = new Monitor(real, 'full');
    const va = mon.allocate(1024);
    const vb = mon.allocate(1024);
    expect(() => mon.allocate(2000)).toThrow(/does not fit/);
    va.boot(a);
    vb.boot(b);
    mon.runRoundRobin(7, 500);
    expect(va.status).toBe('halted');
    expect(vb.status).toBe('ready');
    expect(vb.steps).toBe(500);
    expect(va.console).toBe(runBare(a, { q: 1024 }).console);
    expect(Array.from(va.regs)).toEqual(runBare(a, { q: 1024 }).regs);
    expect(vb.regs[1]).toBe(5);
  });
});

describe('ISA files', () => {
  const file = parseIsaFile(
    JSON.stringify({
      name: 'mine',
      base: 'pg1',
      instructions: [
        { mnemonic: 'SMSW', opcode: 48, operands: 'ra', privileged: false, effect: 'ra = M;' },
        { mnemonic: 'PEEK', opcode: 49, operands: 'ra,[rb+imm]', privileged: true, effect: 'ra = mem[rb + imm] + l;' },
        { mnemonic: 'STOP', opcode: 50, operands: '', privileged: false, effect: 'halt;' },
      ],
    }),
    'mine.json',
  );
  if (!file.ok) throw new Error(JSON.stringify(file.errors));
  const isa = file.isa;
  const src = 'start:\n PEEK r2, [r0+100]\n LI r3, 5\n ST r3, [r0+100]\n PEEK r4, [r0+100]\n SMSW r1\n STOP\n';

  it('a privileged instruction of an ISA file gets an interpreter; an unprivileged halt halts only the VM', () => {
    const mon = new Monitor(new Machine({ q: 128, isa }), 'full');
    expect(mon.interpreters.filter((i) => i).map((i) => i!.mnemonic)).toContain('PEEK');
    expect(mon.interpreters.filter((i) => i).map((i) => i!.mnemonic)).not.toContain('SMSW');
    for (const depth of [1, 2]) {
      const r = equiv(img(src.replace(' SMSW r1\n', ''), isa), { isa, kind: 'full', depth, w: 256 });
      expect(r.divergence).toBeNull();
      expect(r.virtual.regs[4]).toBe(5);
      expect(r.virtual.status).toBe('halted');
    }
  });

  it('an unprivileged mode-sensitive instruction breaks the full monitor but not the hybrid one', () => {
    expect(equiv(img(src, isa), { isa, kind: 'full', w: 256 }).divergence).toEqual({ field: 'regs[1]', native: 0, virtual: 1 });
    expect(equiv(img(src, isa), { isa, kind: 'hybrid', depth: 2, w: 256 }).divergence).toBeNull();
  });
});
