import type { ModelMessage } from 'ai';
import type { ConversationStore } from '../conversations/store.js';
import type { Logger } from '../base/logger.js';
import type { Message } from '../protocol/entities.js';
import type { Memory, Persona, UsedMemory } from '../protocol/memory-entities.js';
import type { Database } from '../storage/database.js';
import { localDay } from './daemon-state.js';
import type { MemoryStore } from './memory-store.js';
import { summaryOf } from './summaries.js';
import { estimateTokens } from './token-estimate.js';
import type { Retrieval, ScoredMemory, ScoredMessage } from './types.js';

export interface ContextDeps {
  db: Database;
  store: MemoryStore;
  retrieval: Retrieval;
  conversations: ConversationStore;
  persona: () => Persona;
  logger: Logger;
  now: () => number;
  /** Tokens of context besides the new message: persona, memories, snippets, summary and turns. */
  budgetTokens: number;
}

export interface SynthesisedContext {
  system: string;
  messages: ModelMessage[];
  /** The memories given, and why: recorded against the reply. */
  used: UsedMemory[];
  /** Estimated size of everything but the new message. */
  tokens: number;
  /** True when older turns were left out (and the summary, if any, stands in for them). */
  cut: boolean;
}

/** Shares of the budget each part may take at most; the turns get whatever is left. */
const SHARE = { pinned: 0.4, memories: 0.25, snippets: 0.15, summary: 0.2 };
const RELEVANT_K = 12;
const SNIPPET_CHARS = 400;
/** More turns than this never fit a context budget; the store is not asked for them. */
const MAX_TURNS = 400;

function line(memory: Memory): string {
  return `- ${memory.eventDate ? `[${memory.eventDate}] ` : ''}${memory.text}`;
}

/** Takes items in order while they fit `limit` tokens; returns them and their size. */
function fit<T>(items: T[], size: (item: T) => number, limit: number): { taken: T[]; tokens: number } {
  const taken: T[] = [];
  let tokens = 0;
  for (const item of items) {
    const t = size(item);
    if (tokens + t > limit) break;
    taken.push(item);
    tokens += t;
  }
  return { taken, tokens };
}

/**
 * Assembles what the model sees for one reply, within a token budget: the persona, pinned
 * memories, memories relevant to the new message, snippets of other conversations, and as many of
 * this conversation's latest turns as fit, with the summary of older turns when they do not.
 */
export class ContextBuilder {
  constructor(private readonly deps: ContextDeps) {}

  async build(reply: Message): Promise<SynthesisedContext> {
    const budget = this.deps.budgetTokens;
    const history = await this.deps.conversations.history(reply.conversationId, reply.index, MAX_TURNS);
    const latest = history.at(-1);
    const newMessage = latest?.role === 'user' && latest.index === reply.index - 1 ? latest : null;
    const turns = newMessage ? history.slice(0, -1) : history;
    const query = newMessage?.content ?? '';

    const persona = this.deps.persona();
    const head = `You are ${persona.name}. ${persona.character}\n\nToday is ${localDay(this.deps.now())}.`;
    let used = estimateTokens(head);

    const pinnedAll = await this.deps.store.pinned();
    const pinned = fit(pinnedAll, (m) => estimateTokens(line(m)) + 1, budget * SHARE.pinned);
    used += pinned.tokens;

    const found = await this.retrieve(query, reply.conversationId);
    const pinnedIds = new Set(pinnedAll.map((m) => m.id));
    const relevant = fit(
      found.memories.filter((s) => s.memory.status === 'active' && !pinnedIds.has(s.memory.id)),
      (s) => estimateTokens(line(s.memory)) + 1,
      budget * SHARE.memories,
    );
    used += relevant.tokens;

    const titles = await this.titles(found.messages);
    const snippetLine = (m: ScoredMessage) => {
      const text = m.content.length > SNIPPET_CHARS ? `${m.content.slice(0, SNIPPET_CHARS)}…` : m.content;
      const who = m.role === 'user' ? 'owner' : 'you';
      return `- “${titles.get(m.conversationId) ?? 'A conversation'}”, ${localDay(m.createdAt)}, ${who}: ${text}`;
    };
    const snippets = fit(
      found.messages.filter((m) => m.conversationId !== reply.conversationId),
      (m) => estimateTokens(snippetLine(m)) + 1,
      budget * SHARE.snippets,
    );
    used += snippets.tokens;

    const turnSize = (m: Message) => estimateTokens(m.content) + 4;
    const newestFirst = [...turns].reverse();
    let kept = fit(newestFirst, turnSize, budget - used);
    let summaryText: string | null = null;
    if (kept.taken.length < turns.length) {
      const summary = await summaryOf(this.deps.db, reply.conversationId);
      if (summary?.summary) {
        const maxChars = Math.floor(budget * SHARE.summary * 4);
        summaryText =
          summary.summary.length > maxChars ? `${summary.summary.slice(0, maxChars)}…` : summary.summary;
        const summaryTokens = estimateTokens(summaryText) + 10;
        kept = fit(newestFirst, turnSize, budget - used - summaryTokens);
        used += summaryTokens;
      }
    }
    const keptTurns = kept.taken.reverse();
    // Some providers refuse a conversation that opens with the assistant; a cut can leave one there.
    while (keptTurns[0]?.role === 'assistant' && keptTurns.length < turns.length) {
      kept.tokens -= turnSize(keptTurns.shift()!);
    }
    used += kept.tokens;

    const sections = [head];
    if (pinned.taken.length || relevant.taken.length) {
      sections.push(
        [
          '## What you remember about the owner',
          'Use these when they help; do not recite them. memory_search finds more, memory_save keeps something new.',
          ...pinned.taken.map(line),
          ...relevant.taken.map((s) => line(s.memory)),
        ].join('\n'),
      );
    }
    if (snippets.taken.length) {
      sections.push(['## From earlier conversations', ...snippets.taken.map(snippetLine)].join('\n'));
    }
    if (summaryText) sections.push(`## Earlier in this conversation (summary)\n${summaryText}`);

    const memories: UsedMemory[] = [
      ...pinned.taken.map((m) => ({ memoryId: m.id, text: m.text, score: 1, why: 'pinned' })),
      ...relevant.taken.map((s) => ({
        memoryId: s.memory.id,
        text: s.memory.text,
        score: s.score,
        why: s.why,
      })),
    ];
    const messages: ModelMessage[] = [...keptTurns, ...(newMessage ? [newMessage] : [])].map((m) => ({
      role: m.role,
      content: m.content,
    }));
    return {
      system: sections.join('\n\n'),
      messages,
      used: memories,
      tokens: used,
      cut: keptTurns.length < turns.length,
    };
  }

