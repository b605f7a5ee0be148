/**
 * The monitor tower behind the Target interface. src/core/vmm (the VirtualStack) is written in parallel; until
 * it is wired in here, choosing a monitor explains that only the bare machine runs.
 */
import type { Isa } from '../core/isa/isa';
import type { SessionConfig } from './protocol';
import type { Target } from './target';

export function makeVirtualTarget(_isa: Isa, cfg: SessionConfig): Target {
  throw new Error(`The ${cfg.monitor} monitor is not available in this build yet: choose monitor "none" (the bare machine).`);
}
