import type { ModelMessage, ToolSet } from 'ai';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { PauseGate } from '../base/pause-gate.js';
import type { ConversationStore } from '../conversations/store.js';
import type { Kernel } from '../kernel/kernel.js';
import { kernelTools } from '../kernel/tools/tool-set.js';
import type { MemoryService } from '../memory/memory-service.js';
import type { Attachment, Message, Usage } from '../protocol/entities.js';
import { DEFAULT_CONVERSATION_SETTINGS } from '../protocol/entities.js';
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
  /** Attachments in the conversation's workspace: an image's bytes, a PDF's or text file's text. */
  attachments?: AttachmentReader | undefined;
  logger?: Logger | undefined;
  /** This reply is offered no tools at all (an automation set to tools off, `cell0 ask --no-tools`). */
  noTools?: boolean | undefined;
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
    const settings = (await store.get(reply.conversationId)).settings ?? DEFAULT_CONVERSATION_SETTINGS;
    const context = await contextFor(deps, reply, settings.memory);
    const system = withConversationPrompt(context.system, settings.systemPrompt);
    const messages = await withAttachments(deps, reply, context.messages);
    result = await runAgentTurn({
      resolved,
      system,
      messages,
      ...(settings.temperature !== null ? { temperature: settings.temperature } : {}),
      ...(settings.maxOutputTokens !== null ? { maxOutputTokens: settings.maxOutputTokens } : {}),
      tools: (turnSignal) =>
        settings.tools ? toolsFor(deps, reply, turnSignal, settings.memory, labId) : undefined,
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

export interface AttachmentReader {
  resolve(conversationId: string, paths: string[]): Promise<Attachment[]>;
  read(conversationId: string, attachment: Attachment): Promise<Uint8Array>;
}

/**
 * The message this reply answers, with its attachments: the text of PDFs and text files after the
 * owner's words, images as the AI SDK's image parts, and where each file sits in the workspace.
 */
async function withAttachments(
  deps: ReplyDeps,
  reply: Message,
  messages: ModelMessage[],
): Promise<ModelMessage[]> {
  if (reply.index === 0) return messages;
  const { messages: before } = await deps.store.page(reply.conversationId, reply.index - 1, 1);
  const asked = before[0];
  if (asked?.role !== 'user' || !asked.attachments?.length) return messages;
  const at = messages.findLastIndex((m) => m.role === 'user');
  if (at < 0) return messages;
  const original = messages[at]!;
  const words = typeof original.content === 'string' ? original.content : asked.content;
  const listing = asked.attachments.map((a) => `- ${a.path} (${a.kind}, ${a.size} bytes)`).join('\n');
  const parts: ({ type: 'text'; text: string } | { type: 'image'; image: Uint8Array; mediaType: string })[] =
    [{ type: 'text', text: `${words}\n\nAttached files, copied into your workspace:\n${listing}` }];
  const reader = deps.attachments;
  if (reader) {
    for (const a of asked.attachments) {
      // A file deleted from the workspace since is only listed; the reply still goes out.
      const [fresh] = await reader.resolve(reply.conversationId, [a.path]).catch(() => [undefined]);
      if (!fresh) continue;
      if (fresh.kind === 'image') {
        parts.push({
          type: 'image',
          image: await reader.read(reply.conversationId, fresh),
          mediaType: fresh.mimeType,
        });
      } else if (fresh.text !== undefined) {
        const cut = fresh.truncated ? '\n[… cut at the size limit; the whole file is in the workspace]' : '';
        parts.push({ type: 'text', text: `--- ${fresh.path} ---\n${fresh.text}${cut}` });
      }
    }
  }
  const next = [...messages];
  next[at] = { role: 'user', content: parts };
  return next;
}

/** The conversation's own instructions come after the persona's, so they can narrow it. */
function withConversationPrompt(system: string | undefined, prompt: string | null): string | undefined {
  const extra = prompt?.trim();
  if (!extra) return system;
  return system ? `${system}\n\n# This conversation\n${extra}` : extra;
}

/** The memory service's context (system prompt and turns within budget), else the plain recent history. */
async function contextFor(
  deps: ReplyDeps,
  reply: Message,
  memoryOn: boolean,
): Promise<{ system: string | undefined; messages: ModelMessage[] }> {
  if (deps.memory && memoryOn) return deps.memory.contextFor(reply);
  const history = await deps.store.history(reply.conversationId, reply.index, deps.historyLimit);
  return { system: undefined, messages: history.map((m) => ({ role: m.role, content: m.content })) };
}

/**
 * The tools this reply may call: the kernel's (with permissions and sandbox), the memory tools
 * (Cell 0's own store only; see memory-tools.ts), `propose_swarm`, and the MCP servers' tools.
 */
function toolsFor(
  deps: ReplyDeps,
  reply: Message,
  signal: AbortSignal,
  memoryOn: boolean,
  labId?: string,
): ToolSet | undefined {
  if (deps.noTools) return undefined;
  if (deps.tools) return deps.tools;
  const ctx = { conversationId: reply.conversationId, messageId: reply.id, signal };
  // A dry run offers only the kernel's tools, each confined in the lab: a hosted tool (memory,
  // MCP, a swarm) would act outside it.
  if (labId) return deps.kernel ? kernelTools(deps.kernel, { ...ctx, labId }) : {};
  return {
    ...(deps.kernel ? kernelTools(deps.kernel, ctx) : {}),
    ...(deps.memory && memoryOn ? deps.memory.tools(ctx) : {}),
    ...(deps.swarms ? deps.swarms.tools(ctx) : {}),
    ...(deps.conversationTools?.(ctx) ?? {}),
    ...(deps.extraTools ? deps.extraTools(ctx) : {}),
  };
}
