import { Pencil, Trash2 } from 'lucide-react';
import { memo, useRef, useState } from 'react';
import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { plural } from '../../lib/plural.js';
import { pendingRequests } from '../../lib/permission-state.js';
import { usePermissions } from '../../stores/permissions.js';
import { deleteConversation, renameConversation, selectConversation } from './actions.js';

interface RowProps {
  conversation: Conversation;
  active: boolean;
}

export const ConversationRow = memo(function ConversationRow({ conversation, active }: RowProps) {
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { id, title } = conversation;
  // The open conversation shows its cards inline; a badge points at the others.
  const waiting = usePermissions((s) =>
    active ? 0 : pendingRequests(s).filter((r) => r.conversationId === id).length,
  );

  function finishRename(next: string | null): void {
    setRenaming(false);
    if (next === null || next === '' || next === title) return;
    renameConversation(id, next).catch((err: unknown) => setError(`Rename failed: ${errorMessage(err)}`));
  }

  function confirmDelete(): void {
    setDeleting(true);
    setError(null);
    deleteConversation(id).catch((err: unknown) => {
      setDeleting(false);
      setError(`Delete failed: ${errorMessage(err)}`);
    });
  }

  return (
    <li className="conversation-row" data-testid="conversation-item" data-active={active ? 'true' : 'false'}>
      {renaming ? (
        <RenameInput initial={title} onDone={finishRename} />
      ) : (
        <>
          <button
            type="button"
            className="conversation-select"
            aria-current={active ? 'page' : undefined}
            onClick={() => selectConversation(id)}
            title={title}
          >
            {title}
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
            data-testid="conversation-delete"
            aria-label={`Delete “${title}”`}
            title="Delete"
            onClick={() => {
              setError(null);
              setConfirming(true);
            }}
          >
            <Trash2 size={13} aria-hidden />
          </button>
        </>
      )}
      {error && !confirming && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete “${title}”?`}
          confirmLabel={deleting ? 'Deleting…' : 'Delete'}
          confirmTestId="confirm-delete"
          busy={deleting}
          error={error}
          onConfirm={confirmDelete}
          onCancel={() => {
            setConfirming(false);
            setError(null);
          }}
        >
          <p>{deleteSummary(conversation.messageCount)}</p>
        </ConfirmDialog>
      )}
    </li>
  );
});

function deleteSummary(messageCount: number): string {
  if (messageCount === 0) return 'It has no messages yet.';
  const what = messageCount === 1 ? 'Its message' : `Its ${plural(messageCount, 'message')}`;
  return `${what} will be removed from this machine. This cannot be undone.`;
}

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
