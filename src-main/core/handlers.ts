import { listModels } from './agents/provider.js';
import { PROVIDER_KEY_ACCOUNT, type ChatService } from './agents/chat-service.js';
import type { ConversationStore } from './conversations/store.js';
import type { EventBus } from './gateway/event-bus.js';
import type { Keychain } from './identity/keychain.js';
import type { ProviderSettings } from './protocol/entities.js';
import { Cell0Error } from './protocol/errors.js';
import type { Handlers } from './protocol/router.js';
import type { SettingsStore } from './settings/settings-store.js';

export interface HandlerDeps {
  mode: 'desktop' | 'serve';
  dataDir: string;
  version: string;
  bus: EventBus;
  conversations: ConversationStore;
  chat: ChatService;
  settings: SettingsStore;
  keychain: Keychain;
}

/** Binds every protocol method to the service that does the work. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { bus, conversations, chat, settings, keychain } = deps;

  async function providerSettings(): Promise<ProviderSettings | null> {
    const provider = settings.provider();
    if (!provider) return null;
    // A locked keychain must not hide the rest of the settings: report "no key known" instead.
    const key = await keychain.get(PROVIDER_KEY_ACCOUNT).catch(() => null);
    return { ...provider, hasApiKey: key !== null };
  }

  return {
    'session.hello': ({ token }, ctx) => {
      if (ctx.authenticated && !ctx.authenticate) return { version: deps.version };
      if (!ctx.authenticate?.(token)) {
        throw new Cell0Error(
          'UNAUTHENTICATED',
          'The access token is wrong. Open the URL that `cell0 serve` printed.',
        );
      }
      return { version: deps.version };
    },
    'app.info': () => ({ version: deps.version, dataDir: deps.dataDir, mode: deps.mode }),
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
    'messages.page': ({ conversationId, offset, limit }) => conversations.page(conversationId, offset, limit),
    'chat.send': ({ conversationId, text, clientMessageId }) =>
      chat.send(conversationId, text, clientMessageId),
    'chat.stop': async ({ conversationId }) => ({ stopped: await chat.stopReply(conversationId) }),
    'settings.get': async () => ({ provider: await providerSettings() }),
    'settings.setProvider': async ({ baseUrl, model, apiKey }) => {
      // The key goes first: if the keychain refuses, nothing else changes.
      if (typeof apiKey === 'string' && apiKey.length > 0) await keychain.set(PROVIDER_KEY_ACCOUNT, apiKey);
      else if (apiKey === null || apiKey === '') await keychain.delete(PROVIDER_KEY_ACCOUNT);
      settings.setProvider({ kind: 'openai-compatible', baseUrl: baseUrl.replace(/\/+$/, ''), model });
      const provider = await providerSettings();
      if (!provider) throw new Cell0Error('INTERNAL', 'Settings were not saved.');
      bus.emit('settings.updated', { provider });
      return provider;
    },
    'provider.test': async (params) => {
      const saved = settings.provider();
      const baseUrl = params?.baseUrl ?? saved?.baseUrl;
      if (!baseUrl) {
        throw new Cell0Error('PROVIDER_NOT_CONFIGURED', 'Enter the provider’s base URL first.');
      }
      // The stored key only ever goes to the stored server, never to a URL typed in for a test.
      const sameServer = !params?.baseUrl || params.baseUrl.replace(/\/+$/, '') === saved?.baseUrl;
      const apiKey = params?.apiKey
        ? params.apiKey
        : sameServer
          ? await keychain.get(PROVIDER_KEY_ACCOUNT)
          : null;
      return { models: await listModels({ baseUrl, apiKey }) };
    },
  };
}
