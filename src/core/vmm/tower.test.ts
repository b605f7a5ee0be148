import { describe, expect, it } from 'vitest';
import { assemble } from '../asm/assembler';
import { presetIsa, type Isa } from '../isa/isa';
import { MAX_Q, RunFlag, Stop, type Image } from '../machine/machine';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countingKernel } from './guests';
import { buildTower, countPerFetch, equivTower, formatTowerErrors, loadMonitor, nestImage, runTower, towerSize } from './tower';

const FULL = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../monitors/full.s'), 'utf8');

const PG1 = presetIsa('pg1');

function img(src: string, isa: Isa = PG1): Image {
  const r = assemble(src, isa);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.image;
}

/**
 * A minimal monitor written for this test (not one of ours), keeping the ABI: it runs its guest in user mode in
 * the window (guest, W) and, at the guest's first trap, records the guest's PSW as if it were a HALT in
 * supervisor mode and halts. Enough for guests that compute and then HALT.
 */
export const MINIMAL_MONITOR = `
.org 16
start:
  LI r1, trap          ; trap vector: supervisor, P = trap, R = (0, my size)
  ST r1, [9]
  GETR r2, r3
  ST r3, [11]
  LI r1, guest         ; the guest's window: l = guest, b = W = my size - guest
  ST r1, [gpsw+2]
  SUB r3, r1
  ST r3, [gpsw+3]
  ST r3, [vpsw+3]
  LD r1, [guest_entry]
  ST r1, [gpsw+1]
  LI r1, 0
  LI r2, 0
  LI r3, 0
  LPSW [gpsw]
trap:
  ST r1, [keep]        ; the guest's r1, back before HALT
  LD r1, [1]           ; the trapping instruction's P; a HALT leaves P after it
  ADDI r1, 1
  ST r1, [vpsw+1]
  LD r1, [keep]
  HALT
keep: .word 0
gpsw: .word 1, 0, 0, 0
vpsw: .word 0, 0, 0, 0
guest_entry: .word 0
.org 200
guest:
`;

const GUEST = `
.org 16
start:
  LI r1, 10
  LI r2, 0
loop:
  ADD r2, r1
  ADDI r1, -1
  JNZ r1, loop
  ST r2, [100]
  LI r7, -5
  HALT
`;

