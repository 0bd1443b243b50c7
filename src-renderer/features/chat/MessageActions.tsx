import { Check, ChevronLeft, ChevronRight, Copy, FileText, Pencil, RefreshCw, Trash2 } from 'lucide-react';
import { useContext, useState } from 'react';
import { ActiveMessage } from './active-message.js';
import type { Message } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { useMessages } from '../../stores/messages.js';
import { copyMessage, deleteMessages, regenerate, switchVersion } from './message-actions.js';

interface Props {
  message: Message;
  onEdit?: () => void;
}

/**
 * The actions of one message, shown on hover and whenever focus is inside the message (so Tab
 * reaches them): copy, a new version or an edit, delete, and the versions ‹ n/m › of this place.
 */
export function MessageActions({ message, onEdit }: Props) {
  const busy = useMessages((s) => s.streaming || s.pending.length > 0);
  const [copied, setCopied] = useState<'markdown' | 'plain' | null>(null);
  const [deleting, setDeleting] = useState(false);
  const active = useContext(ActiveMessage);
  const tab = active ? 0 : -1;
  const isUser = message.role === 'user';
  const streaming = message.status === 'streaming';
  const who = isUser ? 'your message' : 'this reply';

  async function copy(as: 'markdown' | 'plain'): Promise<void> {
    if (await copyMessage(message, as)) {
      setCopied(as);
      setTimeout(() => setCopied((c) => (c === as ? null : c)), 1500);
    }
  }

  return (
    <div
      className="message-actions"
      role="toolbar"
      aria-label={`Actions for ${who}`}
      data-testid="message-actions"
    >
      {message.versions && (
        <span className="message-versions" data-testid="message-versions">
          <button
            type="button"
            tabIndex={tab}
            className="icon-button"
            data-testid="version-previous"
            aria-label="Previous version"
            title="Previous version"
            disabled={busy || message.versions.current <= 1}
            onClick={() => void switchVersion(message, message.versions!.current - 1)}
          >
            <ChevronLeft size={14} aria-hidden />
          </button>
          <span className="version-count" aria-live="polite" data-testid="version-count">
            <span className="sr-only">Version </span>
            {message.versions.current}/{message.versions.total}
          </span>
          <button
            type="button"
            tabIndex={tab}
            className="icon-button"
            data-testid="version-next"
            aria-label="Next version"
            title="Next version"
            disabled={busy || message.versions.current >= message.versions.total}
            onClick={() => void switchVersion(message, message.versions!.current + 1)}
          >
            <ChevronRight size={14} aria-hidden />
          </button>
        </span>
      )}
      <button
        type="button"
        tabIndex={tab}
        className="icon-button"
        data-testid="message-copy"
        aria-label={`Copy ${who} as Markdown`}
        title="Copy as Markdown"
        disabled={message.content === ''}
        onClick={() => void copy('markdown')}
      >
        {copied === 'markdown' ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
      </button>
      <button
        type="button"
        tabIndex={tab}
        className="icon-button"
        data-testid="message-copy-plain"
        aria-label={`Copy ${who} as plain text`}
        title="Copy as plain text"
        disabled={message.content === ''}
        onClick={() => void copy('plain')}
      >
        {copied === 'plain' ? <Check size={14} aria-hidden /> : <FileText size={14} aria-hidden />}
      </button>
      {isUser && onEdit && (
        <button
          type="button"
          tabIndex={tab}
          className="icon-button"
          data-testid="message-edit"
          aria-label="Edit and resend your message"
          title="Edit and resend (starts a branch; the old one stays)"
          disabled={busy}
          onClick={onEdit}
        >
          <Pencil size={14} aria-hidden />
        </button>
      )}
      {!isUser && (
        <button
          type="button"
          tabIndex={tab}
          className="icon-button"
          data-testid="message-regenerate"
          aria-label="Write this reply again"
          title="Regenerate (the current reply stays as an earlier version)"
          disabled={busy || streaming}
          onClick={() => void regenerate(message)}
        >
          <RefreshCw size={14} aria-hidden />
        </button>
      )}
      <button
        type="button"
        tabIndex={tab}
        className="icon-button"
        data-testid="message-delete"
        aria-label={`Delete ${who}`}
        title="Delete"
        disabled={busy}
        onClick={() => setDeleting(true)}
      >
        <Trash2 size={14} aria-hidden />
      </button>
      {deleting && <DeleteDialog message={message} onClose={() => setDeleting(false)} />}
    </div>
  );
}

function DeleteDialog({ message, onClose }: { message: Message; onClose(): void }) {
  const [scope, setScope] = useState<'message' | 'rest'>('message');
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const later = useMessages((s) => s.total - message.index - 1);

  function confirm(): void {
    setWorking(true);
    setError(null);
    deleteMessages(message, scope)
      .then(onClose)
      .catch((err: unknown) => {
        setWorking(false);
        setError(`Delete failed: ${errorMessage(err)}`);
      });
  }

  return (
    <ConfirmDialog
      title={message.role === 'user' ? 'Delete your message?' : 'Delete this reply?'}
      confirmLabel={working ? 'Deleting…' : 'Delete'}
      confirmTestId="confirm-delete-message"
      busy={working}
      error={error}
      onConfirm={confirm}
      onCancel={onClose}
    >
      <fieldset className="radio-group">
        <legend className="sr-only">What to delete</legend>
        <label>
          <input
            type="radio"
            name="delete-scope"
            data-testid="delete-scope-message"
            checked={scope === 'message'}
            onChange={() => setScope('message')}
          />
          Only this message
        </label>
        <label>
          <input
            type="radio"
            name="delete-scope"
            data-testid="delete-scope-rest"
            checked={scope === 'rest'}
            disabled={later <= 0}
            onChange={() => setScope('rest')}
          />
          This message and the {later > 0 ? later : ''} after it
        </label>
      </fieldset>
      <p>{message.versions ? 'Its other versions go with it. ' : ''}This cannot be undone.</p>
    </ConfirmDialog>
  );
}
