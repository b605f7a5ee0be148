import { useEffect } from 'react';
import { PRESETS, isPresetName } from '../core/isa/isa';
import { MAX_Q, MIN_Q } from '../core/machine/machine';
import { MAX_DEPTH } from '../core/vmm/kinds';
import { examples } from './examples';
import { pickExample } from './ExampleList';
import { fmtInt, fmtRate } from './format';
import { actions, load, useRuntime } from './session';
import { useSettings, type Settings as SettingsState } from './store';
import { setIsaText, useIsa } from './isa';
import { MonitorFile } from './tower/MonitorFile';
import { StepOverButton } from './tower/StepOver';
import { pickPreset, PresetOptions } from './lab/PresetPick';

/** Icons as SVG paths (a font may lack the media symbols; a projector must show them). */
const ICONS: Record<string, string> = {
  run: 'M5 3.5v13l11-6.5z',
  pause: 'M5 3.5h3.5v13H5zM11.5 3.5H15v13h-3.5z',
  step: 'M3 13a7 7 0 0 1 12.5-4.3M16 4v5h-5M9 15.5h2v2H9z',
  trap: 'M11 2 4 11h5l-1 7 7-9h-5z',
  back: 'M17 13A7 7 0 0 0 4.5 8.7M4 4v5h5M9 15.5h2v2H9z',
  reset: 'M4 10a6 6 0 1 0 2-4.5M4 3v4h4',
};

function Icon({ name }: { name: string }) {
  const filled = name === 'run' || name === 'pause' || name === 'trap';
  return (
    <svg className="ctl-icon" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
      <path d={ICONS[name]} fill={filled ? 'currentColor' : 'none'} stroke={filled ? 'none' : 'currentColor'} strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

interface Ctl {
  name: string;
  keys: string;
  icon: string;
  match: (e: KeyboardEvent) => boolean;
  act: () => void;
}

const F = (key: string, mods: { shift?: boolean; ctrl?: boolean } = {}) => (e: KeyboardEvent) =>
  e.key === key && e.shiftKey === !!mods.shift && (e.ctrlKey || e.metaKey) === !!mods.ctrl && !e.altKey;

export const CONTROLS: Ctl[] = [
  { name: 'Run', keys: 'F5', icon: 'run', match: F('F5'), act: () => void actions.run() },
  { name: 'Pause', keys: 'Shift+F5', icon: 'pause', match: F('F5', { shift: true }), act: () => void actions.pause() },
  { name: 'Step', keys: 'F10', icon: 'step', match: F('F10'), act: () => void actions.step(1) },
  { name: 'Step to next trap', keys: 'Ctrl+F10', icon: 'trap', match: F('F10', { ctrl: true }), act: () => void actions.stepToTrap() },
  { name: 'Step back', keys: 'Shift+F10', icon: 'back', match: F('F10', { shift: true }), act: () => void actions.stepBack(1) },
  { name: 'Reset', keys: 'Ctrl+Shift+F5', icon: 'reset', match: F('F5', { shift: true, ctrl: true }), act: () => void actions.reset() },
];

/** Keyboard shortcuts work everywhere, the editor included (captured before Monaco sees them). */
export function useShortcuts(): void {
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const c = CONTROLS.find((x) => x.match(e));
      if (c) {
        e.preventDefault();
        e.stopPropagation();
        c.act();
      } else if (e.key === 'F10' && e.altKey) {
        e.preventDefault();
        void actions.backToTrap();
      }
    };
    window.addEventListener('keydown', on, true);
    return () => window.removeEventListener('keydown', on, true);
  }, []);
}

export function Controls() {
  const state = useRuntime((s) => s.frame?.state ?? 'empty');
  const steps = useRuntime((s) => s.frame?.steps ?? 0);
  const maxSteps = useRuntime((s) => s.frame?.maxSteps ?? 0);
  const ips = useRuntime((s) => s.frame?.ips ?? 0);
  const running = state === 'running';
  const disabled: Record<string, boolean> = {
    Run: running,
    Pause: !running,
    Step: running,
    'Step to next trap': running,
    'Step back': steps === 0 && !running,
    Reset: false,
  };
  return (
    <div className="controls" role="toolbar" aria-label="Machine controls">
      {CONTROLS.map((c) => (
        <button
          key={c.name}
          type="button"
          className={`ctl ctl-${c.name.replace(/\s+/g, '-').toLowerCase()}`}
          title={`${c.name} (${c.keys})`}
          aria-label={c.name}
          aria-keyshortcuts={c.keys.replace(/\+/g, '+')}
          disabled={disabled[c.name]}
          onClick={c.act}
        >
          <Icon name={c.icon} />
          <span className="ctl-label">{c.name}</span>
        </button>
      ))}
      <button type="button" className="ctl ctl-minor" title="Back to the previous trap (Alt+F10)" aria-label="Back to previous trap" disabled={running} onClick={() => void actions.backToTrap()}>
        <Icon name="back" /> to trap
      </button>
      <StepOverButton />
      <div className="timeline" title="Travel in time: drag to any step reached so far">
        <input
          type="range"
          aria-label="Timeline"
          min={0}
          max={Math.max(1, maxSteps)}
          value={steps}
          disabled={running || maxSteps === 0}
          onChange={(e) => void actions.travelTo(Number(e.target.value))}
        />
      </div>
      <div className="counter" aria-live="off">
        <span className="counter-label">step</span> <b data-testid="steps">{fmtInt(steps)}</b>
        {/* Always there (hidden when idle): its room is kept so Run moves nothing. */}
        <span className={`ips${running ? '' : ' off'}`} aria-hidden={!running}>
          {' '}
          · {fmtRate(ips)}
        </span>
      </div>
      <span className={`state state-${state}`} data-testid="state">
        {state}
      </span>
    </div>
  );
}

