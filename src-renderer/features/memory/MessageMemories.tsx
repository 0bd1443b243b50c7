import { Brain, ChevronDown, ChevronRight } from 'lucide-react';
import { useId, useState } from 'react';
import type { Message } from '../../../src-main/core/protocol/index.js';
import { useMemory } from '../../stores/memory.js';
import { loadUsedBy } from './actions.js';
import { UsedMemoryList, usedLabel } from './UsedMemoryList.js';

/**
 * The quiet line under a reply: "Used 3 memories", expandable, from the moment the reply starts. The count is known when
 * the reply was written in this session (pushed by the core); after a reload it is asked for
 * only when expanded, since rows scroll by in the hundreds.
 */
export function MessageMemories({ message }: { message: Message }) {
  const entry = useMemory((s) => s.used[message.id]);
  const [open, setOpen] = useState(false);
  const listId = useId();

  if (message.role !== 'assistant') return null;
  // As the reply starts, the core says what it recalled: shown then, not only once it is done.
  if (message.status === 'streaming' && entry?.status !== 'ready') return null;
  // Known to have used none: nothing to say.
  if (entry?.status === 'ready' && entry.memories.length === 0 && !open) return null;

  let label = 'Memories used';
  if (entry?.status === 'ready') label = usedLabel(entry.memories.length);

  return (
    <div className="message-memories" data-testid="message-memories">
      <button
        type="button"
        className="message-memories-toggle"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        onClick={() => {
          if (!open) void loadUsedBy(message.id);
          setOpen(!open);
        }}
      >
        <Brain size={12} aria-hidden />
        {label}
        {open ? <ChevronDown size={12} aria-hidden /> : <ChevronRight size={12} aria-hidden />}
      </button>
      {open && entry?.status === 'loading' && <p className="muted message-memories-note">Loading…</p>}
      {open && entry?.status === 'error' && (
        <p className="inline-error message-memories-note" role="alert">
          Could not load them: {entry.error}
        </p>
      )}
      {open && entry?.status === 'ready' && entry.memories.length === 0 && (
        <p className="muted message-memories-note">This reply used no memories.</p>
      )}
      {open && entry?.status === 'ready' && entry.memories.length > 0 && (
        <UsedMemoryList memories={entry.memories} id={listId} />
      )}
    </div>
  );
}
