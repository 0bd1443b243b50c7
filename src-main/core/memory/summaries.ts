import type { LanguageModel } from 'ai';
import type { Message } from '../protocol/entities.js';
import type { Database } from '../storage/database.js';
import { localDay } from './daemon-state.js';
import { tokensSpent } from './token-estimate.js';

export interface ConversationSummary {
  /** The summary covers the conversation's messages up to and including this index. */
  uptoIndex: number;
  summary: string;
}

/** Long summaries defeat their purpose: they are what is left when the turns no longer fit. */
const MAX_SUMMARY_CHARS = 6000;
const MAX_MESSAGE_CHARS = 2000;

const INSTRUCTIONS = `You keep a running summary of a long conversation between an owner and their
assistant, so the assistant can continue it when the older turns are no longer in view. Merge the
summary so far with the new messages into one updated summary: what was discussed, decided, asked
and promised, open questions, names, numbers and dates (absolute, yyyy-mm-dd). Plain prose or short
bullet points, at most 400 words. Answer with the summary only.`;

export async function summaryOf(db: Database, conversationId: string): Promise<ConversationSummary | null> {
  const row = await db.get<{ upto_index: number; summary: string }>(
    'SELECT upto_index, summary FROM conversation_summaries WHERE conversation_id = ?',
    [conversationId],
  );
  return row ? { uptoIndex: row.upto_index, summary: row.summary } : null;
}

export async function summarise(
  model: LanguageModel,
  previous: string | null,
  messages: Message[],
  signal: AbortSignal,
): Promise<{ summary: string; tokens: number }> {
  const turns = messages
    .map((m) => {
      const text =
        m.content.length > MAX_MESSAGE_CHARS ? `${m.content.slice(0, MAX_MESSAGE_CHARS)} […]` : m.content;
      return `${localDay(m.createdAt)} ${m.role === 'user' ? 'Owner' : 'Assistant'}: ${text}`;
    })
    .join('\n\n');
  const prompt = `Summary so far:\n${previous ?? '(none)'}\n\nNew messages:\n${turns}`;
  const { generateText } = await import('ai');
  const result = await generateText({
    model,
    system: INSTRUCTIONS,
    prompt,
    abortSignal: signal,
    // The daemon retries a failed conversation itself, later and with a growing wait.
    maxRetries: 0,
  });
  return {
    summary: result.text.trim().slice(0, MAX_SUMMARY_CHARS),
    tokens: tokensSpent(result.usage, INSTRUCTIONS + prompt, result.text),
  };
}

/** Inside the caller's transaction; a summary only ever moves forward. */
export async function storeSummaryInTx(
  db: Database,
  conversationId: string,
  summary: ConversationSummary,
  now: number,
): Promise<void> {
  await db.run(
    `INSERT INTO conversation_summaries (conversation_id, upto_index, summary, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (conversation_id) DO UPDATE SET upto_index = excluded.upto_index, summary = excluded.summary,
       updated_at = excluded.updated_at WHERE excluded.upto_index > conversation_summaries.upto_index`,
    [conversationId, summary.uptoIndex, summary.summary, now],
  );
}
