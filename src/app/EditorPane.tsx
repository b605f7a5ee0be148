/**
 * The Program panel's editors (the program, and under a PG/1 tower the monitor's source per level): Monaco and all
 * that uses it. Loaded as a chunk of its own (App.tsx) so the workbench is usable before Monaco has arrived: Run,
 * Step and every view work on the program the store holds.
 */
import { Editor } from './Editor';
import { LevelTabs } from './tower/LevelTabs';

export default function EditorPane() {
  return (
    <LevelTabs>
      <Editor />
    </LevelTabs>
  );
}
