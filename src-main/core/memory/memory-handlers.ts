import type { Handlers } from '../protocol/router.js';
import type { MemoryService } from './memory-service.js';

type MemoryMethods =
  | 'search.messages'
  | 'conversations.export'
  | 'memories.list'
  | 'memories.create'
  | 'memories.update'
  | 'memories.delete'
  | 'memories.forget'
  | 'memories.usedBy'
  | 'memory.status'
  | 'memory.retry'
  | 'memory.embedding'
  | 'memory.embeddingModels'
  | 'settings.setMemoryEmbedder'
  | 'settings.setPersona'
  | 'settings.getMemory'
  | 'settings.setMemoryBudget';

export function memoryHandlers({ memory }: { memory: MemoryService }): Pick<Handlers, MemoryMethods> {
  return {
    'search.messages': async ({ query, limit }) => ({ hits: await memory.search(query, limit) }),
    'conversations.export': ({ id, format }) => memory.exportConversation(id, format),
    'memories.list': (params) => memory.store.list(params),
    // Made by hand in the Memory view: the owner's word, so it starts out important.
    'memories.create': ({ text, kind, pinned, eventDate }) =>
      memory.store.create({
        text,
        kind: kind ?? 'note',
        pinned: pinned ?? false,
        importance: 0.8,
        eventDate: eventDate ?? null,
        createdBy: 'owner',
      }),
    'memories.update': ({ id, ...patch }) => memory.store.update(id, patch),
    'memories.delete': async ({ id }) => {
      await memory.store.delete(id);
      return { id };
    },
    'memories.forget': async ({ topic }) => ({ forgotten: await memory.store.forget(topic) }),
    'memories.usedBy': async ({ messageId }) => ({ memories: await memory.store.usedBy(messageId) }),
    'memory.status': () => memory.status(),
    'memory.retry': ({ conversationId }) => memory.retry(conversationId),
    'memory.embedding': () => memory.embedding(),
    'memory.embeddingModels': async ({ providerId }) => ({
      models: await memory.embeddingModels(providerId),
    }),
    'settings.setMemoryEmbedder': (choice) => memory.chooseEmbedder(choice),
    'settings.setPersona': (persona) => memory.setPersona(persona),
    'settings.getMemory': () => memory.memorySettings(),
    'settings.setMemoryBudget': ({ tokensPerDay }) => memory.setBudget(tokensPerDay),
  };
}
