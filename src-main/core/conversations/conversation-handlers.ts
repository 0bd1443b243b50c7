import type { EventBus } from '../base/event-bus.js';
import type { Handlers } from '../protocol/router.js';
import type { ConversationStore } from './store.js';

type ConversationMethods =
  | 'conversations.list'
  | 'conversations.get'
  | 'conversations.create'
  | 'conversations.rename'
  | 'conversations.delete'
  | 'conversations.setModel'
  | 'messages.page'
  | 'chat.send'
  | 'chat.stop';

export interface ConversationHandlerDeps {
  bus: EventBus;
  conversations: ConversationStore;
  /** The chat replies (agents layer), given by the composition root. */
  chat: {
    send(
      conversationId: string,
      text: string,
      clientMessageId: string,
      options?: { dryRun?: boolean },
    ): ReturnType<Handlers['chat.send']>;
    stopReply(conversationId: string): Promise<boolean>;
  };
  /** Throws NOT_FOUND for an unknown provider. */
  requireProvider: (providerId: string) => void;
}

export function conversationHandlers({
  bus,
  conversations,
  chat,
  requireProvider,
}: ConversationHandlerDeps): Pick<Handlers, ConversationMethods> {
  return {
    'conversations.list': async () => ({ conversations: await conversations.list() }),
    'conversations.get': ({ id }) => conversations.get(id),
    'conversations.create': async (params) => {
      const conversation = await conversations.create(params?.title);
      bus.emit('conversation.updated', { conversation });
      return conversation;
    },
    'conversations.rename': async ({ id, title }) => {
      const conversation = await conversations.rename(id, title);
      bus.emit('conversation.updated', { conversation });
      return conversation;
    },
    'conversations.delete': async ({ id }) => {
      await chat.stopReply(id);
      await conversations.delete(id);
      bus.emit('conversation.deleted', { id });
      return { id };
    },
    'conversations.setModel': async ({ id, modelRef }) => {
      if (modelRef) requireProvider(modelRef.providerId);
      const conversation = await conversations.setModel(id, modelRef);
      bus.emit('conversation.updated', { conversation });
      return conversation;
    },
    'messages.page': ({ conversationId, offset, limit }) => conversations.page(conversationId, offset, limit),
    'chat.send': ({ conversationId, text, clientMessageId, dryRun }) =>
      chat.send(conversationId, text, clientMessageId, dryRun ? { dryRun } : {}),
    'chat.stop': async ({ conversationId }) => ({ stopped: await chat.stopReply(conversationId) }),
  };
}
