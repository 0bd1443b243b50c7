import { streamText, type ModelMessage } from 'ai';
import type { ConversationStore } from '../conversations/store.js';
import { DEFAULT_TITLE } from '../conversations/store.js';
import type { EventBus } from '../gateway/event-bus.js';
import type { Keychain } from '../identity/keychain.js';
import type { Message } from '../protocol/entities.js';
import { Cell0Error, type ErrorShape } from '../protocol/errors.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { chatModel, type ProviderConnection } from './provider.js';
import { toProviderError } from './provider-errors.js';

export const PROVIDER_KEY_ACCOUNT = 'provider:openai-compatible:api-key';

export interface ChatServiceOptions {
  /** How many earlier messages the model sees (memory synthesis replaces this later). */
  historyLimit?: number;
  /** How often a streaming reply's text is saved, so a crash keeps most of it. */
  flushIntervalMs?: number;
}

interface ActiveReply {
  controller: AbortController;
  done: Promise<void>;
}

function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line || DEFAULT_TITLE;
}

/** Runs one streamed reply per conversation and keeps the store and the clients in step. */
export class ChatService {
  private readonly active = new Map<string, ActiveReply>();
  private readonly historyLimit: number;
  private readonly flushIntervalMs: number;

  private readonly onStreamFailure: (err: unknown) => void;

  constructor(
    private readonly store: ConversationStore,
    private readonly settings: SettingsStore,
    private readonly keychain: Keychain,
    private readonly bus: EventBus,
    options: ChatServiceOptions & { onStreamFailure?: (err: unknown) => void } = {},
  ) {
    this.historyLimit = options.historyLimit ?? 50;
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    // Saving the final state can fail only if the conversation vanished meanwhile; nothing to show then.
    this.onStreamFailure = options.onStreamFailure ?? (() => undefined);
  }

  async start(): Promise<void> {
    await this.store.markInterrupted();
  }

  /** Cancels every running reply and waits until each has saved its partial text. */
  async stop(): Promise<void> {
    const running = [...this.active.values()];
    for (const reply of running) reply.controller.abort();
    await Promise.allSettled(running.map((r) => r.done));
  }

  isStreaming(conversationId: string): boolean {
    return this.active.has(conversationId);
  }

  async send(
    conversationId: string,
    text: string,
    clientMessageId: string,
  ): Promise<{ userMessage: Message; assistantMessage: Message }> {
    const resent = await this.store.findExchange(conversationId, clientMessageId);
    if (resent) return resent;
    if (this.active.has(conversationId)) {
      throw new Cell0Error(
        'BUSY',
        'A reply is still streaming in this conversation. Stop it or wait for it to finish.',
      );
    }
    const provider = this.settings.provider();
    if (!provider) {
      throw new Cell0Error(
        'PROVIDER_NOT_CONFIGURED',
        'No model is set up yet. Open Settings and connect a provider.',
      );
    }
    // Claim the slot before any await, so two quick sends cannot both start a reply.
    const controller = new AbortController();
    let finished!: () => void;
    const slot: ActiveReply = { controller, done: new Promise<void>((r) => (finished = r)) };
    this.active.set(conversationId, slot);
    try {
      const apiKey = await this.keychain.get(PROVIDER_KEY_ACCOUNT);
      const before = await this.store.get(conversationId);
      const exchange = await this.store.appendExchange(conversationId, text, clientMessageId, provider.model);
      this.bus.emit('message.created', { message: exchange.userMessage });
      this.bus.emit('message.created', { message: exchange.assistantMessage });
      if (before.messageCount === 0 && before.title === DEFAULT_TITLE) {
        await this.store.rename(conversationId, titleFrom(text));
      }
      this.bus.emit('conversation.updated', { conversation: await this.store.get(conversationId) });
      void this.stream(exchange.assistantMessage, { ...provider, apiKey }, slot)
        .catch((err: unknown) => this.onStreamFailure(err))
        .finally(() => {
          this.release(conversationId, slot);
          finished();
        });
      return { userMessage: exchange.userMessage, assistantMessage: exchange.assistantMessage };
    } catch (err) {
      this.release(conversationId, slot);
      finished();
      throw err;
    }
  }

  private release(conversationId: string, slot: ActiveReply): void {
    if (this.active.get(conversationId) === slot) this.active.delete(conversationId);
  }

  /** Cancels the streaming reply; its partial text is kept and marked stopped. */
  async stopReply(conversationId: string): Promise<boolean> {
    const reply = this.active.get(conversationId);
    if (!reply) return false;
    reply.controller.abort();
    await reply.done;
    return true;
  }

  private async stream(reply: Message, connection: ProviderConnection, slot: ActiveReply): Promise<void> {
    const signal = slot.controller.signal;
    let content = '';
    let lastFlush = Date.now();
    let flushing: Promise<void> = Promise.resolve();
    let status: Message['status'] = 'complete';
    let error: ErrorShape | null = null;
    try {
      const history = await this.store.history(reply.conversationId, reply.index, this.historyLimit);
      const messages: ModelMessage[] = history.map((m) => ({ role: m.role, content: m.content }));
      const result = streamText({
        model: chatModel(connection),
        messages,
        abortSignal: signal,
        maxRetries: 1,
        // Errors are read from the stream below; the SDK's default would print them to the console.
        onError: () => undefined,
      });
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta' && part.text) {
          content += part.text;
          this.bus.emit('message.delta', {
            conversationId: reply.conversationId,
            messageId: reply.id,
            text: part.text,
          });
          if (Date.now() - lastFlush >= this.flushIntervalMs) {
            lastFlush = Date.now();
            const snapshot = content;
            flushing = flushing.then(() => this.store.updateReply(reply.id, snapshot, 'streaming'));
          }
        } else if (part.type === 'error') {
          throw part.error;
        } else if (part.type === 'abort') {
          status = 'stopped';
        }
      }
      if (signal.aborted) status = 'stopped';
    } catch (err) {
      if (signal.aborted) {
        status = 'stopped';
      } else {
        status = 'error';
        error = toProviderError(err, {
          baseUrl: connection.baseUrl,
          secret: connection.apiKey,
          streamed: content.length > 0,
        }).toShape();
      }
    }
    await flushing.catch(() => undefined);
    await this.store.updateReply(reply.id, content, status, error);
    await this.store.touch(reply.conversationId);
    // Free the conversation before telling clients, so a send prompted by this event is not BUSY.
    this.release(reply.conversationId, slot);
    this.bus.emit('message.updated', { message: await this.store.message(reply.id) });
    this.bus.emit('conversation.updated', { conversation: await this.store.get(reply.conversationId) });
  }
}
