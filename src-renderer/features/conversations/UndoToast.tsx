import { useUndoDelete, undoDelete } from './undo-delete.js';

/** "Deleted “title”. Undo" at the bottom of the window, for a few seconds after a delete. */
export function UndoToast() {
  const pending = useUndoDelete((s) => s.pending);
  if (!pending) return null;
  return (
    <div className="undo-toast" role="status" data-testid="undo-toast">
      <span>Deleted “{pending.title}”.</span>
      <button type="button" className="button button-small" data-testid="undo-delete" onClick={undoDelete}>
        Undo
      </button>
    </div>
  );
}
