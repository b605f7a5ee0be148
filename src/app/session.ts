/**
 * The page's side of the worker protocol: one Comlink proxy, a pull loop that asks for at most one Frame per
 * animation frame while the machine runs (and one after each command), and the runtime store the views read.
 */
import * as Comlink from 'comlink';
import { create } from 'zustand';
import { assemble, type AsmResult } from '../core/asm/assembler';
import type { Isa } from '../core/isa/isa';
import { isaInForce, parseIsaText, pendingMessage, useIsa } from './isa';
import type { Frame, LevelInfo, MemView, Sample, SessionConfig, TrapEvent, WorkerApi } from '../worker/protocol';
import { useSettings } from './store';

const MAX_UI_EVENTS = 2000;
/** Stable empty value for selectors (a fresh [] each time would re-render forever). */
export const NO_LEVELS: LevelInfo[] = [];

export interface Runtime {
  frame: Frame | null;
  console: string;
  events: TrapEvent[];
  eventsTotal: number;
  samples: Sample[];
  changedRegs: boolean[];
  /** Addresses of the memory window whose value changed with the last frame, and a counter to replay the flash. */
  changedMem: Set<number>;
  flashTick: number;
  asm: AsmResult | null;
  /** Config key of what the worker has loaded; the editor differs from it after an edit. */
  loadedKey: string;
  notice: { text: string; kind: 'info' | 'error' } | null;
  /** The trap shown in the trap-flow view; null means the latest. */
  selectedEvent: TrapEvent | null;
  /** Increments on each single-step trap, to animate the flow. */
  animTick: number;
}

export const useRuntime = create<Runtime>()(() => ({
  frame: null,
  console: '',
  events: [],
  eventsTotal: 0,
  samples: [],
  changedRegs: new Array<boolean>(16).fill(false),
  changedMem: new Set(),
  flashTick: 0,
  asm: null,
  loadedKey: '',
  notice: null,
  selectedEvent: null,
  animTick: 0,
}));

/** The memory table's scroll position; read at each pull. */
export const memView: MemView = { space: 'virtual', start: 0, count: 48, follow: true };

let api: Comlink.Remote<WorkerApi> | null = null;
let pulling = false;
let wantPull = false;

/** The ISA an ISA text (or preset name) means; the one in force when the text has errors. */
export function isaOf(text: string): Isa {
  const r = parseIsaText(text);
  return r.ok ? r.isa : isaInForce();
}

/** What the worker runs: the settings, with the ISA text in force (never a text with errors). */
export function currentConfig(): SessionConfig {
  const s = useSettings.getState();
  const c: SessionConfig = { source: s.source, isa: useIsa.getState().text, monitor: s.monitor, depth: s.monitor === 'none' ? 0 : s.depth, q: s.q, input: s.input, maxSteps: s.maxSteps };
  // Hypercalls are the full monitor's (paravirtualization); the flag means nothing to the others.
  if (s.monitor === 'full' && s.hypercalls === true) c.hypercalls = true;
  // A monitor file of your own travels as text (the shipped PG/1 monitors are the worker's own copies).
  if (s.monitor === 'file') return { ...c, monitorSource: s.monitorSource ?? '', monitorFile: s.monitorFile || 'monitor.s' };
  return c;
}

export function configKey(c: SessionConfig): string {
  return JSON.stringify([c.source, c.isa, c.monitor, c.depth, c.q, c.input, c.monitorSource ?? '', c.monitorFile ?? '', c.hypercalls === true]);
}

/** Assembles on the page too, for markers, the current line and breakpoints (cheap: microseconds per line). */
export function reassemble(): AsmResult {
  const s = useSettings.getState();
  const asm = assemble(s.source, isaInForce());
  useRuntime.setState({ asm });
  return asm;
}

