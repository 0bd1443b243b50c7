import { useState } from 'react';

interface ShortcutFieldProps {
  saved: string;
  /** Id of the error shown under the field, when there is one. */
  errorId: string | null;
  onCommit(value: string): void;
  /** Esc put the saved shortcut back, so an error about the draft no longer applies. */
  onRevert(): void;
}

/** A text field saved on Enter or when it loses focus; Esc puts back the saved shortcut. */
export function ShortcutField({ saved, errorId, onCommit, onRevert }: ShortcutFieldProps) {
  const [draft, setDraft] = useState(saved);
  // A new saved value (ours, or from another window) replaces the draft; adjusted while rendering,
  // as React recommends, rather than in an effect that would show the stale text for a frame.
  const [seen, setSeen] = useState(saved);
  if (seen !== saved) {
    setSeen(saved);
    setDraft(saved);
  }

  function commit(): void {
    if (draft.trim() !== saved) onCommit(draft);
  }

  return (
    <div className="field">
      <label htmlFor="desktop-shortcut">Quick prompt shortcut</label>
      <input
        id="desktop-shortcut"
        type="text"
        className="mono"
        data-testid="desktop-shortcut"
        value={draft}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={errorId ? true : undefined}
        aria-describedby={errorId ? `desktop-shortcut-help ${errorId}` : 'desktop-shortcut-help'}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            setDraft(saved);
            onRevert();
          }
        }}
      />
      <p id="desktop-shortcut-help" className="field-help">
        Opens the quick prompt from anywhere. An Electron accelerator: modifiers joined with “+” and a key,
        e.g. <kbd>CommandOrControl+Shift+Space</kbd> (CommandOrControl is ⌘ on macOS, Ctrl elsewhere). Saved
        on Enter or when you leave the field; Esc undoes.
      </p>
    </div>
  );
}
