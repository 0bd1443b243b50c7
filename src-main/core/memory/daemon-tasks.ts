import type { LanguageModel } from 'ai';
import type { ConversationStore } from '../conversations/store.js';
import type { EventBus } from '../base/event-bus.js';
import type { Message } from '../protocol/entities.js';
import type { Cell0Error } from '../protocol/errors.js';
import type { Database } from '../storage/database.js';
import type { DaemonState } from './daemon-state.js';
import { applyOperations, extractOperations } from './extraction.js';
import { storeSummaryInTx, summarise, summaryOf } from './summaries.js';
import { estimateTokens } from './token-estimate.js';
import type { Retrieval } from './types.js';

/** The daemon's model tasks: each step makes at most one model call and commits in one transaction. */

/** A conversation is summarised once this many finished messages lie beyond its summary… */
export const SUMMARY_AFTER = 40;
/** …and the newest ones stay out of it: they are in every context as turns anyway. */
const KEEP_RECENT = 10;
const EXTRACT_MAX_MESSAGES = 40;
const STEP_MAX_CHARS = 16_000;
/** Instructions and the existing memories, beside the messages, in an extraction prompt. */
const PROMPT_OVERHEAD_TOKENS = 1500;

const FINISHED = `status IN ('complete', 'stopped', 'interrupted') AND content <> ''`;

export interface TaskContext {
  db: Database;
  bus: EventBus;
  retrieval: Retrieval;
  conversations: ConversationStore;
  state: DaemonState;
  now: () => number;
  signal: AbortSignal;
  /** Tokens the day's budget still allows. */
  tokensLeft: () => Promise<number>;
  /** Words a failed model call for people: a stable code, the provider's key redacted. */
  describe: (err: unknown) => Cell0Error;
}

export type StepOutcome = 'done' | 'budget-exhausted';

export interface ExtractCandidate {
  conversationId: string;
  title: string;
}

export interface SummariseCandidate {
  conversationId: string;
  title: string;
  uptoIndex: number;
}

/** Conversations with finished messages past their cursor, quiet for `idleMs` and not streaming. */
export async function extractCandidates(db: Database, quietSince: number): Promise<ExtractCandidate[]> {
  const rows = await db.all<{ id: string; title: string }>(
    `SELECT c.id, c.title,
       MAX(CASE WHEN m.status IN ('complete', 'stopped', 'interrupted') AND m.content <> '' THEN m.idx END) AS last_done,
       MAX(m.updated_at) AS last_at,
       SUM(m.status = 'streaming') AS streaming,
       COALESCE((SELECT CAST(s.value AS INTEGER) FROM memory_daemon_state s WHERE s.key = 'extract:' || c.id), -1)
         AS extracted
     FROM conversations c JOIN messages m ON m.conversation_id = c.id
     GROUP BY c.id
     HAVING streaming = 0 AND last_at <= ? AND last_done > extracted
     ORDER BY last_at`,
    [quietSince],
  );
  return rows.map((r) => ({ conversationId: r.id, title: r.title }));
}

/** Conversations with more than SUMMARY_AFTER finished messages beyond their summary. */
export async function summariseCandidates(db: Database): Promise<SummariseCandidate[]> {
  const rows = await db.all<{ id: string; title: string; upto: number }>(
    `SELECT c.id, c.title, COALESCE(s.upto_index, -1) AS upto, COUNT(*) AS pending
     FROM conversations c
     JOIN messages m ON m.conversation_id = c.id
     LEFT JOIN conversation_summaries s ON s.conversation_id = c.id
     WHERE m.status IN ('complete', 'stopped', 'interrupted') AND m.content <> ''
       AND m.idx > COALESCE(s.upto_index, -1)
     GROUP BY c.id HAVING pending > ?
     ORDER BY c.updated_at`,
    [SUMMARY_AFTER],
  );
  const candidates: SummariseCandidate[] = [];
  for (const r of rows) {
    const older = await db.all<{ idx: number; len: number }>(
      `SELECT idx, LENGTH(content) AS len FROM messages WHERE conversation_id = ? AND ${FINISHED} AND idx > ?
       ORDER BY idx DESC LIMIT -1 OFFSET ?`,
      [r.id, r.upto, KEEP_RECENT],
    );
    older.reverse();
    // One step's worth from the oldest: a very long backlog is summarised over several steps.
    let chars = 0;
    let upto = r.upto;
    for (const m of older) {
      if (upto > r.upto && chars + m.len > STEP_MAX_CHARS * 1.5) break;
      chars += m.len;
      upto = m.idx;
    }
    if (upto > r.upto) candidates.push({ conversationId: r.id, title: r.title, uptoIndex: upto });
  }
  return candidates;
}