export function startWorker(): void {
  if (api) return;
  // A new ISA in force (a toggle or a defined instruction in the ISA lab, a preset, a link) reboots the
  // workbench's machine on it at once, as a preset change always did; a text with errors is refused here.
  useIsa.subscribe((st, prev) => {
    if (st.pending !== prev.pending) {
      const m = pendingMessage(st);
      if (m) notify(m, 'error');
      else if (useRuntime.getState().notice?.text === pendingMessage(prev)) useRuntime.setState({ notice: null });
    }
    if (st.text !== prev.text) void load();
  });
  const w = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'pglab-machine' });
  api = Comlink.wrap<WorkerApi>(w);
  (window as unknown as { __pglab: unknown }).__pglab = { api, pull: () => pull() };
  // While running, a frame every other animation frame (~30 Hz) is all a reader can follow, and it leaves the
  // page's own frames (scrolling, typing, animations) at full rate on small machines.
  let lastRunPull = 0;
  const loop = (now: number): void => {
    const st = useRuntime.getState().frame?.state;
    if (!pulling) {
      if (wantPull) void pull();
      else if (st === 'running' && now - lastRunPull >= 30) {
        lastRunPull = now;
        void pull();
      }
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

function breakAddrs(): number[] {
  const asm = useRuntime.getState().asm;
  if (!asm) return [];
  const out: number[] = [];
  for (const line of useSettings.getState().breakLines) {
    const a = asm.addrOfLine.get(line);
    if (a !== undefined) out.push(a);
  }
  return out;
}

export async function pull(): Promise<void> {
  if (!api) return;
  pulling = true;
  wantPull = false;
  try {
    const r = useRuntime.getState();
    const f = await api.frame({
      view: { ...memView },
      epoch: r.frame?.epoch ?? -1,
      consoleLen: r.console.length,
      eventsTotal: r.eventsTotal,
      samplesTotal: r.samples.length,
    });
    applyFrame(f);
  } finally {
    pulling = false;
  }
}

function applyFrame(f: Frame): void {
  const r = useRuntime.getState();
  const prev = r.frame;
  const same = prev !== null && prev.epoch === f.epoch;
  const console = same ? r.console.slice(0, f.consoleFrom) + f.consoleText : f.consoleText;
  let events = same ? r.events.concat(f.events) : f.events.slice();
  if (events.length > MAX_UI_EVENTS) events = events.slice(events.length - MAX_UI_EVENTS);
  const samples = same ? r.samples.slice(0, f.samplesFrom).concat(f.samples) : f.samples.slice();
  const changedRegs = prev ? f.regs.map((v, i) => v !== prev.regs[i]) : new Array(16).fill(false);
  const changedMem = new Set<number>();
  if (prev && prev.mem.space === f.mem.space && prev.steps !== f.steps) {
    for (let i = 0; i < f.mem.words.length; i++) {
      const a = f.mem.start + i;
      const j = a - prev.mem.start;
      if (j >= 0 && j < prev.mem.words.length && prev.mem.words[j] !== f.mem.words[i]) changedMem.add(a);
    }
  }
  const anyRegChanged = changedRegs.some(Boolean);
  const newTrap = same && f.events.length > 0 && f.state !== 'running';
  useRuntime.setState({
    frame: f,
    console,
    events,
    eventsTotal: f.eventsTotal,
    samples,
    changedRegs: prev && prev.steps === f.steps && same ? r.changedRegs : changedRegs,
    changedMem: changedMem.size || !prev || prev.steps !== f.steps ? changedMem : r.changedMem,
    flashTick: changedMem.size || anyRegChanged ? r.flashTick + 1 : r.flashTick,
    animTick: newTrap ? r.animTick + 1 : r.animTick,
    selectedEvent: newTrap || !same ? null : r.selectedEvent,
  });
  if (memView.follow && f.mem.start !== memView.start) memView.start = f.mem.start;
}

function notify(text: string, kind: 'info' | 'error' = 'info'): void {
  useRuntime.setState({ notice: { text, kind } });
}

/** Loads the editor's program and settings into the worker (boots the machine). */
export async function load(): Promise<boolean> {
  if (!api) return false;
  const asm = reassemble();
  const cfg = currentConfig();
  if (!asm.ok) {
    const e = asm.errors[0];
    notify(`Not run: the program has ${asm.errors.length} assembly error${asm.errors.length > 1 ? 's' : ''} (line ${e.line}, col ${e.col}: ${e.message}). Fix it first.`, 'error');
    return false;
  }
  const res = await api.load(cfg);
  await api.setBreakpoints(breakAddrs());
  useRuntime.setState({ loadedKey: res.ok ? configKey(cfg) : '', selectedEvent: null });
  if (!res.ok) notify(res.message, 'error');
  else useRuntime.setState({ notice: null });
  await pull();
  return res.ok;
}

/** Run, Step and Step to next trap never use a stale program: an edit reloads it, and an error refuses. */
async function ensureLoaded(): Promise<boolean> {
  const key = configKey(currentConfig());
  if (useRuntime.getState().loadedKey === key) return true;
  const ok = await load();
  if (ok && useRuntime.getState().asm?.ok) notify('Program reassembled and the machine rebooted.');
  return ok;
}

function busy(): boolean {
  return useRuntime.getState().frame?.state === 'running';
}

/** Before a step forward: clears the notice; the worker if it is idle and the program is loaded, else null. */
async function forward(): Promise<Comlink.Remote<WorkerApi> | null> {
  useRuntime.setState({ notice: null });
  if (!api || busy()) return null;
  return (await ensureLoaded()) ? api : null;
}

/** Before a step back in time: clears the notice and pauses a running machine; the worker, or null. */
async function backward(): Promise<Comlink.Remote<WorkerApi> | null> {
  useRuntime.setState({ notice: null });
  if (!api) return null;
  if (busy()) await api.pause();
  return api;
}

/** One move of the machine: `prepare` (forward or backward) gives the worker, `act` moves it, then the view pulls. */
async function move(prepare: () => Promise<Comlink.Remote<WorkerApi> | null>, act: (w: Comlink.Remote<WorkerApi>) => Promise<unknown>): Promise<boolean> {
  const w = await prepare();
  if (!w) return false;
  await act(w);
  await pull();
  return true;
}

export const actions = {
  async run() {
    if (!api || busy()) return;
    if (!(await ensureLoaded())) return;
    const st = useRuntime.getState().frame?.state;
    if (st === 'halted' || st === 'error') {
      // Run after a halt runs the program again from boot, as a student expects of a Run button.
      if (!(await load())) return;
    }
    useRuntime.setState({ notice: null });
    await api.run(useSettings.getState().maxSteps);
    await pull();
  },
  async pause() {
    if (!api) return;
    await api.pause();
    await pull();
  },
  async step(n = 1) {
    const w = await forward();
    if (!w) return;
    if (useRuntime.getState().frame?.state === 'halted') {
      notify('The machine has halted: Step back, or Reset to start again.');
      return;
    }
    await w.step(n);
    await pull();
  },
  async stepToTrap() {
    await move(forward, (w) => w.stepToTrap());
  },
  /** PG/1 towers: run until the real P is back in the guest's window. */
  async stepOverMonitor() {
    await move(forward, (w) => w.stepOverMonitor());
  },
  async stepBack(n = 1) {
    await move(backward, (w) => w.stepBack(n));
  },
  async backToTrap() {
    await move(backward, (w) => w.backToTrap());
  },
  async travelTo(step: number, ev?: TrapEvent) {
    if ((await move(backward, (w) => w.travelTo(step))) && ev) useRuntime.setState({ selectedEvent: ev, animTick: useRuntime.getState().animTick + 1 });
  },
  async reset() {
    if (!api) return;
    if (busy()) await api.pause();
    await load();
  },
  async syncBreakpoints() {
    if (!api) return;
    reassemble();
    await api.setBreakpoints(breakAddrs());
  },
  requestPull() {
    wantPull = true;
  },
};
