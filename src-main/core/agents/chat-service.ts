import { stepCountIs, streamText, type ModelMessage, type ToolSet } from 'ai';
import type { Kernel } from '../kernel/kernel.js';
import { kernelTools } from '../kernel/tools/tool-set.js';
import type { MemoryService } from '../memory/memory-service.js';
import type { PauseGate } from '../base/pause-gate.js';
import type { ConversationStore } from '../conversations/store.js';
import { DEFAULT_TITLE } from '../conversations/store.js';
import type { EventBus } from '../base/event-bus.js';
import type { Message, Usage } from '../protocol/entities.js';
import { Cell0Error, type ErrorShape } from '../protocol/errors.js';
import { costOf } from './pricing.js';
import { languageModel } from './provider-kinds.js';
import type { ProviderRegistry, ResolvedModel } from './provider-registry.js';
import { isRetryable, retryAfterMs, toProviderError } from './provider-errors.js';

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
  budget?: Partial<Budget>;
  onStreamFailure?: (err: unknown) => void;
}

/**
 * What chat needs of swarms, which sit above it: the composition root hands the swarm service in
 * through this shape.
 */
export interface ChatSwarms {
  isBusy(conversationId: string): boolean;
  stopInConversation(conversationId: string): Promise<boolean>;
  tools(ctx: {
    conversationId: string;
    messageId: string;
    signal: AbortSignal;
    beforeCall: () => void;
  }): ToolSet;
}

/** What one reply may spend before it is stopped with a visible reason. */
export interface Budget {
  steps: number;
  tokens: number;
  toolCalls: number;
  wallTimeMs: number;
}

export const DEFAULT_BUDGET: Budget = { steps: 25, tokens: 400_000, toolCalls: 60, wallTimeMs: 15 * 60_000 };

interface ActiveReply {
  controller: AbortController;
  done: Promise<void>;
}

interface ReplyState {
  content: string;
  lastFlush: number;
  flushing: Promise<void>;
  toolCalls: number;
  tokens: number;
}

/** One attempt's outcome: what streamed, and whether it ended in an error worth waiting out. */
interface Attempt {
  error: Cell0Error | null;
  raw: unknown;
  usage: { inputTokens: number | null; outputTokens: number | null } | null;
}

const MAX_RETRY_WAIT_MS = 60_000;

function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line || DEFAULT_TITLE;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs one streamed reply per conversation and keeps the store and the clients in step. */
export class ChatService {
  private readonly active = new Map<string, ActiveReply>();
  private readonly historyLimit: number;
  private readonly flushIntervalMs: number;
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly budget: Budget;
  private readonly onStreamFailure: (err: unknown) => void;

