import { describe, expect, it } from 'vitest';
import { useSettings } from '../store';
import { presetText } from './isadoc';
import { decodeFragment, encodeWorkspace } from './share';
import { applyWorkspace, currentWorkspace, useLab } from './store';

describe('workspace <-> stores', () => {
  it('a link made from the stores puts back exactly the same workspace, and the workbench ISA follows the file', () => {
    useSettings.getState().set({ source: 'start: HALT\n', monitor: 'hybrid', depth: 3, q: 4096, input: 'abc', isa: 'pg1' });
    useLab.getState().set({ isaText: presetText('pdp10'), view: 'recursion' });
    const ws = currentWorkspace();
    const link = encodeWorkspace(ws);
    // Someone changes everything...
    useSettings.getState().set({ source: 'other', monitor: 'none', depth: 0, q: 65536, input: '', isa: 'x86' });
    useLab.getState().set({ isaText: presetText('lra'), view: 'lessons' });
    // ...then opens the link.
    const r = decodeFragment(link);
    if (r.kind !== 'ok') throw new Error('refused');
    applyWorkspace(r.workspace);
    expect(currentWorkspace()).toEqual(ws);
    expect(useSettings.getState().isa).toBe('pdp10');
  });
});
