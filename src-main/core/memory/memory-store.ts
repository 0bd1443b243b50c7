import type { EventBus } from '../base/event-bus.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { Cell0Error } from '../protocol/errors.js';
import type { Memory, UsedMemory } from '../protocol/memory-entities.js';
import type { Database } from '../storage/database.js';
import { allWordsQuery } from './fts-query.js';
import {
  MEMORY_COLUMNS,
  deleteMemories,
  getMemoryRow,
  insertMemory,
  patchMemory,
  toMemory,
  type MemoryPatch,
  type MemoryRow,
  type NewMemory,
} from './memory-rows.js';
import { FORGET_MIN_SIMILARITY, TopicSimilarity } from './topic-similarity.js';
import type { Retrieval } from './types.js';

export interface MemoryStoreDeps {
  db: Database;
  bus: EventBus;
  retrieval: Retrieval;
  audit: Pick<AuditLog, 'append'>;
  now: () => number;
  /**
   * How close in meaning (cosine, built-in embedder) a memory must be to a topic to be forgotten
   * with it, beside those that contain the topic's words.
   */
  forgetMinSimilarity?: number;
}

export interface ListQuery {
  query?: string | undefined;
  includeRetired?: boolean | undefined;
  offset?: number | undefined;
  limit: number;
}

/** The memories themselves: what the owner sees, edits and forgets in the Memory view. */
export class MemoryStore {
  private readonly db: Database;
  private readonly bus: EventBus;
  private readonly similarity = new TopicSimilarity();

  constructor(private readonly deps: MemoryStoreDeps) {
    this.db = deps.db;
    this.bus = deps.bus;
  }

  async get(id: string): Promise<Memory> {
    const row = await getMemoryRow(this.db, id);
    if (!row) throw new Cell0Error('NOT_FOUND', 'That memory no longer exists.');
    return toMemory(row);
  }

