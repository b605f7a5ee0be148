import { PRESET_NAMES, isPresetName } from '../../core/isa/isa';
import { replaceWorkspace } from '../loader';
import { presetText } from './isadoc';

/** A preset picked in a select (the toolbar's ISA in force, the ISA lab's preset): one undoable step sets its text. */
export function pickPreset(p: string, setText: (text: string) => void): void {
  if (isPresetName(p)) replaceWorkspace(`ISA set to the ${p} preset`, () => setText(presetText(p)));
}

/** One option a preset, by name. */
export function PresetOptions() {
  return (
    <>
      {PRESET_NAMES.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </>
  );
}
