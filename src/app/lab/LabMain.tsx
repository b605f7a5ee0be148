/**
 * The open lab view (the workbench itself is the shell's own layout). A chunk of its own, loaded when a lab tab
 * is first opened (App.tsx): the views and what they import are not part of the workbench's startup.
 */
import { EquivView } from './EquivView';
import { IsaLab, useLiveClassification } from './IsaLab';
import { LessonsView } from './LessonsView';
import { RecursionView } from './RecursionView';
import { useLabView } from './LabShell';

export default function LabMain() {
  useLiveClassification();
  const view = useLabView();
  return (
    <main className="lab-main">
      {view === 'isa' && <IsaLab />}
      {view === 'equiv' && <EquivView />}
      {view === 'recursion' && <RecursionView />}
      {view === 'lessons' && <LessonsView />}
    </main>
  );
}
