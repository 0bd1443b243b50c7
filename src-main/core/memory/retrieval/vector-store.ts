import type { Database } from '../../storage/database.js';
import { RETRIEVABLE_STATUS_SQL } from './rows.js';
import type { VectorIndex } from './vector-index.js';

export type OwnerKind = 'memory' | 'message';

/** Long replies are cut for embedding: providers cap input, and the opening carries the topic. */
const MAX_EMBED_CHARS = 8000;
const LOAD_PAGE = 5000;

/**
 * Per-connection (TEMP) triggers that drop a vector when its text changes, its memory is
 * retired, or its owner is deleted, so `indexPending` finds it again. TEMP because they only
 * need to see this app's own writes, and the schema belongs to the migrations.
 */
export async function installInvalidationTriggers(db: Database): Promise<void> {
  const drop = (kind: OwnerKind, row: 'old' | 'new') =>
    `BEGIN DELETE FROM vectors WHERE owner_kind = '${kind}' AND owner_rowid = ${row}.rowid; END;`;
  await db.exec(`
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_memory_text AFTER UPDATE OF text ON memories
      ${drop('memory', 'old')}
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_memory_retired AFTER UPDATE OF status ON memories
      WHEN new.status <> 'active' ${drop('memory', 'old')}
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_memory_deleted AFTER DELETE ON memories
      ${drop('memory', 'old')}
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_message_content AFTER UPDATE OF content ON messages
      ${drop('message', 'old')}
    CREATE TEMP TRIGGER IF NOT EXISTS retrieval_message_deleted AFTER DELETE ON messages
      ${drop('message', 'old')}
  `);
}

/** Vectors whose owner went away while another process (or an older build) held the database. */
export async function removeOrphanVectors(db: Database): Promise<void> {
  await db.run(
    "DELETE FROM vectors WHERE owner_kind = 'memory' AND owner_rowid NOT IN (SELECT rowid FROM memories WHERE status = 'active')",
  );
  await db.run("DELETE FROM vectors WHERE owner_kind = 'message' AND owner_rowid NOT IN (SELECT rowid FROM messages)");
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

/** Owners of `kind` with no vector for `embedderId` yet: active memories, finished messages with content. */
export function pendingTexts(
  db: Database,
  embedderId: string,
  kind: OwnerKind,
  limit: number,
): Promise<PendingText[]> {
  const missing = `NOT EXISTS (SELECT 1 FROM vectors v WHERE v.owner_kind = '${kind}' AND v.owner_rowid = t.rowid AND v.embedder = ?)`;
  return kind === 'memory'
    ? db.all<PendingText>(
        `SELECT t.rowid AS rowid, t.text AS text FROM memories t WHERE t.status = 'active' AND ${missing} LIMIT ?`,
        [embedderId, limit],
      )
    : db.all<PendingText>(
        `SELECT t.rowid AS rowid, t.content AS text FROM messages t
          WHERE t.status IN (${RETRIEVABLE_STATUS_SQL}) AND t.content <> '' AND ${missing} LIMIT ?`,
        [embedderId, limit],
      );
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
