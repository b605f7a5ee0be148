import { describe, expect, it } from 'vitest';
import { useIsa } from '../isa';
import { useSettings } from '../store';
import { presetText } from './isadoc';
import { decodeFragment, encodeWorkspace } from './share';
import { applyWorkspace, currentWorkspace, useLab } from './store';

describe('workspace <-> stores', () => {
  it('a link made from the stores puts back exactly the same workspace, and its ISA file is the one in force', () => {
    const tweaked = JSON.stringify({ name: 'mine', base: 'pdp10', variants: { GETMODE: 'open' } }, null, 2);
    useSettings.getState().set({ source: 'start: HALT\n', monitor: 'hybrid', depth: 3, q: 4096, input: 'abc', isa: tweaked });
    useLab.getState().set({ view: 'recursion' });
    const ws = currentWorkspace();
    expect(ws.isaFile).toBe(tweaked);
    const link = encodeWorkspace(ws);
    // Someone changes everything...
    useSettings.getState().set({ source: 'other', monitor: 'none', depth: 0, q: 65536, input: '', isa: presetText('lra') });
    useLab.getState().set({ view: 'lessons' });
    expect(useIsa.getState().name).toBe('lra');
    // ...then opens the link.
    const r = decodeFragment(link);
    if (r.kind !== 'ok') throw new Error('refused');
    applyWorkspace(r.workspace);
    expect(currentWorkspace()).toEqual(ws);
    expect(useIsa.getState().text).toBe(tweaked);
    expect(useIsa.getState().name).toBe('mine');
  });
});

describe('a link carries the monitor beyond 1974', () => {
  it('full + hypercalls round-trips through a link; opening an older link turns hypercalls off', () => {
    useSettings.getState().set({ monitor: 'full', depth: 1, hypercalls: true });
    const ws = currentWorkspace();
    expect(ws.hypercalls).toBe(true);
    useSettings.getState().set({ monitor: 'bt', hypercalls: false });
    applyWorkspace(ws);
    expect(useSettings.getState()).toMatchObject({ monitor: 'full', hypercalls: true });
    const { hypercalls: _h, ...older } = ws;
    applyWorkspace(older);
    expect(useSettings.getState()).toMatchObject({ monitor: 'full', hypercalls: false });
    // The flag belongs to the full monitor: under another it is not put in a link.
    useSettings.getState().set({ monitor: 'assist', hypercalls: true });
    expect(currentWorkspace()).toMatchObject({ monitor: 'assist' });
    expect(currentWorkspace().hypercalls).toBeUndefined();
  });
});

describe('a link carries the ISA in force', () => {
  it('while the ISA file has errors, the last good text goes into the link', () => {
    const good = JSON.stringify({ name: 'good', base: 'x86' });
    useSettings.getState().set({ isa: good });
    useSettings.getState().set({ isa: '{"name": "bad", "base": "nope"}' });
    expect(currentWorkspace().isaFile).toBe(good);
  });
});