  /** Newest first with pinned ones on top; with a query, the memories that contain its words. */
  async list(q: ListQuery): Promise<{ memories: Memory[]; total: number }> {
    const status = q.includeRetired ? '' : "AND m.status = 'active'";
    const offset = q.offset ?? 0;
    const query = q.query?.trim();
    if (!query) {
      const rows = await this.db.all<MemoryRow>(
        `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE 1 = 1 ${status}
         ORDER BY m.pinned DESC, m.created_at DESC, m.rowid DESC LIMIT ? OFFSET ?`,
        [q.limit, offset],
      );
      const count = await this.db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM memories m WHERE 1 = 1 ${status}`,
      );
      return { memories: rows.map(toMemory), total: count?.n ?? 0 };
    }
    const match = allWordsQuery(query, { prefixLast: true });
    const rows = match
      ? await this.db.all<MemoryRow>(
          `SELECT ${MEMORY_COLUMNS} FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid
           WHERE memories_fts MATCH ? ${status}
           ORDER BY m.pinned DESC, bm25(memories_fts), m.created_at DESC`,
          [match],
        )
      : [];
    if (rows.length > 0) {
      return { memories: rows.slice(offset, offset + q.limit).map(toMemory), total: rows.length };
    }
    // No memory has those words: show the ones closest in meaning instead ("coffee" finds "espresso").
    const { memories } = await this.deps.retrieval.retrieve(query, { k: 50, now: this.deps.now() });
    const found = memories.map((s) => s.memory).filter((m) => q.includeRetired || m.status === 'active');
    return { memories: found.slice(offset, offset + q.limit), total: found.length };
  }

  /** Active pinned memories, newest first: always in the agent's context. */
  async pinned(): Promise<Memory[]> {
    const rows = await this.db.all<MemoryRow>(
      `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.status = 'active' AND m.pinned = 1
       ORDER BY m.updated_at DESC`,
    );
    return rows.map(toMemory);
  }

  async create(input: NewMemory): Promise<Memory> {
    const memory = await this.db.transaction(() => insertMemory(this.db, input, this.deps.now()));
    this.bus.emit('memory.updated', { memory });
    this.indexSoon();
    return memory;
  }

  async update(id: string, patch: MemoryPatch): Promise<Memory> {
    const memory = await this.db.transaction(() => patchMemory(this.db, id, patch, this.deps.now()));
    if (!memory) throw new Cell0Error('NOT_FOUND', 'That memory no longer exists.');
    this.bus.emit('memory.updated', { memory });
    if (patch.text !== undefined) this.indexSoon();
    return memory;
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.db.transaction(async () => {
      const row = await getMemoryRow(this.db, id);
      if (row) await deleteMemories(this.db, [row]);
      return row !== undefined;
    });
    if (!deleted) throw new Cell0Error('NOT_FOUND', 'That memory no longer exists.');
    this.bus.emit('memory.deleted', { id });
  }

  /**
   * "Forget everything about X": every memory, active or retired, that contains the topic's words
   * or is close to it in meaning, and the older versions those replaced. Vectors go with them.
   */
  async forget(topic: string): Promise<Memory[]> {
    const match = allWordsQuery(topic);
    const byWords = match
      ? await this.db.all<MemoryRow>(
          `SELECT ${MEMORY_COLUMNS} FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid
           WHERE memories_fts MATCH ?`,
          [match],
        )
      : [];
    // Candidates close in meaning: active ones as retrieval ranks them, retired ones (which
    // retrieval never returns) all of them; each kept only if truly similar to the topic.
    const { memories: ranked } = await this.deps.retrieval.retrieve(topic, { k: 100, now: this.deps.now() });
    const retired = await this.db.all<{ id: string; text: string }>(
      "SELECT id, text FROM memories WHERE status = 'retired'",
    );
    const candidates = [...ranked.map((s) => ({ id: s.memory.id, text: s.memory.text })), ...retired];
    const scores = this.similarity.similarities(
      topic,
      candidates.map((c) => c.text),
    );
    const minSimilarity = this.deps.forgetMinSimilarity ?? FORGET_MIN_SIMILARITY;
    const ids = new Set([
      ...byWords.map((r) => r.id),
      ...candidates.filter((_, i) => scores[i]! >= minSimilarity).map((c) => c.id),
    ]);
    const forgotten = await this.db.transaction(async () => {
      // The versions a forgotten memory replaced say the same thing in older words: they go too.
      for (let grew = true; grew;) {
        const older = await this.db.all<{ id: string }>(
          `SELECT id FROM memories WHERE superseded_by IN (${[...ids].map(() => '?').join(',') || "''"})`,
          [...ids],
        );
        grew = older.some((r) => !ids.has(r.id));
        for (const r of older) ids.add(r.id);
      }
      const rows = ids.size
        ? await this.db.all<MemoryRow>(
            `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.id IN (${[...ids].map(() => '?').join(',')})
             ORDER BY m.created_at`,
            [...ids],
          )
        : [];
      await deleteMemories(this.db, rows);
      return rows.map(toMemory);
    });
    for (const m of forgotten) this.bus.emit('memory.deleted', { id: m.id });
    await this.deps.audit.append({
      actor: 'owner',
      kind: 'tool.call',
      tool: 'memory.forget',
      args: { topic },
      outcome: `forgot ${forgotten.length}`,
      conversationId: null,
    });
    return forgotten;
  }

  /** The memories a reply was given, best first. */
  async usedBy(messageId: string): Promise<UsedMemory[]> {
    return this.db.all<UsedMemory>(
      `SELECT mm.memory_id AS memoryId, m.text, mm.score, mm.why FROM message_memories mm
       JOIN memories m ON m.id = mm.memory_id WHERE mm.message_id = ? ORDER BY mm.score DESC`,
      [messageId],
    );
  }

  /**
   * Records what a reply was given, and marks those memories used: used ones gain a little
   * importance and stop decaying for a while.
   */
  async recordUse(messageId: string, used: UsedMemory[]): Promise<void> {
    if (used.length === 0) return;
    const now = this.deps.now();
    await this.db.transaction(async () => {
      for (const u of used) {
        await this.db.run(
          `INSERT INTO message_memories (message_id, memory_id, score, why) VALUES (?, ?, ?, ?)
           ON CONFLICT (message_id, memory_id) DO UPDATE SET score = excluded.score, why = excluded.why`,
          [messageId, u.memoryId, u.score, u.why],
        );
        await this.db.run(
          'UPDATE memories SET last_used_at = ?, importance = MIN(1.0, importance + 0.02) WHERE id = ?',
          [now, u.memoryId],
        );
      }
    });
  }

  /** Embeds new or edited memories now rather than at the daemon's next turn; failures wait for it. */
  private indexSoon(): void {
    void this.deps.retrieval.indexPending(50).catch(() => undefined);
  }
}
