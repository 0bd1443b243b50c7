import type { SearchHit } from '../protocol/memory-entities.js';
import type { Database } from '../storage/database.js';
import { allWordsQuery } from './fts-query.js';

interface HitRow {
  id: string;
  conversation_id: string;
  idx: number;
  role: 'user' | 'assistant';
  created_at: number;
  title: string;
  snippet: string;
}

/** The marks the UI highlights between; control characters, so no message text can fake one. */
export const MATCH_START = '\u0001';
export const MATCH_END = '\u0002';

/** Full-text search over every conversation's messages, best matches first (bm25). */
export async function searchMessages(db: Database, query: string, limit = 30): Promise<SearchHit[]> {
  const match = allWordsQuery(query, { prefixLast: true });
  if (!match) return [];
  const rows = await db.all<HitRow>(
    `SELECT m.id, m.conversation_id, m.idx, m.role, m.created_at, c.title,
       snippet(messages_fts, 0, ?, ?, '…', 16) AS snippet
     FROM messages_fts
     JOIN messages m ON m.rowid = messages_fts.rowid
     JOIN conversations c ON c.id = m.conversation_id
     WHERE messages_fts MATCH ?
     ORDER BY bm25(messages_fts), m.created_at DESC
     LIMIT ?`,
    [MATCH_START, MATCH_END, match, limit],
  );
  return rows.map((r) => ({
    conversationId: r.conversation_id,
    conversationTitle: r.title,
    messageId: r.id,
    index: r.idx,
    role: r.role,
    snippet: r.snippet,
    createdAt: r.created_at,
  }));
}
