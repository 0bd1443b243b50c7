import type { ToolSet } from 'ai';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { PauseGate } from '../base/pause-gate.js';
import type { ConversationStore } from '../conversations/store.js';
import { DEFAULT_TITLE } from '../conversations/store.js';
import type { Kernel } from '../kernel/kernel.js';
import type { MemoryService } from '../memory/memory-service.js';
import type { Attachment, Message } from '../protocol/entities.js';
import { Cell0Error } from '../protocol/errors.js';
import {
  DEFAULT_BUDGET,
  streamReply,
  type Budget,
  type ChatSwarms,
  type ReplyDeps,
  type ToolContext,
} from './chat-reply.js';
import { takesImages } from './model-capabilities.js';
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
  /** Attachments in the conversation's workspace: an image's bytes, a PDF's or text file's text. */
  attachments?: ReplyDeps['attachments'];
  budget?: Partial<Budget>;
  logger?: Logger;
  onStreamFailure?: (err: unknown) => void;
}

/** What one send may set for its reply alone (an automation's run: its own budget, maybe no tools). */
export interface SendOptions {
  budget?: Partial<Budget>;
  /** off: the model is offered no tools for this reply. */
  tools?: 'ask' | 'off';
  /** Dry run: the whole reply runs in a lab over the workspace (reviewed and applied after). */
  dryRun?: boolean;
  /** Files copied into the conversation's workspace that the message refers to. */
  attachments?: Attachment[];
}

interface ActiveReply {
  controller: AbortController;
  done: Promise<void>;
}

function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line || DEFAULT_TITLE;
}

/** Before anything is stored: a text-only model is never sent an image it would fail on. */
function refuseImagesFor(model: string, attachments: Attachment[]): void {
  const image = attachments.find((a) => a.kind === 'image');
  if (image && !takesImages(model)) {
    throw new Cell0Error(
      'IMAGES_NOT_SUPPORTED',
      `${model} reads text only, so it cannot look at “${image.name}”. Choose a model that takes images for this chat (GPT-4o, Claude, Gemini, LLaVA…), or remove the image.`,
    );
  }
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
      attachments: options.attachments,
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
    options: SendOptions = {},
  ): Promise<{ userMessage: Message; assistantMessage: Message; labId?: string }> {
    const resent = await this.store.findExchange(conversationId, clientMessageId);
    if (resent) return resent;
    const attachments = options.attachments ?? [];
    const { result, labId } = await this.startReply(conversationId, options, async (modelRef) => {
      refuseImagesFor(modelRef.model, attachments);
      const before = await this.store.get(conversationId);
      const exchange = await this.store.appendExchange(
        conversationId,
        text,
        clientMessageId,
        modelRef,
        attachments,
      );
      this.bus.emit('message.created', { message: exchange.userMessage });
      this.bus.emit('message.created', { message: exchange.assistantMessage });
      if (before.messageCount === 0 && before.title === DEFAULT_TITLE) {
        await this.store.rename(conversationId, titleFrom(text));
      }
      return { result: exchange, reply: exchange.assistantMessage };
    });
    return { ...result, ...(labId ? { labId } : {}) };
  }

  /** A new version of a reply; the one before (and what followed it) stays as an earlier version. */
  async regenerate(conversationId: string, messageId: string): Promise<{ assistantMessage: Message }> {
    const target = await this.store.message(messageId);
    if (target.conversationId !== conversationId) {
      throw new Cell0Error('NOT_FOUND', 'That message is not in this conversation.');
    }
    const { result } = await this.startReply(conversationId, {}, async (modelRef) => {
      const assistantMessage = await this.store.regenerateAt(messageId, modelRef);
      await this.emitReset(conversationId);
      return { result: { assistantMessage }, reply: assistantMessage };
    });
    return result;
  }

  /** The owner's message with new text, answered again: a branch; the old continuation stays reachable. */
  async edit(
    conversationId: string,
    messageId: string,
    text: string,
    clientMessageId: string,
  ): Promise<{ userMessage: Message; assistantMessage: Message }> {
    const resent = await this.store.findExchange(conversationId, clientMessageId);
    if (resent) return resent;
    const target = await this.store.message(messageId);
    if (target.conversationId !== conversationId) {
      throw new Cell0Error('NOT_FOUND', 'That message is not in this conversation.');
    }
    const { result } = await this.startReply(conversationId, {}, async (modelRef) => {
      refuseImagesFor(modelRef.model, target.attachments ?? []);
      const exchange = await this.store.editAt(
        messageId,
        text,
        clientMessageId,
        modelRef,
        target.attachments ?? [],
      );
      await this.emitReset(conversationId);
      return { result: exchange, reply: exchange.assistantMessage };
    });
    return result;
  }

  /** Refuses while a reply or swarm runs here: a version switch or a deletion would pull messages from under it. */
  assertIdle(conversationId: string): void {
    if (this.active.has(conversationId) || this.options.swarms?.isBusy(conversationId)) {
      throw new Cell0Error(
        'BUSY',
        'A reply or a swarm is still running in this conversation. Stop it or wait for it to finish.',
      );
    }
  }

  async emitReset(conversationId: string): Promise<void> {
    const conversation = await this.store.get(conversationId);
    this.bus.emit('messages.reset', { conversationId, total: conversation.messageCount });
  }

  /**
   * Claims the conversation's one reply slot, resolves the model, lets `prepare` store what the reply
   * answers, and streams the reply in the background.
   */
  private async startReply<T>(
    conversationId: string,
    opts: Omit<SendOptions, 'attachments'>,
    prepare: (modelRef: { providerId: string; model: string }) => Promise<{ result: T; reply: Message }>,
  ): Promise<{ result: T; labId?: string }> {
    this.assertIdle(conversationId);
    // Claim the slot before any await, so two quick sends cannot both start a reply.
    const controller = new AbortController();
    let finished!: () => void;
    const slot: ActiveReply = { controller, done: new Promise<void>((r) => (finished = r)) };
    this.active.set(conversationId, slot);
    try {
      const before = await this.store.get(conversationId);
      // Resolved before anything is stored: no provider, no key or a locked keychain leave no trace.
      const resolved = await this.providers.resolve(before.modelRef);
      // A dry run's lab is opened before anything is stored too: no lab, no trace.
      const lab =
        opts.dryRun && this.options.kernel
          ? await this.options.kernel.openLab(conversationId, 'reply')
          : null;
      if (opts.dryRun && !lab) {
        throw new Cell0Error(
          'LAB_UNAVAILABLE',
          'A dry run needs the kernel’s sandbox, which this reply has not got.',
        );
      }
      const { result, reply } = await prepare({ providerId: resolved.provider.id, model: resolved.model });
      this.bus.emit('conversation.updated', { conversation: await this.store.get(conversationId) });
      const release = () => this.release(conversationId, slot);
      const deps: ReplyDeps =
        opts.budget || opts.tools === 'off'
          ? {
              ...this.reply,
              budget: { ...this.reply.budget, ...opts.budget },
              ...(opts.tools === 'off' ? { noTools: true } : {}),
            }
          : this.reply;
      void streamReply(deps, reply, resolved, controller.signal, release, lab?.id)
        .catch((err: unknown) => this.onStreamFailure(err))
        .finally(() => {
          release();
          finished();
        });
      return { result, ...(lab ? { labId: lab.id } : {}) };
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
