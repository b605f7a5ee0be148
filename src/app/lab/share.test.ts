import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compressToEncodedURIComponent } from 'lz-string';
import { decodeFragment, encodeWorkspace, shareUrl, SHARE_VERSION, VIEWS, type Workspace } from './share';

const sample: Workspace = {
  v: SHARE_VERSION,
  program: 'start:\n  LI r1, 7 ; ünïcødé ✓\n  HALT\n',
  isaFile: '{"name":"mine","base":"pg1","variants":{"GETMODE":"open"}}',
  monitor: 'full',
  depth: 3,
  w: 16384,
  input: '12 34',
  view: 'equiv',
};

describe('share links', () => {
  it('round-trips a workspace exactly', () => {
    const r = decodeFragment(encodeWorkspace(sample));
    expect(r).toEqual({ kind: 'ok', workspace: sample });
  });

  it('round-trips any workspace (property)', () => {
    const arb = fc.record({
      v: fc.constant(SHARE_VERSION),
      program: fc.string({ unit: 'grapheme', maxLength: 300 }),
      isaFile: fc.string({ maxLength: 200 }),
      monitor: fc.constantFrom('none' as const, 'full' as const, 'hybrid' as const, 'bt' as const, 'assist' as const),
      depth: fc.integer({ min: 0, max: 8 }),
      w: fc.integer({ min: 64, max: 1_048_576 }),
      input: fc.string({ maxLength: 50 }),
      view: fc.constantFrom(...VIEWS),
    });
    fc.assert(fc.property(arb, (ws) => {
      expect(decodeFragment(encodeWorkspace(ws))).toEqual({ kind: 'ok', workspace: ws });
    }));
  });

  it('carries the monitors beyond 1974 and the hypercalls flag; a link without the flag (older) still loads', () => {
    for (const monitor of ['bt', 'assist'] as const) expect(decodeFragment(encodeWorkspace({ ...sample, monitor }))).toEqual({ kind: 'ok', workspace: { ...sample, monitor } });
    const para = { ...sample, monitor: 'full' as const, hypercalls: true };
    expect(decodeFragment(encodeWorkspace(para))).toEqual({ kind: 'ok', workspace: para });
    // A link of format 1 made before the flag: the same payload without the key.
    const old = `#pglab/1/${compressToEncodedURIComponent(JSON.stringify(sample))}`;
    const r = decodeFragment(old);
    expect(r).toEqual({ kind: 'ok', workspace: sample });
    if (r.kind === 'ok') expect(r.workspace.hypercalls).toBeUndefined();
    const bad = `#pglab/1/${compressToEncodedURIComponent(JSON.stringify({ ...sample, hypercalls: 'yes' }))}`;
    expect(decodeFragment(bad)).toMatchObject({ kind: 'refused', reason: 'damaged', message: expect.stringMatching(/hypercalls flag/) });
    expect(decodeFragment(`#pglab/1/${compressToEncodedURIComponent(JSON.stringify({ ...sample, monitor: 'para' }))}`)).toMatchObject({ kind: 'refused', message: expect.stringMatching(/"para" is not a monitor \(none, full, hybrid, bt, assist\)/) });
  });

  it('builds a URL that replaces any old fragment', () => {
    const u = shareUrl('http://x/app?a=1#old', sample);
    expect(u.startsWith('http://x/app?a=1#pglab/1/')).toBe(true);
    expect(decodeFragment(u.slice(u.indexOf('#')))).toMatchObject({ kind: 'ok' });
  });

  it('says nothing about an empty fragment', () => {
    expect(decodeFragment('')).toEqual({ kind: 'none' });
    expect(decodeFragment('#')).toEqual({ kind: 'none' });
  });

  it('refuses a foreign fragment', () => {
    expect(decodeFragment('#section-2')).toMatchObject({ kind: 'refused', reason: 'foreign' });
    expect(decodeFragment('#other/1/abc')).toMatchObject({ kind: 'refused', reason: 'foreign' });
  });

  it('refuses a newer version and names both versions', () => {
    const good = encodeWorkspace(sample);
    const newer = good.replace('#pglab/1/', '#pglab/2/');
    const r = decodeFragment(newer);
    expect(r).toMatchObject({ kind: 'refused', reason: 'newer' });
    if (r.kind === 'refused') expect(r.message).toMatch(/format 2.*format 1/);
  });

  it('refuses damaged links', () => {
    const good = encodeWorkspace(sample);
    // Truncated payload.
    expect(decodeFragment(good.slice(0, good.length - 25))).toMatchObject({ kind: 'refused', reason: 'damaged' });
    // Garbage payload.
    expect(decodeFragment('#pglab/1/%%%not-lz')).toMatchObject({ kind: 'refused', reason: 'damaged' });
    // Bad version tag.
    expect(decodeFragment('#pglab/x1/abc')).toMatchObject({ kind: 'refused', reason: 'damaged' });
    expect(decodeFragment('#pglab/0/abc')).toMatchObject({ kind: 'refused', reason: 'damaged' });
  });

  it('refuses a payload that is JSON but not a valid workspace, saying what is wrong', () => {
    const tag = (o: unknown) => `#pglab/1/${compressToEncodedURIComponent(JSON.stringify(o))}`;
    const cases: [unknown, RegExp][] = [
      [{ ...sample, depth: 9 }, /depth/],
      [{ ...sample, monitor: 'kvm' }, /monitor/],
      [{ ...sample, w: 10 }, /memory size/],
      [{ ...sample, view: 'nowhere' }, /view/],
      [{ ...sample, program: 5 }, /program/],
      [{ ...sample, v: 2 }, /format 2 inside/],
      [[1, 2], /not a workspace/],
    ];
    for (const [o, re] of cases) {
      const r = decodeFragment(tag(o));
      expect(r.kind).toBe('refused');
      if (r.kind === 'refused') expect(r.message).toMatch(re);
    }
    expect(decodeFragment(`#pglab/1/${compressToEncodedURIComponent('{not json')}`)).toMatchObject({ reason: 'damaged' });
  });
});
