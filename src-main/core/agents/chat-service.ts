import type { ToolSet } from 'ai';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { PauseGate } from '../base/pause-gate.js';
import type { ConversationStore } from '../conversations/store.js';
import { DEFAULT_TITLE } from '../conversations/store.js';
import type { Kernel } from '../kernel/kernel.js';
import type { MemoryService } from '../memory/memory-service.js';
import type { Message } from '../protocol/entities.js';
import { Cell0Error } from '../protocol/errors.js';
import {
  DEFAULT_BUDGET,
  streamReply,
  type Budget,
  type ChatSwarms,
  type ReplyDeps,
  type ToolContext,
} from './chat-reply.js';
import type { ProviderRegistry } from './provider-registry.js';

export { DEFAULT_BUDGET, type Budget, type ChatSwarms } from './chat-reply.js';

export interface ChatServiceOptions {
  /** How many earlier messages the model sees when there is no memory service to assemble the context. */
  historyLimit?: number;
  /** How often a streaming reply's text is saved, so a crash keeps most of it. */
  flushIntervalMs?: number;
  /** First wait after a rate limit or overload, doubled each time unless the provider says how long. */
  retryBaseMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** Runs the agent's tools: every call through its permissions, sandbox and audit log. */
  kernel?: Kernel;
  /** Assembles each reply's context (persona, memories, turns within a budget) and offers the memory tools. */
  memory?: MemoryService;
  /** Offers `propose_swarm` and keeps a conversation with a running swarm from starting a reply. */
  swarms?: ChatSwarms;
  /** "Pause all agents": replies wait here before each model call. */
  gate?: PauseGate;
  /** Tools offered without the kernel: their calls are only surfaced as events (tests). */
  tools?: ToolSet;
  /** Tools of the conversation's place, given by a layer above (a channel chat's `send_file`). */
  conversationTools?: ReplyDeps['conversationTools'];
  /** More tools from layers above chat (MCP servers), handed in by the composition root. */
  extraTools?: (ctx: ToolContext) => ToolSet;
  budget?: Partial<Budget>;
  logger?: Logger;
  onStreamFailure?: (err: unknown) => void;
}

interface ActiveReply {
  controller: AbortController;
  done: Promise<void>;
}

function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line || DEFAULT_TITLE;
}

/** Runs one streamed reply per conversation, each through the one agent turn. */
export class ChatService {
  private readonly active = new Map<string, ActiveReply>();
  private readonly reply: ReplyDeps;
  private readonly onStreamFailure: (err: unknown) => void;

  constructor(
    private readonly store: ConversationStore,
    private readonly providers: ProviderRegistry,
    private readonly bus: EventBus,
    private readonly options: ChatServiceOptions = {},
  ) {
    this.reply = {
      store,
      bus,
      budget: { ...DEFAULT_BUDGET, ...options.budget },
      retry: {
        ...(options.retryBaseMs !== undefined ? { baseMs: options.retryBaseMs } : {}),
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      },
      flushIntervalMs: options.flushIntervalMs ?? 500,
      historyLimit: options.historyLimit ?? 50,
      kernel: options.kernel,
      memory: options.memory,
      swarms: options.swarms,
      gate: options.gate,
      tools: options.tools,
      conversationTools: options.conversationTools,
      extraTools: options.extraTools,
      logger: options.logger,
    };
    // Saving the final state can fail only if the conversation vanished meanwhile; nothing to show then.
    this.onStreamFailure = options.onStreamFailure ?? (() => undefined);
  }

  async start(): Promise<void> {
    await this.store.markInterrupted();
  }

  /** Cancels every running reply and waits until each has saved its partial text. */
  async stop(): Promise<void> {
    await this.stopAll();
  }

  async send(
    conversationId: string,
    text: string,
    clientMessageId: string,
    options: { dryRun?: boolean } = {},
  ): Promise<{ userMessage: Message; assistantMessage: Message; labId?: string }> {
    const resent = await this.store.findExchange(conversationId, clientMessageId);
    if (resent) return resent;
    if (this.active.has(conversationId) || this.options.swarms?.isBusy(conversationId)) {
      throw new Cell0Error(
        'BUSY',
        'A reply or a swarm is still running in this conversation. Stop it or wait for it to finish.',
      );
    }
    // Claim the slot before any await, so two quick sends cannot both start a reply.
    const controller = new AbortController();
    let finished!: () => void;
    const slot: ActiveReply = { controller, done: new Promise<void>((r) => (finished = r)) };
    this.active.set(conversationId, slot);
    try {
      const before = await this.store.get(conversationId);
      // Resolved before anything is stored: no provider, no key or a locked keychain leave no trace.
      const resolved = await this.providers.resolve(before.modelRef);
      const lab =
        options.dryRun && this.options.kernel
          ? await this.options.kernel.openLab(conversationId, 'reply')
          : null;
      if (options.dryRun && !lab) {
        throw new Cell0Error(
          'LAB_UNAVAILABLE',
          'A dry run needs the kernel’s sandbox, which this reply has not got.',
        );
      }
      const exchange = await this.store.appendExchange(conversationId, text, clientMessageId, {
        providerId: resolved.provider.id,
        model: resolved.model,
      });
      this.bus.emit('message.created', { message: exchange.userMessage });
      this.bus.emit('message.created', { message: exchange.assistantMessage });
      if (before.messageCount === 0 && before.title === DEFAULT_TITLE) {
        await this.store.rename(conversationId, titleFrom(text));
      }
      this.bus.emit('conversation.updated', { conversation: await this.store.get(conversationId) });
      const release = () => this.release(conversationId, slot);
      void streamReply(this.reply, exchange.assistantMessage, resolved, controller.signal, release, lab?.id)
        .catch((err: unknown) => this.onStreamFailure(err))
        .finally(() => {
          release();
          finished();
        });
      return {
        userMessage: exchange.userMessage,
        assistantMessage: exchange.assistantMessage,
        ...(lab ? { labId: lab.id } : {}),
      };
    } catch (err) {
      this.release(conversationId, slot);
      finished();
      throw err;
    }
  }

  runningCount(): number {
    return this.active.size;
  }

  /** Whether a reply is streaming in the conversation. */
  isStreaming(conversationId: string): boolean {
    return this.active.has(conversationId);
  }

  /** Stops every running reply (the "stop all agents" control). */
  async stopAll(): Promise<number> {
    const running = [...this.active.values()];
    for (const reply of running) reply.controller.abort();
    await Promise.allSettled(running.map((r) => r.done));
    return running.length;
  }

  /**
   * Cancels the streaming reply; its partial text is kept and marked stopped. A swarm started from
   * the chat is the conversation's running reply too: Stop (and Esc) stops it.
   */
  async stopReply(conversationId: string): Promise<boolean> {
    const reply = this.active.get(conversationId);
    if (!reply) return (await this.options.swarms?.stopInConversation(conversationId)) ?? false;
    reply.controller.abort();
    await reply.done;
    return true;
  }

  private release(conversationId: string, slot: ActiveReply): void {
    if (this.active.get(conversationId) === slot) this.active.delete(conversationId);
  }
}
