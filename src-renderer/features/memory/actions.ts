import type {
  EmbedderChoice,
  EmbeddingStatus,
  Memory,
  MethodParams,
} from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { useMemory } from '../../stores/memory.js';

export const MEMORY_PAGE = 50;

/** Loads the first page for a filter; an answer for an older filter is dropped by the store. */
export async function loadMemories(query: string, includeRetired: boolean): Promise<void> {
  const seq = useMemory.getState().startList(query, includeRetired);
  await fetchPage(seq, 0);
}

export async function loadMoreMemories(): Promise<void> {
  const { list } = useMemory.getState();
  if (list.status === 'loading' || list.items.length >= list.total) return;
  useMemory.getState().startMore();
  await fetchPage(list.seq, list.items.length);
}

/** After a reconnect: events sent while the link was down are lost, so a shown list is reloaded. */
export function refreshMemories(): void {
  const { list } = useMemory.getState();
  if (list.status !== 'idle') void loadMemories(list.query, list.includeRetired);
}

async function fetchPage(seq: number, offset: number): Promise<void> {
  const { query, includeRetired } = useMemory.getState().list;
  try {
    const page = await client().call('memories.list', {
      ...(query === '' ? {} : { query }),
      includeRetired,
      offset,
      limit: MEMORY_PAGE,
    });
    useMemory.getState().listPage(seq, page.memories, page.total);
  } catch (err) {
    useMemory.getState().listFailed(seq, errorMessage(err));
  }
}

/** The answer is applied at once; the memory.updated event that follows changes nothing more. */
export async function updateMemory(params: MethodParams<'memories.update'>): Promise<Memory> {
  const memory = await client().call('memories.update', params);
  useMemory.getState().updated(memory);
  return memory;
}

export async function createMemory(params: MethodParams<'memories.create'>): Promise<Memory> {
  const memory = await client().call('memories.create', params);
  useMemory.getState().updated(memory);
  return memory;
}

export async function deleteMemory(id: string): Promise<void> {
  await client().call('memories.delete', { id });
  useMemory.getState().deleted(id);
}

export async function forgetTopic(topic: string): Promise<Memory[]> {
  const { forgotten } = await client().call('memories.forget', { topic });
  for (const m of forgotten) useMemory.getState().deleted(m.id);
  return forgotten;
}

/** Asked for once per reply and session: the message.memories event fills it while it is written. */
export async function loadUsedBy(messageId: string): Promise<void> {
  const known = useMemory.getState().used[messageId];
  if (known && known.status !== 'error') return;
  useMemory.getState().setUsed(messageId, { status: 'loading', memories: [], error: null });
  try {
    const { memories } = await client().call('memories.usedBy', { messageId });
    useMemory.getState().setUsed(messageId, { status: 'ready', memories, error: null });
  } catch (err) {
    useMemory.getState().setUsed(messageId, { status: 'error', memories: [], error: errorMessage(err) });
  }
}

/** A core without the memory daemon leaves the status bar item out rather than guessing. */
export async function loadDaemonStatus(): Promise<void> {
  try {
    useMemory.getState().setDaemon(await client().call('memory.status', {}));
  } catch (err) {
    console.warn('cell0: could not load the memory daemon status', err);
  }
}

/** The daemon reads the conversation again at its next step; the new status drops it from the list. */
export async function retryConversation(conversationId: string): Promise<void> {
  useMemory.getState().setDaemon(await client().call('memory.retry', { conversationId }));
}

export async function loadEmbedding(): Promise<void> {
  try {
    useMemory.getState().setEmbedding(await client().call('memory.embedding', {}));
  } catch (err) {
    console.warn('cell0: could not load the memory embedder status', err);
  }
}

/** Errors (an unknown model, a refused key) are the caller's to show where the choice was made. */
export async function chooseEmbedder(choice: EmbedderChoice): Promise<EmbeddingStatus> {
  const status = await client().call('settings.setMemoryEmbedder', choice);
  useMemory.getState().setEmbedding(status);
  return status;
}

export async function embeddingModels(providerId: string): Promise<string[]> {
  return (await client().call('memory.embeddingModels', { providerId })).models;
}
