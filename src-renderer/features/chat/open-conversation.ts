import { client } from '../../app/client-instance.js';
import { isClientError, errorMessage } from '../../lib/client.js';
import { PageLoader } from '../../lib/page-loader.js';
import { useConversations } from '../../stores/conversations.js';
import { useMessages } from '../../stores/messages.js';
import { loadToolCalls } from '../tools/actions.js';

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
    // The latest messages are asked for together with the conversation, not after it: one round
    // trip to the screen instead of two.
    const [conversation, latest] = await Promise.all([
      client().call('conversations.get', { id }),
      refresh
        ? null
        : client().call('messages.page', { conversationId: id, offset: 0, limit: PAGE_SIZE, last: true }),
    ]);
    if (useMessages.getState().conversationId !== id) return;
    useConversations.getState().upsert(conversation);
    if (latest) useMessages.getState().upsertMessages(id, latest.messages, latest.total);
    // The two answers may straddle a new message: the larger count has it.
    useMessages.getState().setTotal(id, Math.max(conversation.messageCount, latest?.total ?? 0));
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

/** Fetches the open conversation again after its messages changed in place (versions, deletions). */
export async function reloadMessages(id: string, total: number): Promise<void> {
  if (useMessages.getState().conversationId !== id) return;
  const loader = createLoader(id);
  useMessages.getState().replaceAll(id, total, loader);
  await loader.ensure(total - PAGE_SIZE, total - 1, total);
}

/** Asks for the pages behind the rows the list shows; already loaded or loading pages are skipped. */
export function ensureRows(first: number, last: number): void {
  const { loader, total } = useMessages.getState();
  void loader?.ensure(first - PREFETCH_ROWS, last + PREFETCH_ROWS, total);
}