/** Finished messages after `afterIndex`, up to `uptoIndex`, at most one step's worth. */
async function nextMessages(
  conversations: ConversationStore,
  conversationId: string,
  afterIndex: number,
  uptoIndex: number,
  maxMessages: number,
): Promise<{ messages: Message[]; scannedTo: number }> {
  const page = await conversations.page(conversationId, afterIndex + 1, maxMessages * 2);
  const messages: Message[] = [];
  let chars = 0;
  let scannedTo = afterIndex;
  for (const m of page.messages) {
    if (m.index > uptoIndex || m.status === 'streaming' || messages.length >= maxMessages) break;
    if (messages.length > 0 && chars + m.content.length > STEP_MAX_CHARS) break;
    scannedTo = m.index;
    if (m.status === 'error' || m.content === '') continue;
    messages.push(m);
    chars += m.content.length;
  }
  return { messages, scannedTo };
}

/**
 * One extraction step: the next messages past the conversation's cursor (not beyond `uptoIndex`)
 * become memory operations; the operations, the cursor and (when asked) the task's end commit together.
 */
export async function extractStep(
  ctx: TaskContext,
  model: LanguageModel,
  conversationId: string,
  options: { uptoIndex?: number; clearTask: boolean },
): Promise<StepOutcome> {
  const conversation = await ctx.conversations.get(conversationId);
  const cursor = await ctx.state.extractCursor(conversationId);
  const { messages, scannedTo } = await nextMessages(
    ctx.conversations,
    conversationId,
    cursor,
    options.uptoIndex ?? Number.MAX_SAFE_INTEGER,
    EXTRACT_MAX_MESSAGES,
  );
  if (messages.length > 0) {
    const estimate = PROMPT_OVERHEAD_TOKENS + estimateTokens(messages.map((m) => m.content).join('\n'));
    if ((await ctx.tokensLeft()) < estimate) return 'budget-exhausted';
  }
  let changed: Awaited<ReturnType<typeof applyOperations>> = [];
  let operations: Awaited<ReturnType<typeof extractOperations>>['operations'] = [];
  if (messages.length > 0) {
    const query = messages
      .map((m) => m.content)
      .join('\n')
      .slice(0, 2000);
    const { memories } = await ctx.retrieval.retrieve(query, { k: 15, now: ctx.now() });
    const related = memories.map((s) => s.memory).filter((m) => m.status === 'active');
    const result = await extractOperations(
      model,
      { conversationTitle: conversation.title, messages, related },
      conversationId,
      ctx.signal,
    ).catch((err: unknown) => {
      throw ctx.describe(err);
    });
    await ctx.state.addTokens(ctx.now(), result.tokens);
    operations = result.operations;
  }
  if (ctx.signal.aborted) throw ctx.signal.reason;
  await ctx.db.transaction(async () => {
    changed = await applyOperations(ctx.db, operations, ctx.now());
    await ctx.state.setExtractCursorInTx(conversationId, scannedTo);
    if (options.clearTask) await ctx.state.clearTaskInTx();
  });
  for (const memory of changed) ctx.bus.emit('memory.updated', { memory });
  return 'done';
}

/**
 * One summarising step. Durable notes come first: the messages about to be summarised are
 * extracted (one step at a time) before the summary replaces them in later contexts.
 */
export async function summariseStep(
  ctx: TaskContext,
  model: LanguageModel,
  conversationId: string,
  uptoIndex: number,
): Promise<StepOutcome> {
  if ((await ctx.state.extractCursor(conversationId)) < uptoIndex) {
    return extractStep(ctx, model, conversationId, { uptoIndex, clearTask: false });
  }
  const previous = await summaryOf(ctx.db, conversationId);
  const after = previous?.uptoIndex ?? -1;
  if (after >= uptoIndex) {
    await ctx.state.clearTask();
    return 'done';
  }
  const { messages } = await nextMessages(ctx.conversations, conversationId, after, uptoIndex, 1000);
  const estimate =
    PROMPT_OVERHEAD_TOKENS +
    estimateTokens((previous?.summary ?? '') + messages.map((m) => m.content).join('\n'));
  if ((await ctx.tokensLeft()) < estimate) return 'budget-exhausted';
  const result = await summarise(model, previous?.summary ?? null, messages, ctx.signal).catch(
    (err: unknown) => {
      throw ctx.describe(err);
    },
  );
  await ctx.state.addTokens(ctx.now(), result.tokens);
  if (ctx.signal.aborted) throw ctx.signal.reason;
  const covered = messages.at(-1)?.index ?? uptoIndex;
  await ctx.db.transaction(async () => {
    // Stored even when empty: otherwise the same messages would be sent again at the next step.
    await storeSummaryInTx(
      ctx.db,
      conversationId,
      { uptoIndex: covered, summary: result.summary },
      ctx.now(),
    );
    await ctx.state.clearTaskInTx();
  });
  return 'done';
}
