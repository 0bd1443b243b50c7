import type { Client } from '../../lib/client.js';
import { useMemory } from '../../stores/memory.js';
import { loadDaemonStatus, loadEmbedding, refreshMemories } from './actions.js';

/** On each (re)connect: the daemon's status, and a shown memory list (events were lost meanwhile). */
export async function refetchMemory(): Promise<void> {
  refreshMemories();
  await Promise.all([loadDaemonStatus(), loadEmbedding()]);
}

/** The memory events, kept here so app/sync.ts only spreads them in. */
export function memoryListeners(c: Client): (() => void)[] {
  return [
    c.on('memory.updated', ({ memory }) => useMemory.getState().updated(memory)),
    c.on('memory.deleted', ({ id }) => useMemory.getState().deleted(id)),
    c.on('memory.status', ({ status }) => useMemory.getState().setDaemon(status)),
    c.on('memory.embedding', ({ status }) => useMemory.getState().setEmbedding(status)),
    c.on('message.memories', ({ messageId, memories }) =>
      useMemory.getState().setUsed(messageId, { status: 'ready', memories, error: null }),
    ),
  ];
}