  constructor(
    private readonly store: ConversationStore,
    private readonly providers: ProviderRegistry,
    private readonly bus: EventBus,
    private readonly options: ChatServiceOptions = {},
  ) {
    this.historyLimit = options.historyLimit ?? 50;
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.budget = { ...DEFAULT_BUDGET, ...options.budget };
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

  async send(
    conversationId: string,
    text: string,
    clientMessageId: string,
  ): Promise<{ userMessage: Message; assistantMessage: Message }> {
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
      void this.stream(exchange.assistantMessage, resolved, slot)
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

  private async stream(reply: Message, resolved: ResolvedModel, slot: ActiveReply): Promise<void> {
    // Stop (the owner) and the budget both end a reply, with different outcomes: one is "stopped", the other an error with its reason.
    const budgetStop = new AbortController();
    const signal = AbortSignal.any([slot.controller.signal, budgetStop.signal]);
    const overBudget = (message: string) => {
      if (!budgetStop.signal.aborted) budgetStop.abort(new Cell0Error('BUDGET_EXHAUSTED', message));
    };
    const wallClock = setTimeout(
      () =>
        overBudget(
          `Stopped: this reply used its ${Math.round(this.budget.wallTimeMs / 60_000)} minutes of time.`,
        ),
      this.budget.wallTimeMs,
    );
    const state: ReplyState = {
      content: '',
      lastFlush: Date.now(),
      flushing: Promise.resolve(),
      toolCalls: 0,
      tokens: 0,
    };
    let status: Message['status'] = 'complete';
    let error: ErrorShape | null = null;
    let usage: Usage | null = null;
    try {
      const { system, messages } = await this.contextFor(reply);
      const tools = this.toolsFor(reply, signal, state, overBudget);
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.attempt(
          reply,
          resolved,
          system,
          messages,
          tools,
          signal,
          state,
          overBudget,
        );
        if (outcome.usage) {
          const { inputTokens, outputTokens } = outcome.usage;
          usage = {
            inputTokens,
            outputTokens,
            costUsd: costOf(resolved.model, resolved.local, inputTokens, outputTokens),
          };
        }
        if (!outcome.error) break;
        // Only a refusal before any text or tool call is worth waiting out; started work is not redone.
        const started = state.content.length > 0 || state.toolCalls > 0;
        if (signal.aborted || !isRetryable(outcome.error) || started || attempt >= this.maxAttempts) {
          throw outcome.error;
        }
        const asked = retryAfterMs(outcome.raw);
        const backoff = this.retryBaseMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
        const waitMs = Math.round(Math.min(asked ?? backoff, MAX_RETRY_WAIT_MS));
        this.bus.emit('message.retrying', {
          conversationId: reply.conversationId,
          messageId: reply.id,
          attempt: attempt + 1,
          maxAttempts: this.maxAttempts,
          waitMs,
          error: outcome.error.toShape(),
        });
        await sleep(waitMs, signal);
        if (signal.aborted) break;
      }
    } catch (err) {
      if (!signal.aborted) {
        status = 'error';
        error = toProviderError(err, {
          baseUrl: resolved.endpoint.baseUrl,
          secret: resolved.endpoint.apiKey,
          streamed: state.content.length > 0,
        }).toShape();
      }
    } finally {
      clearTimeout(wallClock);
    }
    if (budgetStop.signal.aborted) {
      status = 'error';
      error = (budgetStop.signal.reason as Cell0Error).toShape();
    } else if (slot.controller.signal.aborted) {
      status = 'stopped';
    }
    await state.flushing.catch(() => undefined);
    await this.store.updateReply(reply.id, state.content, status, error, usage);
    await this.store.touch(reply.conversationId);
    // Free the conversation before telling clients, so a send prompted by this event is not BUSY.
    this.release(reply.conversationId, slot);
    this.bus.emit('message.updated', { message: await this.store.message(reply.id) });
    this.bus.emit('conversation.updated', { conversation: await this.store.get(reply.conversationId) });
  }

  /** The memory service's context (system prompt and turns within budget), else the plain recent history. */
  private async contextFor(
    reply: Message,
  ): Promise<{ system: string | undefined; messages: ModelMessage[] }> {
    if (this.options.memory) return this.options.memory.contextFor(reply);
    const history = await this.store.history(reply.conversationId, reply.index, this.historyLimit);
    return { system: undefined, messages: history.map((m) => ({ role: m.role, content: m.content })) };
  }

  /**
   * The tools this reply may call, each counted against the tool-call budget: the kernel's (with
   * permissions and sandbox) and the memory tools (Cell 0's own store only; see memory-tools.ts).
   */
  private toolsFor(
    reply: Message,
    signal: AbortSignal,
    state: ReplyState,
    overBudget: (message: string) => void,
  ): ToolSet | undefined {
    if (this.options.tools) return this.options.tools;
    const beforeCall = () => {
      if (++state.toolCalls > this.budget.toolCalls) {
        const message = `Stopped: this reply used its budget of ${this.budget.toolCalls} tool calls.`;
        overBudget(message);
        throw new Cell0Error('BUDGET_EXHAUSTED', message);
      }
    };
    const ctx = { conversationId: reply.conversationId, messageId: reply.id };
    const kernel = this.options.kernel
      ? kernelTools(this.options.kernel, { ...ctx, signal, beforeCall })
      : {};
    const memory = this.options.memory ? this.options.memory.tools({ ...ctx, beforeCall }) : {};
    const swarms = this.options.swarms ? this.options.swarms.tools({ ...ctx, signal, beforeCall }) : {};
    const tools = { ...kernel, ...memory, ...swarms };
    return Object.keys(tools).length > 0 ? tools : undefined;
  }

  /** One call to the model (several steps when it uses tools); errors come back, they are not thrown. */
  private async attempt(
    reply: Message,
    resolved: ResolvedModel,
    system: string | undefined,
    messages: ModelMessage[],
    tools: ToolSet | undefined,
    signal: AbortSignal,
    state: ReplyState,
    overBudget: (message: string) => void,
  ): Promise<Attempt> {
    const context = {
      baseUrl: resolved.endpoint.baseUrl,
      secret: resolved.endpoint.apiKey,
      streamed: false,
    };
    let usage: Attempt['usage'] = null;
    let steps = 0;
    try {
      await this.options.gate?.wait(signal);
      if (signal.aborted) return { error: null, raw: null, usage };
      const result = streamText({
        model: languageModel(resolved.endpoint, resolved.model),
        ...(system ? { system } : {}),
        messages,
        abortSignal: signal,
        // Retries are ours: the wait is shown to the owner, and Stop cancels it.
        maxRetries: 0,
        ...(tools ? { tools, stopWhen: stepCountIs(this.budget.steps) } : {}),
        onStepFinish: (step) => {
          state.tokens += step.usage.totalTokens ?? 0;
          if (state.tokens > this.budget.tokens) {
            overBudget(
              `Stopped: this reply used its budget of ${this.budget.tokens.toLocaleString('en')} tokens.`,
            );
          }
        },
        // Errors are read from the stream below; the SDK's default would print them to the console.
        onError: () => undefined,
      });
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta' && part.text) {
          state.content += part.text;
          this.bus.emit('message.delta', {
            conversationId: reply.conversationId,
            messageId: reply.id,
            text: part.text,
          });
          if (Date.now() - state.lastFlush >= this.flushIntervalMs) {
            state.lastFlush = Date.now();
            const snapshot = state.content;
            state.flushing = state.flushing.then(() =>
              this.store.updateReply(reply.id, snapshot, 'streaming'),
            );
          }
        } else if (part.type === 'tool-call') {
          this.bus.emit('message.toolCall', {
            conversationId: reply.conversationId,
            messageId: reply.id,
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
          });
        } else if (part.type === 'finish-step') {
          steps++;
        } else if (part.type === 'finish') {
          usage = {
            inputTokens: part.totalUsage.inputTokens ?? null,
            outputTokens: part.totalUsage.outputTokens ?? null,
          };
          // The model still wanted tools when the step budget ran out: a loop, stopped with its reason.
          if (
            tools &&
            (this.options.kernel || this.options.memory) &&
            part.finishReason === 'tool-calls' &&
            steps >= this.budget.steps
          ) {
            overBudget(`Stopped: this reply used its budget of ${this.budget.steps} steps.`);
          }
        } else if (part.type === 'error') {
          return {
            error: toProviderError(part.error, { ...context, streamed: state.content.length > 0 }),
            raw: part.error,
            usage,
          };
        }
      }
      return { error: null, raw: null, usage };
    } catch (err) {
      if (signal.aborted) return { error: null, raw: null, usage };
      return {
        error: toProviderError(err, { ...context, streamed: state.content.length > 0 }),
        raw: err,
        usage,
      };
    }
  }
}
