import type { Database } from '../../storage/database.js';
import { isoDay, type DateRange } from './dates.js';
import { RETRIEVABLE_STATUS_SQL } from './rows.js';

/** FTS hits fetched per result wanted, before drafts and excluded messages are dropped. */
const FTS_OVERFETCH = 4;

// The lists a query asks SQLite for: rowids in rank order, fused later with the in-memory ones.

export async function rowidsOfConversation(db: Database, conversationId: string): Promise<Set<number>> {
  const rows = await db.all<{ rowid: number }>('SELECT rowid FROM messages WHERE conversation_id = ?', [
    conversationId,
  ]);
  return new Set(rows.map((r) => r.rowid));
}

/**
 * FTS5 ranks inside a subquery (its ORDER BY rank LIMIT is what keeps this fast); filtering
 * by status after it means a pile of drafts could crowd out finished replies, hence the
 * generous inner limit. Joining first makes SQLite run the MATCH once per message instead.
 */
export async function bm25Messages(
  db: Database,
  match: string,
  depth: number,
  exclude: string | null,
): Promise<number[]> {
  const rows = await db.all<{ rowid: number }>(
    `SELECT m.rowid AS rowid FROM (
       SELECT rowid, rank FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?
     ) f JOIN messages m ON m.rowid = f.rowid
     WHERE m.status IN (${RETRIEVABLE_STATUS_SQL}) AND m.content <> '' AND m.conversation_id IS NOT ?
     ORDER BY f.rank LIMIT ?`,
    [match, depth * FTS_OVERFETCH, exclude, depth],
  );
  return rows.map((r) => r.rowid);
}

/**
 * Memories dated inside the query's range, so "what happened last week?" finds them without
 * shared words. event_date has no index (the schema is the migrations'), so no ORDER BY: the
 * scan stops at the first `depth` rows found.
 */
export async function datedMemories(db: Database, range: DateRange, depth: number): Promise<number[]> {
  const rows = await db.all<{ rowid: number }>(
    `SELECT rowid FROM memories WHERE event_date >= ? AND event_date < ? AND status = 'active' LIMIT ?`,
    [isoDay(range.start), isoDay(range.end), depth],
  );
  return rows.map((r) => r.rowid);
}

/** Messages of the range, found through the conversations active then (indexed) rather than a scan. */
export async function datedMessages(
  db: Database,
  range: DateRange,
  depth: number,
  exclude: string | null,
): Promise<number[]> {
  const rows = await db.all<{ rowid: number }>(
    `SELECT m.rowid AS rowid FROM conversations c JOIN messages m ON m.conversation_id = c.id
      WHERE c.updated_at >= ? AND c.created_at < ? AND c.id IS NOT ?
        AND m.created_at >= ? AND m.created_at < ? AND m.status IN (${RETRIEVABLE_STATUS_SQL}) AND m.content <> ''
      ORDER BY m.created_at DESC LIMIT ?`,
    [range.start, range.end, exclude, range.start, range.end, depth],
  );
  return rows.map((r) => r.rowid);
}
