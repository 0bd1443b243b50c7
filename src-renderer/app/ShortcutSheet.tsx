import { useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { modKey } from '../lib/platform.js';
import { useUi } from '../stores/ui.js';

export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: `${modKey}N`, what: 'New chat' },
  { keys: `${modKey}K`, what: 'Search every conversation' },
  { keys: `${modKey}B`, what: 'Show or hide the sidebar' },
  { keys: `${modKey},`, what: 'Settings' },
  { keys: `${modKey}/`, what: 'This list of shortcuts' },
  { keys: 'Enter', what: 'Send the message' },
  { keys: 'Shift+Enter', what: 'New line in the message' },
  { keys: '/', what: 'Commands in an empty composer (/swarm, /model, /dry-run…)' },
  { keys: 'Esc', what: 'Stop the reply or swarm being written; close a dialog' },
  { keys: 'Enter', what: 'On the message list: focus the latest message' },
  {
    keys: '↑ / ↓',
    what: 'Move between messages; Tab then reaches its actions (copy, regenerate, edit, delete, versions)',
  },
  { keys: 'Enter / Esc', what: 'On a permission card: allow once / deny' },
];

/** Ctrl/Cmd+/ : every keyboard shortcut in one sheet. */
export function ShortcutSheet() {
  const open = useUi((s) => s.shortcutsOpen);
  if (!open) return null;
  return <Sheet />;
}

function Sheet() {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const close = () => useUi.getState().setShortcutsOpen(false);
  return createPortal(
    <dialog
      ref={ref}
      className="dialog"
      data-testid="shortcut-sheet"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        Keyboard shortcuts
      </h2>
      <div className="dialog-body">
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={`${s.keys} ${s.what}`}>
                <td>{s.what}</td>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={close} autoFocus>
          Close
        </button>
      </div>
    </dialog>,
    document.body,
  );
}
