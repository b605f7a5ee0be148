/**
 * What the Equivalence and Recursion views share: the workbench's program as they run it, why it cannot run, and
 * the session each keeps in a worker of its own.
 */
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { assemble, type AsmResult } from '../../core/asm/assembler';
import { parseIsaFile } from '../../core/isa/isafile';
import type { RunChannel, RunOutcome } from '../../worker/client';
import type { LabApi } from '../../worker/protocol';
import { useIsa } from '../isa';
import { useSettings } from '../store';

/**
 * The workbench's program and run settings (monitor, depth, w = q, input), under the ISA in force (while the lab's
 * file has errors, the last good one), parsed, and the program assembled under it (null while the ISA has errors).
 */
export function useLabProgram() {
  // One subscription per store, to the fields picked (compared field by field, so only their changes re-render).
  const { source, monitor, depth, q: w, input, set: setS } = useSettings(useShallow((s) => ({ source: s.source, monitor: s.monitor, depth: s.depth, q: s.q, input: s.input, set: s.set })));
  const { text: isaText, name: isaName } = useIsa(useShallow((s) => ({ text: s.text, name: s.name })));
  const parsed = useMemo(() => parseIsaFile(isaText), [isaText]);
  const asm = useMemo(() => (parsed.ok ? assemble(source, parsed.isa) : null), [source, parsed]);
  const kind: 'full' | 'hybrid' = monitor === 'hybrid' ? 'hybrid' : 'full';
  return { source, monitor, kind, depth, w, input, setS, isaText, isaName, parsed, asm };
}

/**
 * Why a lab view cannot start its session on the program at all, found on the page without the worker: the ISA
 * file has errors, or the program does not assemble (its first three errors); null when it can.
 */
export function programProblem(parsed: { ok: boolean }, asm: AsmResult | null): string | null {
  if (!parsed.ok) return 'The ISA file has errors (see the ISA lab).';
  if (!asm?.ok) return `The program does not assemble: ${asm?.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`).join('; ')}`;
  return null;
}

/**
 * A lab view's session in a worker of its own (the Equivalence view's lockstep, the Recursion view's tower), run
 * through `runs`: the last snapshot, whether a request is running, and the error to show. `send` runs a request
 * and hands its snapshot to `then` (by default it becomes the snapshot); `refuse` shows a problem found without
 * the worker and drops the running request. The view's unmount abandons the running request.
 */
export function useLabSession<S>(runs: RunChannel) {
  const [snap, setSnap] = useState<S | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);

  /** Sends a request; a null answer means a newer request (or an edit) overtook it, and that one will clear `busy`. */
  const send = (req: (w: LabApi) => Promise<S>, then: (s: S) => void = setSnap) => {
    setBusy(true);
    void runs.call(req).then((out: RunOutcome<S> | null) => {
      if (!out) return;
      setBusy(false);
      if (out.ok) then(out.value);
      else {
        // A stopped run took the worker (and the session in it) with it; Reset starts the session again.
        if ('stopped' in out) setSnap(null);
        setErr('stopped' in out ? `${out.message} Press Reset to start again.` : out.message);
      }
    });
  };
  const refuse = (problem: string) => {
    runs.cancel();
    setBusy(false);
    setErr(problem);
  };
  useEffect(() => () => runs.cancel(), [runs]);
  return { snap, setSnap, busy, err, setErr, send, refuse };
}
