import { create } from 'zustand';
import { useConversations } from '../../stores/conversations.js';
import { useMessages } from '../../stores/messages.js';
import { useUi } from '../../stores/ui.js';
import { openConversation } from './open-conversation.js';
import { navigateTo } from './navigate.js';

/** Long enough to find the row after the jump, short enough not to linger as a state. */
const HIGHLIGHT_MS = 2500;

interface Highlight {
  conversationId: string | null;
  index: number;
  seq: number;
}

/** The row a jump landed on; MessageRow marks it for a moment. */
export const useMessageHighlight = create<Highlight>()(() => ({ conversationId: null, index: -1, seq: 0 }));

function highlight(conversationId: string, index: number): void {
  const seq = useMessageHighlight.getState().seq + 1;
  useMessageHighlight.setState({ conversationId, index, seq });
  setTimeout(() => {
    if (useMessageHighlight.getState().seq === seq)
      useMessageHighlight.setState({ conversationId: null, index: -1 });
  }, HIGHLIGHT_MS);
}

/**
 * Opens a conversation in the chat view, scrolls to a message by index (search hits know it, so no
 * page has to be read to find it) through the same scroll request ui.navigate uses, and marks it.
 */
export async function revealMessage(conversationId: string, messageIndex: number): Promise<void> {
  useConversations.getState().select(conversationId);
  useUi.getState().setView('chat');
  const shown = useMessages.getState();
  if (shown.conversationId !== conversationId || shown.status === 'error')
    await openConversation(conversationId);
  // A later click or selection wins.
  if (useMessages.getState().conversationId !== conversationId || useUi.getState().view !== 'chat') return;
  useUi.getState().requestScroll({ conversationId, index: messageIndex, requestId: null });
  highlight(conversationId, messageIndex);
}

/** The same by message id (a memory's source): located the way ui.navigate locates it. */
export async function revealMessageById(conversationId: string, messageId: string): Promise<void> {
  await navigateTo({ conversationId, messageId, permissionRequestId: null });
  const message = useMessages.getState().cache.byId(messageId);
  if (message && useMessages.getState().conversationId === conversationId)
    highlight(conversationId, message.index);
}
