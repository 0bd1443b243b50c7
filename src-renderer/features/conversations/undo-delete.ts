import { create } from 'zustand';
import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { useConversations } from '../../stores/conversations.js';
import { useUi } from '../../stores/ui.js';
import { deleteConversation, selectConversation } from './actions.js';
import { openConversation } from '../chat/open-conversation.js';

/** How long a deleted conversation can be brought back before it is deleted for good. */
export const UNDO_MS = 6000;

interface UndoStore {
  pending: Conversation | null;
}

export const useUndoDelete = create<UndoStore>()(() => ({ pending: null }));

let timer: ReturnType<typeof setTimeout> | null = null;
/** False once the delete was sent: Undo can no longer bring it back. */
let undoable = false;

/** The toast stays until the core has answered, so a reload right after never shows it again. */
function commit(conversation: Conversation): void {
  deleteConversation(conversation.id)
    .catch((err: unknown) => {
      useUi.getState().setNotice(`Could not delete “${conversation.title}”: ${errorMessage(err)}`);
    })
    .finally(() => {
      if (useUndoDelete.getState().pending?.id === conversation.id) useUndoDelete.setState({ pending: null });
    });
}

/**
 * Hides the conversation at once and deletes it after UNDO_MS unless undone. Nothing is deleted
 * on the core before then, so closing the window in between keeps the conversation.
 */
export function deleteWithUndo(conversation: Conversation): void {
  flushPendingDelete();
  undoable = true;
  useUndoDelete.setState({ pending: conversation });
  timer = setTimeout(flushPendingDelete, UNDO_MS);
  const { selectedId, list } = useConversations.getState();
  if (selectedId === conversation.id) {
    const next = list.find((c) => c.id !== conversation.id && !c.archived);
    if (next) selectConversation(next.id);
    else {
      useConversations.getState().select(null);
      void openConversation(null);
    }
  }
}

export function undoDelete(): void {
  const { pending } = useUndoDelete.getState();
  if (!undoable) return;
  if (timer) clearTimeout(timer);
  timer = null;
  useUndoDelete.setState({ pending: null });
  if (pending) selectConversation(pending.id);
}

export function flushPendingDelete(): void {
  const { pending } = useUndoDelete.getState();
  if (timer) clearTimeout(timer);
  timer = null;
  if (!pending || !undoable) return;
  undoable = false;
  commit(pending);
}