const MONITOR_TITLE =
  'none: the bare machine. full: the VMM of Theorem 1. hybrid: the HVM of Theorem 3. Beyond 1974: bt translates virtual supervisor code, ' +
  'full + hypercalls serves a paravirtual kernel\'s calls (docs/HYPERCALLS.md), assist runs the guest in the hardware\'s guest mode (an ISA with hardware assist). ' +
  'The .s monitors are the same constructions written in PG/1, running on the real machine.';

/** The picker's value for full + hypercalls: paravirtualization is the full monitor with a flag, not a kind of its own. */
const FULL_HYPERCALLS = 'full+hypercalls';
type MonitorSetting = SettingsState['monitor'];
const pickerValue = (monitor: MonitorSetting, hypercalls: boolean): string => (monitor === 'full' && hypercalls ? FULL_HYPERCALLS : monitor);
const fromPicker = (v: string): { monitor: MonitorSetting; hypercalls: boolean } =>
  v === FULL_HYPERCALLS ? { monitor: 'full', hypercalls: true } : { monitor: v as MonitorSetting, hypercalls: false };

const SIZES = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];
const LIMITS = [0, 10_000_000, 100_000_000, 1_000_000_000];

export function Settings() {
  const s = useSettings();
  const isa = useIsa();
  const names = Object.keys(examples);
  const change = (p: Parameters<typeof s.set>[0]) => {
    s.set(p);
    void load();
  };
  return (
    <div className="settings">
      <button
        type="button"
        className="ghost"
        title="Put the example's original text back into the editor (Undo brings your edits back)"
        onClick={() => pickExample(s.example && examples[s.example] !== undefined ? s.example : names[0])}
      >
        Reset to example
      </button>
      <label title={isa.preset && isPresetName(isa.preset) ? PRESETS[isa.preset].teaches : `The ISA file ${isa.name}, made in the ISA lab; pick a preset to replace it`}>
        <span>ISA</span>
        {/* The ISA in force (isa.ts): a preset, or the lab's file under its name; a change reboots the machine. */}
        <select aria-label="ISA preset" data-testid="isa-in-force" value={isa.preset ?? ''} onChange={(e) => pickPreset(e.target.value, setIsaText)}>
          {!isa.preset && <option value="">{isa.name}</option>}
          <PresetOptions />
        </select>
      </label>
      <label title={MONITOR_TITLE}>
        <span>Monitor</span>
        <select
          aria-label="Monitor"
          data-testid="monitor"
          value={pickerValue(s.monitor, s.hypercalls === true)}
          onChange={(e) => {
            const { monitor, hypercalls } = fromPicker(e.target.value);
            change({ monitor, hypercalls, depth: monitor === 'none' ? 0 : Math.max(1, s.depth) });
          }}
        >
          <option value="none">none</option>
          <option value="full">full VMM</option>
          <option value="hybrid">hybrid</option>
          {/* Beyond 1974: the three ways round a failed Theorem 1 (README, "Beyond 1974"). */}
          <option value="bt">binary translation (bt)</option>
          <option value={FULL_HYPERCALLS}>full + hypercalls</option>
          <option value="assist">hardware assist (assist)</option>
          {/* Monitors written in PG/1 (PG1.md §8.1): real programs on the real machine. */}
          <option value="full.s">full.s (PG/1)</option>
          <option value="hybrid.s">hybrid.s (PG/1)</option>
          <option value="file">a monitor file of your own…</option>
        </select>
      </label>
      {s.monitor === 'assist' && !isa.isa.assist && (
        <span className="err small" role="alert" data-testid="assist-missing">
          {isa.name} has no guest mode: the assist monitor cannot run on it. Turn on “hardware assist (guest mode)” in the ISA lab, or pick another monitor.
        </span>
      )}
      {s.monitor === 'file' && <MonitorFile />}
      <label title="Number of nested monitors (0 = bare machine)">
        <span>Depth</span>
        <select aria-label="Depth" value={s.monitor === 'none' ? 0 : s.depth} onChange={(e) => change({ depth: Number(e.target.value), monitor: Number(e.target.value) === 0 ? 'none' : s.monitor === 'none' ? 'full' : s.monitor })}>
          {Array.from({ length: MAX_DEPTH + 1 }, (_, d) => d).map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <label title={`Memory size in words (${MIN_Q}..${MAX_Q}); the VM size w when a monitor runs`}>
        <span>Memory</span>
        <select aria-label="Memory size" value={s.q} onChange={(e) => change({ q: Number(e.target.value) })}>
          {(SIZES.includes(s.q) ? SIZES : [...SIZES, s.q].sort((a, b) => a - b)).map((q) => (
            <option key={q} value={q}>
              {q >= 1024 ? `${q / 1024}K` : q} words
            </option>
          ))}
        </select>
      </label>
      <label title="Step limit for each Run (§4 uses 10M for the command line)">
        <span>Limit</span>
        <select aria-label="Step limit" value={s.maxSteps} onChange={(e) => s.set({ maxSteps: Number(e.target.value) })}>
          {LIMITS.map((n) => (
            <option key={n} value={n}>
              {n === 0 ? 'none' : n >= 1e9 ? `${n / 1e9}G` : `${n / 1e6}M`}
            </option>
          ))}
        </select>
      </label>
      <label className="grow" title="Text read by IN (port 0: characters, port 1: decimal numbers)">
        <span>Input</span>
        <input aria-label="Console input" type="text" value={s.input} placeholder="console input for IN" onChange={(e) => s.set({ input: e.target.value })} onBlur={() => void load()} />
      </label>
    </div>
  );
}
