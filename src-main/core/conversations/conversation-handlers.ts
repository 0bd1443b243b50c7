import type { EventBus } from '../base/event-bus.js';
import type { Handlers } from '../protocol/router.js';
import type { Attachment, ConversationSettings } from '../protocol/entities.js';
import { DEFAULT_CONVERSATION_SETTINGS } from '../protocol/entities.js';
import { Cell0Error } from '../protocol/errors.js';
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
  | 'chat.stop'
  | 'chat.regenerate'
  | 'chat.edit'
  | 'messages.switchVersion'
  | 'messages.delete'
  | 'conversations.configure'
  | 'conversations.setWorkspace'
  | 'conversations.pin'
  | 'conversations.archive'
  | 'settings.getConversationDefaults'
  | 'settings.setConversationDefaults';

export interface ConversationHandlerDeps {
  bus: EventBus;
  conversations: ConversationStore;
  /** The chat replies (agents layer), given by the composition root. */
  chat: {
    send(
      conversationId: string,
      text: string,
      clientMessageId: string,
      options?: { tools?: 'ask' | 'off'; dryRun?: boolean; attachments?: Attachment[] },
    ): ReturnType<Handlers['chat.send']>;
    regenerate(conversationId: string, messageId: string): ReturnType<Handlers['chat.regenerate']>;
    edit(
      conversationId: string,
      messageId: string,
      text: string,
      clientMessageId: string,
    ): ReturnType<Handlers['chat.edit']>;
    /** Throws BUSY while a reply or swarm runs in the conversation. */
    assertIdle(conversationId: string): void;
    emitReset(conversationId: string): Promise<void>;
    stopReply(conversationId: string): Promise<boolean>;
  };
  /** What new conversations start with (Settings → New conversations). */
  defaults?: {
    get(): ConversationSettings;
    set(settings: ConversationSettings): ConversationSettings;
  };
  /** The attachments a send refers to, checked against the conversation's workspace. */
  resolveAttachments?: (conversationId: string, paths: string[]) => Promise<Attachment[]>;
  /** The kernel's checks and audit for a chosen workspace folder (Kernel.chooseWorkspace). */
  workspaces?: {
    choose(
      conversationId: string,
      path: string | null,
      store: (real: string | null) => Promise<void>,
    ): Promise<string | null>;
  };
  /** Throws NOT_FOUND for an unknown provider. */
  requireProvider: (providerId: string) => void | Promise<void>;
}

export function conversationHandlers({
  bus,
  conversations,
  chat,
  requireProvider,
  resolveAttachments,
  defaults,
  workspaces,
}: ConversationHandlerDeps): Pick<Handlers, ConversationMethods> {
  return {
    'conversations.list': async () => ({ conversations: await conversations.list() }),
    'conversations.get': ({ id }) => conversations.get(id),
    'conversations.create': async (params) => {
      const initial = defaults?.get() ?? DEFAULT_CONVERSATION_SETTINGS;
      const created = await conversations.create(params?.title);
      const differs = JSON.stringify(initial) !== JSON.stringify(DEFAULT_CONVERSATION_SETTINGS);
      const conversation = differs ? await conversations.configure(created.id, initial) : created;
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
      if (modelRef) await requireProvider(modelRef.providerId);
      const conversation = await conversations.setModel(id, modelRef);
      bus.emit('conversation.updated', { conversation });
      return conversation;
    },
    'messages.page': ({ conversationId, offset, limit, last }) =>
      conversations.page(conversationId, offset, limit, last === true),
    'chat.send': async ({ conversationId, text, clientMessageId, attachments, tools, dryRun }) => {
      if (attachments && attachments.length > 0 && !resolveAttachments) {
        throw new Cell0Error(
          'SERVICE_UNAVAILABLE',
          'Attachments need the kernel (the workspace); it is not running.',
        );
      }
      const files =
        attachments && attachments.length > 0 && resolveAttachments
          ? await resolveAttachments(conversationId, attachments)
          : [];
      return chat.send(conversationId, text, clientMessageId, {
        ...(tools ? { tools } : {}),
        ...(dryRun ? { dryRun } : {}),
        ...(files.length > 0 ? { attachments: files } : {}),
      });
    },
    'chat.stop': async ({ conversationId }) => ({ stopped: await chat.stopReply(conversationId) }),
    'chat.regenerate': ({ conversationId, messageId }) => chat.regenerate(conversationId, messageId),
    'chat.edit': ({ conversationId, messageId, text, clientMessageId }) =>
      chat.edit(conversationId, messageId, text, clientMessageId),
    'messages.switchVersion': async ({ conversationId, index, version }) => {
      chat.assertIdle(conversationId);
      const total = await conversations.switchVersion(conversationId, index, version);
      await chat.emitReset(conversationId);
      return { total };
    },
    'messages.delete': async ({ conversationId, messageId, scope }) => {
      const message = await conversations.message(messageId);
      if (message.conversationId !== conversationId) {
        throw new Cell0Error('NOT_FOUND', 'That message is not in this conversation.');
      }
      chat.assertIdle(conversationId);
      const result = await conversations.deleteMessages(messageId, scope);
      await chat.emitReset(conversationId);
      bus.emit('conversation.updated', { conversation: await conversations.get(conversationId) });
      return result;
    },
    'conversations.configure': async ({ id, settings }) => {
      const conversation = await conversations.configure(id, settings);
      bus.emit('conversation.updated', { conversation });
      return conversation;
    },
    'conversations.setWorkspace': async ({ id, path }) => {
      if (!workspaces) throw new Cell0Error('SERVICE_UNAVAILABLE', 'The kernel is not running; retry.');
      await conversations.get(id);
      await workspaces.choose(id, path, async (real) => {
        await conversations.setWorkspace(id, real);
      });
      const conversation = await conversations.get(id);
      bus.emit('conversation.updated', { conversation });
      return conversation;
    },
    'settings.getConversationDefaults': () => defaults?.get() ?? { ...DEFAULT_CONVERSATION_SETTINGS },
    'settings.setConversationDefaults': (settings) => {
      if (!defaults) throw new Cell0Error('SERVICE_UNAVAILABLE', 'Settings are not available yet; retry.');
      return defaults.set(settings);
    },
    'conversations.pin': async ({ id, pinned }) => {
      const conversation = await conversations.setPinned(id, pinned);
      bus.emit('conversation.updated', { conversation });
      return conversation;
    },
    'conversations.archive': async ({ id, archived }) => {
      const conversation = await conversations.setArchived(id, archived);
      bus.emit('conversation.updated', { conversation });
      return conversation;
    },
  };
}