  /**
   * What an agent outside a conversation (a swarm's coordinator or worker) should know about the
   * owner for a task: pinned memories, then those relevant to the task, within `maxTokens`.
   * Empty when nothing is remembered.
   */
  async briefing(query: string, maxTokens: number): Promise<{ text: string; used: UsedMemory[] }> {
    const pinnedAll = await this.deps.store.pinned();
    const pinned = fit(pinnedAll, (m) => estimateTokens(line(m)) + 1, maxTokens / 2);
    const pinnedIds = new Set(pinnedAll.map((m) => m.id));
    const found = await this.retrieve(query, null);
    const relevant = fit(
      found.memories.filter((s) => s.memory.status === 'active' && !pinnedIds.has(s.memory.id)),
      (s) => estimateTokens(line(s.memory)) + 1,
      maxTokens - pinned.tokens,
    );
    const lines = [...pinned.taken.map(line), ...relevant.taken.map((s) => line(s.memory))];
    return {
      text: lines.length
        ? ['What you know about the owner (use it where it matters):', ...lines].join('\n')
        : '',
      used: [
        ...pinned.taken.map((m) => ({ memoryId: m.id, text: m.text, score: 1, why: 'pinned' })),
        ...relevant.taken.map((s) => ({
          memoryId: s.memory.id,
          text: s.memory.text,
          score: s.score,
          why: s.why,
        })),
      ],
    };
  }

  /** Retrieval failing must not stop a reply: it goes ahead with what the conversation itself holds. */
  private async retrieve(
    query: string,
    conversationId: string | null,
  ): Promise<{ memories: ScoredMemory[]; messages: ScoredMessage[] }> {
    if (!query.trim()) return { memories: [], messages: [] };
    try {
      return await this.deps.retrieval.retrieve(query, {
        k: RELEVANT_K,
        now: this.deps.now(),
        ...(conversationId ? { excludeConversationId: conversationId } : {}),
      });
    } catch (err) {
      this.deps.logger.warn('memory retrieval failed; replying without memories', err);
      return { memories: [], messages: [] };
    }
  }

  private async titles(messages: ScoredMessage[]): Promise<Map<string, string>> {
    const ids = [...new Set(messages.map((m) => m.conversationId))];
    if (ids.length === 0) return new Map();
    const rows = await this.deps.db.all<{ id: string; title: string }>(
      `SELECT id, title FROM conversations WHERE id IN (${ids.map(() => '?').join(',')})`,
      ids,
    );
    return new Map(rows.map((r) => [r.id, r.title]));
  }
}
