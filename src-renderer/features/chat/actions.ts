import type { Message } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { waitForConnection } from '../../app/wait-for-connection.js';
import { isClientError, errorMessage } from '../../lib/client.js';
import { PageLoader } from '../../lib/page-loader.js';
import { useConversations } from '../../stores/conversations.js';
import { createConversation } from '../conversations/actions.js';
import { useMessages } from '../../stores/messages.js';
import { loadToolCalls } from '../tools/actions.js';
import { describeSendError } from './send-errors.js';

export const PAGE_SIZE = 100;
/** How far beyond the visible rows pages are fetched, so scrolling rarely meets a skeleton. */
const PREFETCH_ROWS = 40;

function createLoader(conversationId: string): PageLoader {
  const loader: PageLoader = new PageLoader({
    pageSize: PAGE_SIZE,
    fetchPage: (offset, limit) => client().call('messages.page', { conversationId, offset, limit }),
    onPage: (page) => useMessages.getState().upsertMessages(conversationId, page.messages, page.total),
    onError: (err) => console.warn('cell0: a page of messages failed to load', err),
    has: (index) => useMessages.getState().cache.has(index),
  });
  return loader;
}

/**
 * Shows a conversation, starting from its latest messages. Called again for the same id after a
 * reconnect: the messages on screen stay while the missed changes are fetched.
 */
export async function openConversation(id: string | null): Promise<void> {
  const store = useMessages.getState();
  if (!id) {
    store.reset(null, null);
    return;
  }
  const refresh = store.conversationId === id && store.status !== 'error';
  let loader = store.loader;
  if (refresh && loader) {
    loader.invalidate();
  } else {
    loader = createLoader(id);
    store.reset(id, loader);
  }
  void loadToolCalls(id);
  try {
    const conversation = await client().call('conversations.get', { id });
    if (useMessages.getState().conversationId !== id) return;
    useConversations.getState().upsert(conversation);
    useMessages.getState().setTotal(id, conversation.messageCount);
    const total = useMessages.getState().total;
    await loader.ensure(total - PAGE_SIZE, total - 1, total);
    if (useMessages.getState().conversationId !== id) return;
    useMessages.getState().setLoadStatus('ready');
    if (refresh) useMessages.getState().bumpEpoch();
  } catch (err) {
    if (useMessages.getState().conversationId !== id) return;
    if (isClientError(err) && err.code === 'NOT_FOUND') {
      useConversations.getState().remove(id);
      void openConversation(useConversations.getState().selectedId);
      return;
    }
    useMessages.getState().setLoadStatus('error', errorMessage(err));
  }
}

/** Asks for the pages behind the rows the list shows; already loaded or loading pages are skipped. */
export function ensureRows(first: number, last: number): void {
  const { loader, total } = useMessages.getState();
  void loader?.ensure(first - PREFETCH_ROWS, last + PREFETCH_ROWS, total);
}

async function sendOnce(conversationId: string, text: string, clientMessageId: string) {
  try {
    return await client().call('chat.send', { conversationId, text, clientMessageId });
  } catch (err) {
    // The same idempotency key makes resending after a dropped connection safe: never a twin.
    if (isClientError(err) && err.code === 'TRANSPORT' && (await waitForConnection(20_000))) {
      return client().call('chat.send', { conversationId, text, clientMessageId });
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
export async function sendMessage(text: string): Promise<boolean> {
  const trimmed = text.trim();
  if (!trimmed) return true;
  const sent = await submitExchange(
    trimmed,
    (conversationId, clientMessageId) => sendOnce(conversationId, trimmed, clientMessageId),
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
