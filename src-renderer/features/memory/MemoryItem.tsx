import { Pencil, Pin, PinOff, Trash2 } from 'lucide-react';
import { memo, useState } from 'react';
import type { Memory } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { useConversations } from '../../stores/conversations.js';
import { useMemory } from '../../stores/memory.js';
import { revealMessageById } from '../chat/reveal-message.js';
import { deleteMemory, updateMemory } from './actions.js';
import { MemoryEditor } from './MemoryEditor.js';
import { createdByLabel, formatDay, formatTimestamp, KIND_LABELS } from './memory-format.js';

export const MemoryItem = memo(function MemoryItem({ memory }: { memory: Memory }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const retired = memory.status === 'retired';

  async function run(action: () => Promise<unknown>, onFail: (message: string) => string): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(onFail(errorMessage(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li
      className={retired ? 'memory-item retired' : 'memory-item'}
      data-testid="memory-item"
      data-memory-id={memory.id}
      data-pinned={memory.pinned ? 'true' : 'false'}
      data-status={memory.status}
    >
      {editing ? (
        <MemoryEditor memory={memory} onDone={() => setEditing(false)} />
      ) : (
        <div className="memory-main">
          <p className="memory-text">
            {retired && <span className="sr-only">Replaced: </span>}
            {memory.text}
          </p>
          {retired && <ReplacedBy id={memory.supersededBy} />}
          <MemoryMeta memory={memory} />
        </div>
      )}
      {!editing && (
        <div className="memory-actions">
          <button
            type="button"
            className={memory.pinned ? 'icon-button pinned' : 'icon-button'}
            data-testid="memory-pin"
            aria-pressed={memory.pinned}
            aria-label={memory.pinned ? 'Unpin' : 'Pin (always kept and recalled first)'}
            title={memory.pinned ? 'Unpin' : 'Pin'}
            disabled={busy || retired}
            onClick={() =>
              void run(
                () => updateMemory({ id: memory.id, pinned: !memory.pinned }),
                (m) => `Could not ${memory.pinned ? 'unpin' : 'pin'}: ${m}`,
              )
            }
          >
            {memory.pinned ? <PinOff size={14} aria-hidden /> : <Pin size={14} aria-hidden />}
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="memory-edit"
            aria-label="Edit"
            title="Edit"
            disabled={busy}
            onClick={() => {
              setError(null);
              setEditing(true);
            }}
          >
            <Pencil size={14} aria-hidden />
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="memory-delete"
            aria-label="Delete"
            title="Delete"
            disabled={busy}
            onClick={() => {
              setError(null);
              setConfirming(true);
            }}
          >
            <Trash2 size={14} aria-hidden />
          </button>
        </div>
      )}
      {error && !confirming && (
        <p className="inline-error memory-error" role="alert">
          {error}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title="Delete this memory?"
          confirmLabel={busy ? 'Deleting…' : 'Delete'}
          confirmTestId="confirm-delete"
          busy={busy}
          error={error}
          onConfirm={() =>
            void run(
              () => deleteMemory(memory.id),
              (m) => `Delete failed: ${m}`,
            )
          }
          onCancel={() => {
            setConfirming(false);
            setError(null);
          }}
        >
          <p>“{memory.text}”</p>
          <p className="muted">Cell 0 will no longer recall it. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </li>
  );
});

function ReplacedBy({ id }: { id: string | null }) {
  const newer = useMemory((s) => (id ? s.list.items.find((m) => m.id === id) : undefined));
  return <p className="memory-replaced">Replaced by {newer ? <q>{newer.text}</q> : 'a newer memory'}</p>;
}

function MemoryMeta({ memory }: { memory: Memory }) {
  const percent = Math.round(memory.importance * 100);
  return (
    <div className="memory-meta">
      <span className="badge">{KIND_LABELS[memory.kind]}</span>
      {memory.eventDate ? (
        <time dateTime={memory.eventDate} title="The date it is about">
          {formatDay(memory.eventDate)}
        </time>
      ) : (
        <time dateTime={new Date(memory.createdAt).toISOString()} className="muted" title="When it was added">
          added {formatTimestamp(memory.createdAt)}
        </time>
      )}
      <span
        className="importance"
        role="meter"
        aria-label="Importance"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        title={`Importance ${percent}%`}
      >
        <span className="importance-fill" style={{ width: `${percent}%` }} />
      </span>
      <Sources memory={memory} />
    </div>
  );
}

/** Where it came from: links that open the conversation at the message it was learned from. */
function Sources({ memory }: { memory: Memory }) {
  const titles = useConversations((s) => s.list);
  if (memory.sources.length === 0) return <span className="muted">{createdByLabel(memory)}</span>;
  return (
    <span className="memory-sources">
      <span className="muted">{createdByLabel(memory)}:</span>
      {memory.sources.map((source) => {
        const title = titles.find((c) => c.id === source.conversationId)?.title;
        return (
          <button
            key={source.messageId}
            type="button"
            className="link-button"
            disabled={!title}
            title={title ? `Show the message in “${title}”` : 'That conversation was deleted'}
            onClick={() => {
              revealMessageById(source.conversationId, source.messageId).catch((err: unknown) =>
                console.warn('cell0: could not show the source message', err),
              );
            }}
          >
            {title ?? 'a deleted conversation'}
          </button>
        );
      })}
    </span>
  );
}
