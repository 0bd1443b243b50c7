import type { ModelMessage, ToolSet } from 'ai';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { PauseGate } from '../base/pause-gate.js';
import type { ConversationStore } from '../conversations/store.js';
import type { Kernel } from '../kernel/kernel.js';
import { kernelTools } from '../kernel/tools/tool-set.js';
import type { MemoryService } from '../memory/memory-service.js';
import type { Message, Usage } from '../protocol/entities.js';
import { Cell0Error, isCell0Error } from '../protocol/errors.js';
import { runAgentTurn, type TurnMeter, type TurnResult } from './agent-turn.js';
import type { ResolvedModel } from './provider-registry.js';
import type { RetryPolicy } from './retry-policy.js';

/** What one reply may spend before it is stopped with a visible reason. */
export interface Budget {
  steps: number;
  tokens: number;
  toolCalls: number;
  wallTimeMs: number;
}

export const DEFAULT_BUDGET: Budget = { steps: 25, tokens: 400_000, toolCalls: 60, wallTimeMs: 15 * 60_000 };

/**
 * What chat needs of swarms, which sit above it: the composition root hands the swarm service in
 * through this shape.
 */
export interface ChatSwarms {
  isBusy(conversationId: string): boolean;
  stopInConversation(conversationId: string): Promise<boolean>;
  tools(ctx: { conversationId: string; messageId: string; signal: AbortSignal }): ToolSet;
}

export interface ReplyDeps {
  store: ConversationStore;
  bus: EventBus;
  budget: Budget;
  retry: Partial<RetryPolicy>;
  /** How often a streaming reply's text is saved, so a crash keeps most of it. */
  flushIntervalMs: number;
  /** How many earlier messages the model sees when there is no memory service to assemble the context. */
  historyLimit: number;
  kernel?: Kernel | undefined;
  memory?: MemoryService | undefined;
  swarms?: ChatSwarms | undefined;
  gate?: PauseGate | undefined;
  /** Tools offered without the kernel: their calls are only surfaced as events (tests). */
  tools?: ToolSet | undefined;
  /** Tools of the conversation's place, given by a layer above (a channel chat's `send_file`). */
  conversationTools?: ((ctx: { conversationId: string; messageId: string }) => ToolSet) | undefined;
  /** More tools from layers above (MCP servers), each call still through the kernel. */
  extraTools?: ((ctx: ToolContext) => ToolSet) | undefined;
  logger?: Logger | undefined;
}

/** What a reply's tools are bound to. */
export interface ToolContext {
  conversationId: string;
  messageId: string;
  signal: AbortSignal;
}

/** A reply's own budget: tokens and tool calls counted against what one reply may spend. */
function replyMeter(budget: Budget): TurnMeter {
  let tokens = 0;
  let toolCalls = 0;
  return {
    toolCall: () =>
      ++toolCalls > budget.toolCalls
        ? `Stopped: this reply used its budget of ${budget.toolCalls} tool calls.`
        : null,
    step: (usage) => {
      tokens += usage.totalTokens;
      return tokens > budget.tokens
        ? `Stopped: this reply used its budget of ${budget.tokens.toLocaleString('en')} tokens.`
        : null;
    },
  };
}

/**
 * Streams one assistant reply through the agent turn and keeps the store and the clients in step:
 * text as it comes (saved every flushIntervalMs), tool calls, waits, and the final state.
 */
export async function streamReply(
  deps: ReplyDeps,
  reply: Message,
  resolved: ResolvedModel,
  signal: AbortSignal,
  /** Frees the conversation: called before clients hear the reply ended, so a prompted send is not BUSY. */
  release: () => void,
  /** A dry run: the reply's tool calls run in this lab. */
  labId?: string,
): Promise<void> {
  const { store, bus } = deps;
  const ids = { conversationId: reply.conversationId, messageId: reply.id };
  let content = '';
  let lastFlush = Date.now();
  let flushing: Promise<unknown> = Promise.resolve();
  let result: TurnResult;
  try {
    const { system, messages } = await contextFor(deps, reply);
    result = await runAgentTurn({
      resolved,
      system,
      messages,
      tools: (turnSignal) => toolsFor(deps, reply, turnSignal, labId),
      scope: reply.id,
      signal,
      gates: deps.gate ? [deps.gate] : [],
      steps: deps.budget.steps,
      wallTimeMs: deps.budget.wallTimeMs,
      meter: replyMeter(deps.budget),
      retry: deps.retry,
      ...(deps.logger ? { logger: deps.logger } : {}),
      events: {
        text: (text) => {
          content += text;
          bus.emit('message.delta', { ...ids, text });
          if (Date.now() - lastFlush >= deps.flushIntervalMs) {
            lastFlush = Date.now();
            const snapshot = content;
            flushing = flushing.then(() => store.updateReply(reply.id, snapshot, 'streaming'));
          }
        },
        toolCall: (call) => bus.emit('message.toolCall', { ...ids, ...call }),
        retrying: ({ attempt, maxAttempts, waitMs, error }) =>
          bus.emit('message.retrying', { ...ids, attempt, maxAttempts, waitMs, error: error.toShape() }),
      },
    });
  } catch (err) {
    // The context could not be assembled: nothing was sent to the model.
    deps.logger?.error('a reply could not start', err);
    const error = isCell0Error(err)
      ? err
      : new Cell0Error('INTERNAL', 'Cell 0 could not prepare this reply. It was logged; retry.');
    result = { text: '', status: signal.aborted ? 'stopped' : 'error', error, usage: null, toolCalls: 0 };
  }
  const usage: Usage | null = result.usage && {
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    costUsd: result.usage.costUsd,
  };
  await flushing.catch(() => undefined);
  await store.updateReply(
    reply.id,
    result.text,
    result.status,
    result.status === 'stopped' ? null : (result.error?.toShape() ?? null),
    usage,
  );
  await store.touch(reply.conversationId);
  release();
  bus.emit('message.updated', { message: await store.message(reply.id) });
  bus.emit('conversation.updated', { conversation: await store.get(reply.conversationId) });
}

/** The memory service's context (system prompt and turns within budget), else the plain recent history. */
async function contextFor(
  deps: ReplyDeps,
  reply: Message,
): Promise<{ system: string | undefined; messages: ModelMessage[] }> {
  if (deps.memory) return deps.memory.contextFor(reply);
  const history = await deps.store.history(reply.conversationId, reply.index, deps.historyLimit);
  return { system: undefined, messages: history.map((m) => ({ role: m.role, content: m.content })) };
}

/**
 * The tools this reply may call: the kernel's (with permissions and sandbox), the memory tools
 * (Cell 0's own store only; see memory-tools.ts), `propose_swarm`, and the MCP servers' tools.
 */
function toolsFor(deps: ReplyDeps, reply: Message, signal: AbortSignal, labId?: string): ToolSet | undefined {
  if (deps.tools) return deps.tools;
  const ctx = { conversationId: reply.conversationId, messageId: reply.id, signal };
  // A dry run offers only the kernel's tools, each confined in the lab: a hosted tool (memory,
  // MCP, a swarm) would act outside it.
  if (labId) return deps.kernel ? kernelTools(deps.kernel, { ...ctx, labId }) : {};
  return {
    ...(deps.kernel ? kernelTools(deps.kernel, ctx) : {}),
    ...(deps.memory ? deps.memory.tools(ctx) : {}),
    ...(deps.swarms ? deps.swarms.tools(ctx) : {}),
    ...(deps.conversationTools?.(ctx) ?? {}),
    ...(deps.extraTools ? deps.extraTools(ctx) : {}),
  };
}
