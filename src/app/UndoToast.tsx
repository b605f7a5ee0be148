import { dismissUndo, undoReplace, useUndo } from './loader';

/**
 * The toast after anything replaced the program or the ISA: it names what happened and offers Undo. It floats
 * (fixed position), so showing it moves nothing on the page; it stays until dismissed or the next load.
 */
export function UndoToast() {
  const entry = useUndo((s) => (s.shown === null ? null : (s.stack.find((e) => e.id === s.shown) ?? null)));
  if (!entry) return null;
  return (
    <div className="undo-toast" role="status" data-testid="undo-toast">
      <span>{entry.label}.</span>
      <button type="button" data-testid="undo-load" onClick={() => undoReplace(entry.id)}>
        {entry.undo ? 'Redo' : 'Undo'}
      </button>
      <button type="button" className="ghost" aria-label="Dismiss" title="Dismiss (Undo stays possible from the next load's toast)" onClick={dismissUndo}>
        ×
      </button>
    </div>
  );
}
