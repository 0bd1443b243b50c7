import type { Conversation } from '../../../src-main/core/protocol/index.js';

/** The desktop shell opens the same page with this fragment in its small always-on-top window. */
export const QUICK_PROMPT_HASH = '#quick';

/** Long enough to read "Sent", short enough that the window is gone before the next thought. */
export const CLOSE_AFTER_SEND_MS = 600;

export type QuickTarget = 'current' | 'new';

export function isQuickPromptHash(hash: string): boolean {
  return hash === QUICK_PROMPT_HASH;
}

/**
 * "Current conversation": the one the main window has selected (same origin, same storage), else
 * the most recently updated. `list` is sorted most recent first, as the conversations store keeps it.
 */
export function currentConversation(
  list: readonly Conversation[],
  rememberedId: string | null,
): Conversation | null {
  return list.find((c) => c.id === rememberedId) ?? list[0] ?? null;
}

export type QuickKeyAction = 'send' | 'close' | null;

/** Enter sends, Shift+Enter is a newline (the default), Esc closes; an IME's Enter picks a word. */
export function quickKeyAction(key: string, shiftKey: boolean, isComposing: boolean): QuickKeyAction {
  if (isComposing) return null;
  if (key === 'Enter' && !shiftKey) return 'send';
  if (key === 'Escape') return 'close';
  return null;
}

/** One send, kept so a retry after a failure reuses its idempotency key and created conversation. */
export interface QuickSendAttempt {
  text: string;
  target: QuickTarget;
  clientMessageId: string;
  /** Null for "new" until conversations.create answers; then the retry sends there, not to a second one. */
  conversation: Conversation | null;
}

/**
 * The attempt for this send: the previous one again when nothing changed (same text, same target),
 * so a retry after a dropped answer can never post the message twice or open two conversations.
 */
export function planAttempt(
  previous: QuickSendAttempt | null,
  text: string,
  target: QuickTarget,
  current: Conversation | null,
  newId: () => string,
): QuickSendAttempt {
  const trimmed = text.trim();
  const effective: QuickTarget = target === 'current' && current ? 'current' : 'new';
  if (
    previous &&
    previous.text === trimmed &&
    previous.target === effective &&
    (effective === 'new' || previous.conversation?.id === current?.id)
  ) {
    return previous;
  }
  return {
    text: trimmed,
    target: effective,
    clientMessageId: newId(),
    conversation: effective === 'current' ? current : null,
  };
}
