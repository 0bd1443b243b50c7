import type { Conversation } from '../../../src-main/core/protocol/index.js';

/** The title the core gives a conversation until its first message (a test keeps the two equal). */
export const DEFAULT_CONVERSATION_TITLE = 'New chat';

/** Nothing said in it yet, under the title it was born with: a new chat in all but age. */
export function isEmptyNewChat(conversation: Conversation, hasPending: boolean): boolean {
  return conversation.messageCount === 0 && conversation.title === DEFAULT_CONVERSATION_TITLE && !hasPending;
}

/**
 * The chat "New chat" should open instead of creating another: the current one when it is still
 * empty, else the most recent empty one. Null means create. `list` is most recent first.
 */
export function reusableEmptyChat(
  list: readonly Conversation[],
  selectedId: string | null,
  hasPending: (conversationId: string) => boolean,
): Conversation | null {
  const selected = list.find((c) => c.id === selectedId);
  if (selected && isEmptyNewChat(selected, hasPending(selected.id))) return selected;
  return list.find((c) => isEmptyNewChat(c, hasPending(c.id))) ?? null;
}