describe('the tower loader (PG1.md §8.1)', () => {
  it('runs a user-written monitor that keeps the ABI: the loader is generic', () => {
    const t = runTower(MINIMAL_MONITOR, img(GUEST), { mem: 256, monitorFile: 'mini.s' });
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    const r = t.result;
    expect(r.status).toBe('halted');
    expect(r.regs[2]).toBe(55);
    expect(r.regs[7]).toBe(-5);
    expect(r.mem[100]).toBe(55);
    expect(r.mem.length).toBe(256);
    // Equivalent to the bare machine under f: same registers, PSW (P after the HALT), memory.
    const e = equivTower(MINIMAL_MONITOR, img(GUEST), { mem: 256 });
    expect(e.ok && e.equiv.divergence).toBe(null);
    // Real memory q = Q + N × guest.
    expect(t.tower.real.q).toBe(256 + 200);
    // Every real step is attributed to a level; the guest's count is its bare step count.
    const bare = e.ok ? e.equiv.native : null;
    expect(r.stats.guest.instructions).toBe(bare!.steps);
    expect(r.stats.levels.length).toBe(1);
    expect(r.stats.levels[0].instructions + r.stats.guest.instructions).toBe(r.stats.real.steps);
    expect(r.stats.real.traps).toBe(1);
  });

  it('nests level k+1 at guest and fills guest_entry', () => {
    const mon = loadMonitor(MINIMAL_MONITOR, PG1);
    expect(mon.ok).toBe(true);
    if (!mon.ok) return;
    const inner = img(GUEST);
    const two = nestImage(mon.monitor, nestImage(mon.monitor, inner));
    const at = new Map(two.words);
    const g = mon.monitor.guest;
    for (const [a, w] of inner.words) expect(at.get(2 * g + a)).toBe(w);
    expect(at.get(mon.monitor.guestEntry)).toBe(mon.monitor.image.entry);
    expect(at.get(g + mon.monitor.guestEntry)).toBe(inner.entry);
    expect(two.entry).toBe(mon.monitor.image.entry);
    // The tower boots exactly that image.
    const b = buildTower(MINIMAL_MONITOR, inner, { depth: 2, mem: 256 });
    if (!b.ok) throw new Error('unreachable');
    const expected = new Int32Array(b.tower.real.q);
    for (const [a, w] of two.words) expected[a] = w;
    expect(b.tower.real.mem).toEqual(expected);
    expect(b.tower.real.pc).toBe(two.entry);
  });

  it('reports each loader error clearly, never throwing', () => {
    const errs = (src: string, o = {}) => {
      const b = buildTower(src, img(GUEST), { monitorFile: 'm.s', ...o });
      return b.ok ? '' : formatTowerErrors(b.errors);
    };
    expect(errs(MINIMAL_MONITOR.replace('vpsw: .word', 'vps: .word').replace(/\[vpsw\+/g, '[vps+'))).toBe("m.s:1:1: monitor ABI: label 'vpsw' is not defined");
    expect(errs(MINIMAL_MONITOR.replace('guest_entry: .word 0', '').replace('LD r1, [guest_entry]', 'NOP'))).toBe(
      "m.s:1:1: monitor ABI: label 'guest_entry' is not defined",
    );
    expect(errs(MINIMAL_MONITOR.replace('guest:', ''))).toMatch(/^m\.s:\d+:\d+: /);
    // Monitor image past guest: the line of the offending word.
    const long = MINIMAL_MONITOR.replace('.org 200\nguest:', 'guest: .word 1\n');
    const lines = long.split('\n');
    const line = lines.findIndex((l) => l.startsWith('guest: .word 1')) + 1;
    const g = errsGuest(long);
    expect(errs(long)).toBe(`m.s:${line}:1: monitor ABI: the monitor's image must end below 'guest' (${g}), but this line emits address ${g}`);
    // Assembly errors carry the monitor's own file, line and column.
    const bad = MINIMAL_MONITOR.replace('GETR r2, r3', 'GETR r2, r99');
    const badLine = bad.split('\n').findIndex((l) => l.includes('r99')) + 1;
    expect(errs(bad)).toMatch(new RegExp(`^m\\.s:${badLine}:\\d+: `));
    // Memory too large: a plain message.
    const big = errs(MINIMAL_MONITOR, { mem: MAX_Q - 100, depth: 1 });
    expect(big).toMatch(/needs .* words of real memory, more than the 1048576/);
    expect(big).not.toMatch(/^m\.s/);
    expect(towerSize(200, 3, 16384)).toEqual({ ok: true, q: 16384 + 600 });
    // A guest that does not fit its VM.
    const far = buildTower(MINIMAL_MONITOR, img('.org 70\n.word 1'), { mem: 64 });
    expect(far.ok ? '' : formatTowerErrors(far.errors)).toBe('the guest needs address 70, but its VM has 64 words (0..63)');
  });

  it('counts each slice exactly as per-fetch attribution would (proof of the cheap count)', () => {
    const b = buildTower(MINIMAL_MONITOR, img(GUEST), { mem: 256, jit: false });
    expect(b.ok).toBe(true);
    if (!b.ok) return;
    const fast = b.tower;
    fast.run();
    const slow = buildTower(MINIMAL_MONITOR, img(GUEST), { mem: 256, jit: false });
    if (!slow.ok) throw new Error('unreachable');
    expect(countPerFetch(slow.tower)).toEqual(Array.from(fast.counts));
    // And under monitors/full.s at depths 1-3, on a program with traps, memory faults and a hot loop (the slices
    // run compiled blocks; the reference runs one traced step at a time).
    const prog = img(
      countingKernel({
        traps: 3,
        q: 256,
        base: 100,
        bounds: 20,
        onTrap: '        LD r2, [4]\n        OUT r2, 1',
        user: `  LI r5, 30
l: ADDI r5, -1
  JNZ r5, 1
  SVC 1
  LD r6, [r0+50]
  GETMODE r7`,
      }),
    );
    for (const depth of [1, 2, 3]) {
      const a = buildTower(FULL, prog, { mem: 256, depth });
      const b2 = buildTower(FULL, prog, { mem: 256, depth, jit: false });
      if (!a.ok || !b2.ok) throw new Error('unreachable');
      a.tower.run();
      expect(a.tower.real.status).toBe('halted');
      expect(countPerFetch(b2.tower)).toEqual(Array.from(a.tower.counts));
    }
  });

  it('EXIT_ON_RELOC returns when l changes, not before', () => {
    const b = buildTower(MINIMAL_MONITOR, img(GUEST), { mem: 256 });
    if (!b.ok) throw new Error('unreachable');
    const m = b.tower.real;
    // The monitor's boot code runs in supervisor mode with l = 0 until its LPSW loads the guest's window.
    const r = m.run(1000, RunFlag.EXIT_ON_RELOC);
    expect(r).toBe(Stop.RELOC);
    expect(m.l).toBe(200);
    expect(m.mode).toBe(1);
  });
});

function errsGuest(src: string): number {
  const r = assemble(src, PG1);
  return r.symbols.get('guest') ?? -1;
}
