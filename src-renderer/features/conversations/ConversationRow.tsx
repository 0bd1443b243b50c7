import { Archive, ArchiveRestore, Pencil, Pin, PinOff, Trash2 } from 'lucide-react';
import { memo, useRef, useState } from 'react';
import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { plural } from '../../lib/plural.js';
import { pendingRequests } from '../../lib/permission-state.js';
import { usePermissions } from '../../stores/permissions.js';
import { useUi } from '../../stores/ui.js';
import { renameConversation, selectConversation, setArchived, setPinned } from './actions.js';
import { deleteWithUndo } from './undo-delete.js';

interface RowProps {
  conversation: Conversation;
  active: boolean;
}

export const ConversationRow = memo(function ConversationRow({ conversation, active }: RowProps) {
  const [renaming, setRenaming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { id, title } = conversation;
  const pinned = conversation.pinned ?? false;
  const archived = conversation.archived ?? false;
  // The open conversation shows its cards inline; a badge points at the others.
  const waiting = usePermissions((s) =>
    active ? 0 : pendingRequests(s).filter((r) => r.conversationId === id).length,
  );

  function finishRename(next: string | null): void {
    setRenaming(false);
    if (next === null || next === '' || next === title) return;
    renameConversation(id, next).catch((err: unknown) => setError(`Rename failed: ${errorMessage(err)}`));
  }

  function act(what: string, work: Promise<unknown>): void {
    setError(null);
    work.catch((err: unknown) => setError(`${what} failed: ${errorMessage(err)}`));
  }

  return (
    <li
      className="conversation-row"
      data-testid="conversation-item"
      data-active={active ? 'true' : 'false'}
      data-pinned={pinned ? 'true' : undefined}
    >
      {renaming ? (
        <RenameInput initial={title} onDone={finishRename} />
      ) : (
        <>
          <button
            type="button"
            className="conversation-select"
            aria-current={active ? 'page' : undefined}
            onClick={() => {
              useUi.getState().closeSidebarDrawer();
              selectConversation(id);
            }}
            onDoubleClick={() => setRenaming(true)}
            onKeyDown={(e) => {
              if (e.key === 'F2') {
                e.preventDefault();
                setRenaming(true);
              }
            }}
            title={`${title} (double-click or F2 to rename)`}
          >
            {pinned && <Pin size={11} aria-hidden className="pinned-mark" />}
            {title}
            {pinned && <span className="sr-only">, pinned</span>}
            {waiting > 0 && (
              <span className="sr-only">, {plural(waiting, 'permission request')} waiting</span>
            )}
          </button>
          {waiting > 0 && (
            <span
              className="pending-badge"
              data-testid="conversation-pending-permissions"
              title="Waiting for your permission"
              aria-hidden
            >
              {waiting}
            </span>
          )}
          <button
            type="button"
            className="icon-button row-action"
            data-testid="conversation-pin"
            aria-label={pinned ? `Unpin “${title}”` : `Pin “${title}”`}
            aria-pressed={pinned}
            title={pinned ? 'Unpin' : 'Pin to the top'}
            onClick={() => act(pinned ? 'Unpin' : 'Pin', setPinned(id, !pinned))}
          >
            {pinned ? <PinOff size={13} aria-hidden /> : <Pin size={13} aria-hidden />}
          </button>
          <button
            type="button"
            className="icon-button row-action"
            data-testid="conversation-rename"
            aria-label={`Rename “${title}”`}
            title="Rename"
            onClick={() => {
              setError(null);
              setRenaming(true);
            }}
          >
            <Pencil size={13} aria-hidden />
          </button>
          <button
            type="button"
            className="icon-button row-action"
            data-testid="conversation-archive"
            aria-label={archived ? `Unarchive “${title}”` : `Archive “${title}”`}
            title={archived ? 'Back to the list' : 'Archive (keeps every message)'}
            onClick={() => act(archived ? 'Unarchive' : 'Archive', setArchived(id, !archived))}
          >
            {archived ? <ArchiveRestore size={13} aria-hidden /> : <Archive size={13} aria-hidden />}
          </button>
          <button
            type="button"
            className="icon-button row-action"
            data-testid="conversation-delete"
            aria-label={`Delete “${title}”`}
            title="Delete (you can undo for a few seconds)"
            onClick={() => {
              setError(null);
              deleteWithUndo(conversation);
            }}
          >
            <Trash2 size={13} aria-hidden />
          </button>
        </>
      )}
      {error && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
});

function RenameInput({ initial, onDone }: { initial: string; onDone(title: string | null): void }) {
  const [value, setValue] = useState(initial);
  // Enter or Esc ends editing, and the blur that follows unmounting must not end it a second time.
  const doneRef = useRef(false);

  function finish(save: boolean): void {
    if (doneRef.current) return;
    doneRef.current = true;
    onDone(save ? value.trim() : null);
  }

  return (
    <input
      className="conversation-title-input"
      data-testid="conversation-title-input"
      aria-label="Conversation title"
      value={value}
      maxLength={200}
      autoFocus
      onFocus={(e) => e.currentTarget.select()}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          finish(true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          finish(false);
        }
      }}
      onBlur={() => finish(true)}
    />
  );
}
