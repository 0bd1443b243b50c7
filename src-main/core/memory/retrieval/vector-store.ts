import type { Database } from '../../storage/database.js';
import { RETRIEVABLE_STATUS_SQL } from './rows.js';
import type { VectorIndex } from './vector-index.js';

export type OwnerKind = 'memory' | 'message';

/** Long replies are cut for embedding: providers cap input, and the opening carries the topic. */
const MAX_EMBED_CHARS = 8000;
const LOAD_PAGE = 5000;

/**
 * Per-connection (TEMP) triggers and a TEMP change log, so the schema stays the migrations' and
 * only this app's own writes are watched (it holds the only connection). When a text changes,
 * a memory is retired or an owner deleted, its vectors go; every insert, change or delete is
 * logged in `retrieval_changes` with a rising seq, so `indexPending` looks only at what changed
 * since it last looked instead of scanning every row for a missing vector, and the term indexes
 * (corpus-terms.ts) stay current without re-reading the tables.
 */
export async function installChangeTracking(db: Database): Promise<void> {
  const drop = (kind: OwnerKind) =>
    `DELETE FROM vectors WHERE owner_kind = '${kind}' AND owner_rowid = old.rowid;`;
  const log = (kind: OwnerKind, row: 'old' | 'new') =>
    `INSERT INTO temp.retrieval_changes (owner_kind, owner_rowid) VALUES ('${kind}', ${row}.rowid);`;
  await db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS retrieval_changes (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      owner_kind TEXT NOT NULL,
      owner_rowid INTEGER NOT NULL,
      UNIQUE (owner_kind, owner_rowid) ON CONFLICT REPLACE
    );
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_memory_inserted AFTER INSERT ON memories
      BEGIN ${log('memory', 'new')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_memory_text AFTER UPDATE OF text ON memories
      BEGIN ${drop('memory')} ${log('memory', 'new')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_memory_status AFTER UPDATE OF status ON memories
      BEGIN DELETE FROM vectors WHERE new.status <> 'active' AND owner_kind = 'memory' AND owner_rowid = old.rowid;
        ${log('memory', 'new')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_memory_deleted AFTER DELETE ON memories
      BEGIN ${drop('memory')} ${log('memory', 'old')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_message_inserted AFTER INSERT ON messages
      BEGIN ${log('message', 'new')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_message_content AFTER UPDATE OF content ON messages
      BEGIN ${drop('message')} ${log('message', 'new')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_message_status AFTER UPDATE OF status ON messages
      BEGIN ${log('message', 'new')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_message_deleted AFTER DELETE ON messages
      BEGIN ${drop('message')} ${log('message', 'old')} END;
  `);
}

export async function latestChange(db: Database): Promise<number> {
  const row = await db.get<{ seq: number | null }>('SELECT max(seq) AS seq FROM temp.retrieval_changes');
  return row?.seq ?? 0;
}

/** Vectors whose owner went away while another process (or an older build) held the database. */
export async function removeOrphanVectors(db: Database): Promise<void> {
  await db.run(
    "DELETE FROM vectors WHERE owner_kind = 'memory' AND owner_rowid NOT IN (SELECT rowid FROM memories WHERE status = 'active')",
  );
  await db.run(
    "DELETE FROM vectors WHERE owner_kind = 'message' AND owner_rowid NOT IN (SELECT rowid FROM messages)",
  );
}

export async function removeOtherEmbedders(db: Database, keepId: string): Promise<void> {
  await db.run('DELETE FROM vectors WHERE embedder <> ?', [keepId]);
}

/** Streams the stored vectors of one kind and embedder into `index`, a page at a time. */
export async function loadVectors(
  db: Database,
  embedderId: string,
  kind: OwnerKind,
  index: VectorIndex,
): Promise<void> {
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = await db.all<{ rowid: number; vector: Buffer }>(
      `SELECT owner_rowid AS rowid, vector FROM vectors
        WHERE owner_kind = ? AND embedder = ? AND owner_rowid > ? ORDER BY owner_rowid LIMIT ?`,
      [kind, embedderId, after, LOAD_PAGE],
    );
    for (const row of rows) {
      if (row.vector.byteLength % 4 !== 0) continue;
      if (index.dims !== 0 && row.vector.byteLength !== index.dims * 4) continue;
      index.upsert(row.rowid, row.vector);
    }
    if (rows.length < LOAD_PAGE) return;
    after = rows[rows.length - 1]!.rowid;
  }
}

export interface PendingText {
  rowid: number;
  text: string;
}

function eligible(kind: OwnerKind): { table: string; text: string; where: string } {
  return kind === 'memory'
    ? { table: 'memories', text: 't.text', where: "t.status = 'active'" }
    : {
        table: 'messages',
        text: 't.content',
        where: `t.status IN (${RETRIEVABLE_STATUS_SQL}) AND t.content <> ''`,
      };
}

const missingVector = (kind: OwnerKind) =>
  `NOT EXISTS (SELECT 1 FROM vectors v WHERE v.owner_kind = '${kind}' AND v.owner_rowid = t.rowid AND v.embedder = ?)`;

/**
 * The first full pass: owners after `afterRowid` (in rowid order) that lack a vector. Returns
 * them and how far the scan got, so a pass over 100,000 rows costs one walk, not one per batch.
 */
export async function scanPending(
  db: Database,
  embedderId: string,
  kind: OwnerKind,
  afterRowid: number,
  limit: number,
): Promise<{ items: PendingText[]; reached: number | null }> {
  const { table, text, where } = eligible(kind);
  const items = await db.all<PendingText>(
    `SELECT t.rowid AS rowid, ${text} AS text FROM ${table} t
      WHERE t.rowid > ? AND ${where} AND ${missingVector(kind)} ORDER BY t.rowid LIMIT ?`,
    [afterRowid, embedderId, limit],
  );
  // A short page means the scan reached the end of the table.
  return { items, reached: items.length < limit ? null : items[items.length - 1]!.rowid };
}

/** Owners changed after change `afterSeq` that lack a vector, and the last change looked at. */
export async function changedPending(
  db: Database,
  embedderId: string,
  kind: OwnerKind,
  afterSeq: number,
  limit: number,
): Promise<{ items: PendingText[]; seq: number }> {
  const changes = await db.all<{ seq: number; rowid: number }>(
    `SELECT seq, owner_rowid AS rowid FROM temp.retrieval_changes WHERE owner_kind = ? AND seq > ? ORDER BY seq LIMIT ?`,
    [kind, afterSeq, limit],
  );
  if (changes.length === 0) return { items: [], seq: afterSeq };
  const { table, text, where } = eligible(kind);
  const items = await db.all<PendingText>(
    `SELECT t.rowid AS rowid, ${text} AS text FROM ${table} t
      WHERE t.rowid IN (${changes.map(() => '?').join(',')}) AND ${where} AND ${missingVector(kind)}`,
    [...changes.map((c) => c.rowid), embedderId],
  );
  return { items, seq: changes[changes.length - 1]!.seq };
}

export function textForEmbedding(text: string): string {
  return text.length > MAX_EMBED_CHARS ? text.slice(0, MAX_EMBED_CHARS) : text;
}

/**
 * Stores vectors, but only for owners whose text is still the one embedded: a memory edited
 * while its old text was being embedded keeps no stale vector (the trigger already dropped it).
 */
export async function saveVectors(
  db: Database,
  embedderId: string,
  kind: OwnerKind,
  items: readonly { rowid: number; text: string; vector: Float32Array }[],
): Promise<void> {
  if (items.length === 0) return;
  const table = kind === 'memory' ? 'memories' : 'messages';
  const column = kind === 'memory' ? 'text' : 'content';
  const values = items.map(() => '(?, ?, ?)').join(', ');
  const params = items.flatMap((item) => [
    item.rowid,
    Buffer.from(item.vector.buffer, item.vector.byteOffset, item.vector.byteLength),
    item.text,
  ]);
  await db.transaction(() =>
    db.run(
      `INSERT OR REPLACE INTO vectors (owner_kind, owner_rowid, embedder, vector)
        SELECT '${kind}', o.rowid, ?, v.column2 FROM (VALUES ${values}) v
        JOIN ${table} o ON o.rowid = v.column1 AND substr(o.${column}, 1, ${MAX_EMBED_CHARS}) = v.column3`,
      [embedderId, ...params],
    ),
  );
}
