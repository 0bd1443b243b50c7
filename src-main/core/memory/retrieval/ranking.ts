import type { Database } from '../../storage/database.js';
import type { Memory } from '../../protocol/memory-entities.js';
import type { ScoredMemory, ScoredMessage } from '../types.js';
import { speakerFactor } from './conversation-context.js';
import { dateCloseness, isoDay, mentionsTime, parseIsoDay, type DateIntent } from './dates.js';
import { explain, matchedWords, type Evidence } from './explain.js';
import {
  DATE_MATCH_BOOST,
  importanceFactor,
  PINNED_FACTOR,
  reciprocalRankFusion,
  recencyFactor,
  WHEN_DATED_FACTOR,
  WHEN_MENTION_FACTOR,
  type RankedList,
} from './fusion.js';
import {
  MEMORY_COLUMNS,
  memoryFromRow,
  RETRIEVABLE_STATUSES,
  type MemoryRow,
  type MessageRow,
} from './rows.js';
import { normalise } from './tokenize.js';
import type { VectorIndex } from './vector-index.js';

const LIST_WEIGHTS = { bm25: 1, vector: 1, date: 0.35 };

/** What a query asked for, as every ranking step needs it. */
export interface RankQuery {
  query: string;
  intent: DateIntent;
  now: number;
  k: number;
  /** An embedding model answers (else the hashed embedder, which compares spellings, not meaning). */
  byMeaning: boolean;
}

/** The ranked rowid lists of one corpus, best first: words (BM25), meaning (vectors), dates. */
export interface RankedLists {
  lexical: number[];
  vector: number[];
  dated: number[];
}

interface Candidate {
  rowid: number;
  fused: number;
  lexical: boolean;
}

function fuse({ lexical, vector, dated }: RankedLists): Candidate[] {
  const lists: RankedList[] = [
    { rowids: lexical, weight: LIST_WEIGHTS.bm25 },
    { rowids: vector, weight: LIST_WEIGHTS.vector },
    { rowids: dated, weight: LIST_WEIGHTS.date },
  ];
  const lexicalSet = new Set(lexical);
  return [...reciprocalRankFusion(lists)].map(([rowid, fused]) => ({
    rowid,
    fused,
    lexical: lexicalSet.has(rowid),
  }));
}

/**
 * Fuses the lists, reads the candidates and weighs them by recency, importance, pinning and the
 * query's dates. `index` is the vector index the candidates came from: a row gone since it was
 * indexed is removed from it on the way.
 */
export async function rankMemories(
  db: Database,
  { query, intent, now, k, byMeaning }: RankQuery,
  index: VectorIndex,
  lists: RankedLists,
): Promise<ScoredMemory[]> {
  const candidates = fuse(lists);
  if (candidates.length === 0) return [];
  const rows = await db.all<MemoryRow>(
    `SELECT ${MEMORY_COLUMNS} FROM memories WHERE rowid IN (${candidates.map(() => '?').join(',')})`,
    candidates.map((c) => c.rowid),
  );
  const byRowid = new Map(rows.map((r) => [r.rowid, r]));
  const scored: { memory: Memory; score: number; evidence: () => Evidence }[] = [];
  for (const candidate of candidates) {
    const row = byRowid.get(candidate.rowid);
    if (!row || row.status !== 'active') {
      // Deleted or retired since it was indexed: heal the in-memory index as we go.
      index.remove(candidate.rowid);
      continue;
    }
    const memory = memoryFromRow(row);
    let score = candidate.fused * recencyFactor(now - memory.updatedAt) * importanceFactor(memory.importance);
    if (memory.pinned) score *= PINNED_FACTOR;
    const eventDay = parseIsoDay(memory.eventDate);
    let dateMatch: string | null = null;
    if (intent.range) {
      // A memory without an eventDate is dated, more loosely, by when it was made.
      const closeness =
        eventDay !== null
          ? dateCloseness(eventDay, intent.range)
          : 0.5 * dateCloseness(memory.createdAt, intent.range);
      score *= 1 + DATE_MATCH_BOOST * closeness;
      if (closeness >= 0.5) dateMatch = memory.eventDate ?? isoDay(memory.createdAt);
    }
    if (intent.when && eventDay !== null) score *= WHEN_DATED_FACTOR;
    // `why` (which re-tokenises the text) is worked out only for the k that are returned.
    const evidence = () => ({
      matched: candidate.lexical ? matchedWords(query, memory.text) : [],
      dateMatch,
      dated: intent.when ? memory.eventDate : null,
      pinned: memory.pinned,
    });
    scored.push({ memory, score, evidence });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored
    .slice(0, k)
    .map(({ memory, score, evidence }) => ({ memory, score, why: explain(evidence(), byMeaning) }));
}

/** The same for past messages, without `exclude`'s conversation and with repeated lines once. */
export async function rankMessages(
  db: Database,
  { query, intent, now, k, byMeaning }: RankQuery,
  index: VectorIndex,
  exclude: string | null,
  lists: RankedLists,
): Promise<ScoredMessage[]> {
  const candidates = fuse(lists);
  if (candidates.length === 0) return [];
  const rows = await db.all<MessageRow & { status: string }>(
    `SELECT rowid, id, conversation_id, idx, role, content, status, created_at FROM messages
      WHERE rowid IN (${candidates.map(() => '?').join(',')})`,
    candidates.map((c) => c.rowid),
  );
  const byRowid = new Map(rows.map((r) => [r.rowid, r]));
  const scored: { message: Omit<ScoredMessage, 'why'>; evidence: () => Evidence }[] = [];
  for (const candidate of candidates) {
    const row = byRowid.get(candidate.rowid);
    if (!row) {
      index.remove(candidate.rowid);
      continue;
    }
    if (row.conversation_id === exclude || row.content === '') continue;
    if (!(RETRIEVABLE_STATUSES as readonly string[]).includes(row.status)) continue;
    let score = candidate.fused * recencyFactor(now - row.created_at);
    let dateMatch: string | null = null;
    if (intent.range) {
      const closeness = dateCloseness(row.created_at, intent.range);
      score *= 1 + DATE_MATCH_BOOST * closeness;
      if (closeness >= 0.5) dateMatch = isoDay(row.created_at);
    }
    if (intent.when && mentionsTime(row.content)) score *= WHEN_MENTION_FACTOR;
    score *= speakerFactor(query, row.content, row.role);
    scored.push({
      message: {
        conversationId: row.conversation_id,
        messageId: row.id,
        index: row.idx,
        role: row.role,
        content: row.content,
        createdAt: row.created_at,
        score,
      },
      evidence: () => ({
        matched: candidate.lexical ? matchedWords(query, row.content) : [],
        dateMatch,
        dated: null,
        pinned: false,
      }),
    });
  }
  scored.sort((a, b) => b.message.score - a.message.score);
  // "Thanks!" or "Talk soon!" said twenty times is one piece of context, not twenty.
  const seen = new Set<string>();
  const distinct: ScoredMessage[] = [];
  for (const { message, evidence } of scored) {
    const key = normalise(message.content).replace(/\s+/g, ' ').trim();
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push({ ...message, why: explain(evidence(), byMeaning) });
    if (distinct.length === k) break;
  }
  return distinct;
}
