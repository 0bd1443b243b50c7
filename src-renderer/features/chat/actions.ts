import type { Message } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { waitForConnection } from '../../app/wait-for-connection.js';
import { isClientError } from '../../lib/client.js';
import { createConversation } from '../conversations/actions.js';
import { useMessages } from '../../stores/messages.js';
import { describeSendError } from './send-errors.js';

async function sendOnce(conversationId: string, text: string, clientMessageId: string, dryRun = false) {
  const params = { conversationId, text, clientMessageId, ...(dryRun ? { dryRun } : {}) };
  try {
    return await client().call('chat.send', params);
  } catch (err) {
    // The same idempotency key makes resending after a dropped connection safe: never a twin.
    if (isClientError(err) && err.code === 'TRANSPORT' && (await waitForConnection(20_000))) {
      return client().call('chat.send', params);
    }
    throw err;
  }
}

/**
 * The owner's message as the composer sends it, by chat or as a swarm (`deliver` makes the call):
 * into the open conversation (made first if there is none), shown as pending until the core has
 * stored it. Returns the call's result, or null with the reason in the store's sendError.
 */
export async function submitExchange<T extends { userMessage: Message; assistantMessage: Message }>(
  text: string,
  deliver: (conversationId: string, clientMessageId: string) => Promise<T>,
  describeError: (err: unknown) => string,
): Promise<T | null> {
  const store = useMessages.getState();
  store.setSendError(null);
  let conversationId = store.conversationId;
  try {
    // Typing into the empty window should just work, without pressing New chat first.
    conversationId ??= (await createConversation()).id;
  } catch (err) {
    useMessages.getState().setSendError(describeError(err));
    return null;
  }
  const clientMessageId = crypto.randomUUID();
  useMessages.getState().addPending({ clientMessageId, conversationId, text, createdAt: Date.now() });
  try {
    const result = await deliver(conversationId, clientMessageId);
    useMessages.getState().upsertMessages(conversationId, [result.userMessage, result.assistantMessage]);
    return result;
  } catch (err) {
    if (useMessages.getState().conversationId === conversationId) {
      useMessages.getState().setSendError(describeError(err));
    }
    return null;
  } finally {
    useMessages.getState().removePending(clientMessageId);
  }
}

/** Returns false when the message was not sent; the reason is in the store's sendError. */
export async function sendMessage(text: string, options: { dryRun?: boolean } = {}): Promise<boolean> {
  const trimmed = text.trim();
  if (!trimmed) return true;
  const sent = await submitExchange(
    trimmed,
    (conversationId, clientMessageId) =>
      sendOnce(conversationId, trimmed, clientMessageId, options.dryRun === true),
    describeSendError,
  );
  return sent !== null;
}

export async function stopStreaming(): Promise<void> {
  const { conversationId, streaming, pending } = useMessages.getState();
  if (!conversationId || (!streaming && pending.length === 0)) return;
  try {
    await client().call('chat.stop', { conversationId });
  } catch (err) {
    useMessages.getState().setSendError(`Could not stop the reply: ${describeSendError(err)}`);
  }
}

/** Sends again the user text that led to the failed reply at errorIndex. */
export function retryFrom(errorIndex: number): void {
  const { cache } = useMessages.getState();
  for (let i = errorIndex - 1; i >= Math.max(0, errorIndex - 20); i--) {
    const m = cache.get(i);
    if (m?.role === 'user') {
      void sendMessage(m.content);
      return;
    }
  }
  useMessages.getState().setSendError('The message to retry is not loaded; scroll up a little and retry.');
}
