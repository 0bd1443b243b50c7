import type { Logger } from '../../base/logger.js';
import type { Database } from '../../storage/database.js';
import type { Memory } from '../../protocol/memory-entities.js';
import type { Embedder, Retrieval, RetrieveOptions, ScoredMemory, ScoredMessage } from '../types.js';
import {
  dateCloseness,
  isoDay,
  mentionsTime,
  parseDateIntent,
  parseIsoDay,
  type DateIntent,
} from './dates.js';
import { explain, matchedWords, type Evidence } from './explain.js';
import { CorpusTerms } from './corpus-terms.js';
import { ftsQuery, queryWords } from './fts-query.js';
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
import { HashEmbedder } from './hash-embedder.js';
import { SpeakerNames, speakerFactor } from './conversation-context.js';
import {
  MEMORY_COLUMNS,
  memoryFromRow,
  RETRIEVABLE_STATUS_SQL,
  RETRIEVABLE_STATUSES,
  type MemoryRow,
  type MessageRow,
} from './rows.js';
import { queryWeights } from './query-weights.js';
import { normalise } from './tokenize.js';
import { VectorIndex } from './vector-index.js';
import {
  changedPending,
  installChangeTracking,
  latestChange,
  loadVectors,
  scanPending,
  removeOrphanVectors,
  removeOtherEmbedders,
  saveVectors,
  textForEmbedding,
  type OwnerKind,
} from './vector-store.js';

const EMBED_BATCH = 64;
const DEFAULT_PENDING_LIMIT = 512;
/** Candidates taken from each ranked list before fusion. */
const MIN_DEPTH = 50;
const LIST_WEIGHTS = { bm25: 1, vector: 1, date: 0.35 };
const REBUILD_RETRY_MS = 30_000;
/** FTS hits fetched per result wanted, before drafts and excluded messages are dropped. */
const FTS_OVERFETCH = 4;

/** How far indexing has come for one owner kind: the first full scan, then the change log. */
interface Progress {
  scanAfter: number;
  scanned: boolean;
  seq: number;
}

interface IndexSet {
  embedder: Embedder;
  memory: VectorIndex;
  message: VectorIndex;
  progress: Record<OwnerKind, Progress>;
}

function freshProgress(seq: number): Record<OwnerKind, Progress> {
  return {
    memory: { scanAfter: Number.MIN_SAFE_INTEGER, scanned: false, seq },
    message: { scanAfter: Number.MIN_SAFE_INTEGER, scanned: false, seq },
  };
}

function newIndexSet(embedder: Embedder, seq = 0): IndexSet {
  return {
    embedder,
    memory: new VectorIndex(embedder.dims),
    message: new VectorIndex(embedder.dims),
    progress: freshProgress(seq),
  };
}

interface Candidate {
  rowid: number;
  fused: number;
  lexical: boolean;
}

/**
 * Ranks active memories and past messages for a query: BM25 over FTS5 and cosine over an
 * in-memory vector index, fused by Reciprocal Rank Fusion, then weighed by recency, importance,
 * pinning and the dates the query talks about.
 */
export class HybridRetrieval implements Retrieval {
  private readonly db: Database;
  private readonly logger: Logger;
  private active: IndexSet;
  /** An embedder being indexed in the background; `active` serves until it is complete. */
  private building: { set: IndexSet; done: Promise<void> } | null = null;
  private starting: Promise<void> | null = null;
  private stopped = false;
  private generation = 0;
  private indexing: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | null = null;
  /** Term statistics and BM25 over memories, in memory; loaded by start(), refreshed per query. */
  private terms: CorpusTerms;
  private readonly speakers: SpeakerNames;

  constructor(options: { db: Database; logger: Logger; embedder?: Embedder }) {
    this.db = options.db;
    this.logger = options.logger;
    this.terms = new CorpusTerms(options.db);
    this.speakers = new SpeakerNames(options.db);
    this.active = newIndexSet(options.embedder ?? new HashEmbedder());
  }

  /** Whether the vectors answering now come from an embedding model rather than the hashed one. */
  private get byMeaning(): boolean {
    return !(this.active.embedder instanceof HashEmbedder);
  }

  /** The embedder answering queries now (the previous one while a swap is being indexed). */
  get embedderId(): string {
    return this.active.embedder.id;
  }

  /** The embedder being indexed in the background, if a swap is under way. */
  get pendingEmbedderId(): string | null {
    return this.building?.set.embedder.id ?? null;
  }

  /** Loads the active embedder's vectors; safe to call twice, and retrieve() calls it if nobody did. */
  start(): Promise<void> {
    this.stopped = false;
    this.starting ??= (async () => {
      await installChangeTracking(this.db);
      await removeOrphanVectors(this.db);
      this.active.progress = freshProgress(await latestChange(this.db));
      await this.terms.load();
      await loadVectors(this.db, this.active.embedder.id, 'memory', this.active.memory);
      await loadVectors(this.db, this.active.embedder.id, 'message', this.active.message);
    })().catch((err: unknown) => {
      this.starting = null;
      throw err;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.wake?.();
    await this.building?.done.catch(() => undefined);
    this.building = null;
    await this.indexing.catch(() => undefined);
    this.starting = null;
    this.active = newIndexSet(this.active.embedder);
    this.terms = new CorpusTerms(this.db);
  }

  /**
   * Switches to another embedder. Until every memory and message has a vector from it, queries
   * keep using the current one; then the index flips and the old vectors are deleted. Resolves
   * when the swap is scheduled, not when it is done (see `whenIndexed`).
   */
  setEmbedder(embedder: Embedder): void {
    if (embedder.id === this.active.embedder.id) {
      this.active.embedder = embedder;
      this.generation++;
      this.building = null;
      return;
    }
    if (this.building?.set.embedder.id === embedder.id) return;
    if (!this.starting) {
      this.active = newIndexSet(embedder);
      return;
    }
    const generation = ++this.generation;
    const set = newIndexSet(embedder);
    this.building = { set, done: this.rebuild(set, generation) };
    // Surface nothing here: rebuild() logs and retries its own failures.
    this.building.done.catch(() => undefined);
  }

  /** Resolves once a pending embedder swap has completed (immediately when there is none). */
  async whenIndexed(): Promise<void> {
    await this.building?.done;
  }

  async indexPending(limit = DEFAULT_PENDING_LIMIT): Promise<number> {
    await this.start();
    // Tokenising what was written belongs to ingest, not to the next query.
    await this.terms.refresh();
    return this.indexInto(this.active, limit);
  }

  async retrieve(
    query: string,
    options: RetrieveOptions,
  ): Promise<{ memories: ScoredMemory[]; messages: ScoredMessage[] }> {
    await this.start();
    const k = Math.max(0, Math.floor(options.k));
    if (k === 0 || query.trim() === '') return { memories: [], messages: [] };
    await this.terms.refresh();
    const now = options.now ?? Date.now();
    const hybrid = (options.mode ?? 'hybrid') === 'hybrid';
    const depth = Math.max(MIN_DEPTH, k * 5);
    const intent = parseDateIntent(query, now);
    const words = queryWords(query);
    // A speaker's name is in every one of their turns: it says who, which speakerFactor weighs,
    // not what, so the word search looks for the rest.
    const match = ftsQuery(await this.speakers.withoutSpeakers(query, this.terms.message));
    const exclude = options.excludeConversationId ?? null;
    const set = this.active;
    const dated = hybrid && intent.range !== null;

    // Everything that waits on SQLite is queued first; the searches held in memory (vectors and
    // BM25 over memories) run on this thread meanwhile.
    const messageInputs = Promise.all([
      hybrid && exclude ? this.rowidsOfConversation(exclude) : undefined,
      match ? this.bm25Messages(match, depth, exclude) : [],
      dated ? this.datedMessages(intent, depth, exclude) : [],
    ]);
    const memoryDated = dated ? this.datedMemories(intent, depth) : Promise.resolve([]);
    // Both are awaited below; until then a failure must not count as unhandled.
    messageInputs.catch(() => undefined);
    memoryDated.catch(() => undefined);

    const vectors = hybrid ? await this.embedQuery(set.embedder, query) : null;
    const memoryLexical = this.terms.memory.search(words, depth);
    const memoryVector = vectors ? set.memory.search(vectors.memories, depth).map((h) => h.rowid) : [];
    const memories = memoryDated.then((memoryDatedRows) =>
      this.rankMemories(query, intent, now, k, set, memoryLexical, memoryVector, memoryDatedRows),
    );
    memories.catch(() => undefined);

    const [excludedRowids, messageLexical, messageDated] = await messageInputs;
    const messageVector = vectors
      ? set.message.search(vectors.messages, depth, excludedRowids).map((h) => h.rowid)
      : [];
    const messages = await this.rankMessages(
      query,
      intent,
      now,
      k,
      set,
      exclude,
      messageLexical,
      messageVector,
      messageDated,
    );
    return { memories: await memories, messages };
  }

  private async rowidsOfConversation(conversationId: string): Promise<Set<number>> {
    const rows = await this.db.all<{ rowid: number }>(
      'SELECT rowid FROM messages WHERE conversation_id = ?',
      [conversationId],
    );
    return new Set(rows.map((r) => r.rowid));
  }

  /** One query vector per corpus: the built-in embedder weighs words by their rarity in each. */
  private async embedQuery(
    embedder: Embedder,
    query: string,
  ): Promise<{ memories: Float32Array; messages: Float32Array } | null> {
    const text = textForEmbedding(query);
    try {
      if (embedder instanceof HashEmbedder) {
        return {
          memories: embedder.embedOne(text, queryWeights(this.terms.memory, text)),
          messages: embedder.embedOne(text, queryWeights(this.terms.message, text)),
        };
      }
      const [vector] = await embedder.embed([text]);
      return vector ? { memories: vector, messages: vector } : null;
    } catch (err) {
      // A provider that is down must not take search with it: BM25 still answers.
      this.logger.warn(`embedding the query with ${embedder.id} failed; searching by words only`, err);
      return null;
    }
  }

  /**
   * FTS5 ranks inside a subquery (its ORDER BY rank LIMIT is what keeps this fast); filtering
   * by status after it means a pile of drafts could crowd out finished replies, hence the
   * generous inner limit. Joining first makes SQLite run the MATCH once per message instead.
   */
  private async bm25Messages(match: string, depth: number, exclude: string | null): Promise<number[]> {
    const rows = await this.db.all<{ rowid: number }>(
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
  private async datedMemories(intent: DateIntent, depth: number): Promise<number[]> {
    const range = intent.range!;
    const rows = await this.db.all<{ rowid: number }>(
      `SELECT rowid FROM memories WHERE event_date >= ? AND event_date < ? AND status = 'active' LIMIT ?`,
      [isoDay(range.start), isoDay(range.end), depth],
    );
    return rows.map((r) => r.rowid);
  }

  /** Messages of the range, found through the conversations active then (indexed) rather than a scan. */
  private async datedMessages(intent: DateIntent, depth: number, exclude: string | null): Promise<number[]> {
    const range = intent.range!;
    const rows = await this.db.all<{ rowid: number }>(
      `SELECT m.rowid AS rowid FROM conversations c JOIN messages m ON m.conversation_id = c.id
        WHERE c.updated_at >= ? AND c.created_at < ? AND c.id IS NOT ?
          AND m.created_at >= ? AND m.created_at < ? AND m.status IN (${RETRIEVABLE_STATUS_SQL}) AND m.content <> ''
        ORDER BY m.created_at DESC LIMIT ?`,
      [range.start, range.end, exclude, range.start, range.end, depth],
    );
    return rows.map((r) => r.rowid);
  }

  private fuse(lexical: number[], vector: number[], dated: number[]): Candidate[] {
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

  private async rankMemories(
    query: string,
    intent: DateIntent,
    now: number,
    k: number,
    set: IndexSet,
    lexical: number[],
    vector: number[],
    dated: number[],
  ): Promise<ScoredMemory[]> {
    const candidates = this.fuse(lexical, vector, dated);
    if (candidates.length === 0) return [];
    const rows = await this.db.all<MemoryRow>(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE rowid IN (${candidates.map(() => '?').join(',')})`,
      candidates.map((c) => c.rowid),
    );
    const byRowid = new Map(rows.map((r) => [r.rowid, r]));
    const scored: { memory: Memory; score: number; evidence: () => Evidence }[] = [];
    for (const candidate of candidates) {
      const row = byRowid.get(candidate.rowid);
      if (!row || row.status !== 'active') {
        // Deleted or retired since it was indexed: heal the in-memory index as we go.
        set.memory.remove(candidate.rowid);
        continue;
      }
      const memory = memoryFromRow(row);
      let score =
        candidate.fused * recencyFactor(now - memory.updatedAt) * importanceFactor(memory.importance);
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
      .map(({ memory, score, evidence }) => ({ memory, score, why: explain(evidence(), this.byMeaning) }));
  }

  private async rankMessages(
    query: string,
    intent: DateIntent,
    now: number,
    k: number,
    set: IndexSet,
    exclude: string | null,
    lexical: number[],
    vector: number[],
    dated: number[],
  ): Promise<ScoredMessage[]> {
    const candidates = this.fuse(lexical, vector, dated);
    if (candidates.length === 0) return [];
    const rows = await this.db.all<MessageRow & { status: string }>(
      `SELECT rowid, id, conversation_id, idx, role, content, status, created_at FROM messages
        WHERE rowid IN (${candidates.map(() => '?').join(',')})`,
      candidates.map((c) => c.rowid),
    );
    const byRowid = new Map(rows.map((r) => [r.rowid, r]));
    const scored: { message: Omit<ScoredMessage, 'why'>; evidence: () => Evidence }[] = [];
    for (const candidate of candidates) {
      const row = byRowid.get(candidate.rowid);
      if (!row) {
        set.message.remove(candidate.rowid);
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
      distinct.push({ ...message, why: explain(evidence(), this.byMeaning) });
      if (distinct.length === k) break;
    }
    return distinct;
  }

  /**
   * Embeds up to `limit` owners missing a vector in `set`, memories first: what changed since
   * the last call, then (once per set) a full scan for anything older. Serialised per instance.
   */
  private indexInto(set: IndexSet, limit: number): Promise<number> {
    const run = this.indexing.then(async () => {
      let done = 0;
      for (const kind of ['memory', 'message'] as const) {
        const progress = set.progress[kind];
        while (done < limit) {
          const size = Math.min(EMBED_BATCH, limit - done);
          const changed = await changedPending(this.db, set.embedder.id, kind, progress.seq, size);
          if (changed.seq !== progress.seq) {
            await this.embedBatch(set, kind, changed.items);
            progress.seq = changed.seq;
            done += changed.items.length;
            continue;
          }
          if (progress.scanned) break;
          const scan = await scanPending(this.db, set.embedder.id, kind, progress.scanAfter, size);
          await this.embedBatch(set, kind, scan.items);
          if (scan.reached === null) progress.scanned = true;
          else progress.scanAfter = scan.reached;
          done += scan.items.length;
        }
      }
      return done;
    });
    this.indexing = run.catch(() => undefined);
    return run;
  }

  private async embedBatch(
    set: IndexSet,
    kind: OwnerKind,
    batch: { rowid: number; text: string }[],
  ): Promise<void> {
    if (batch.length === 0) return;
    const texts = batch.map((item) => textForEmbedding(item.text));
    const vectors = await set.embedder.embed(texts);
    if (vectors.length !== batch.length) {
      throw new Error(`${set.embedder.id} returned ${vectors.length} vectors for ${batch.length} texts`);
    }
    const items = batch.map((item, i) => ({ rowid: item.rowid, text: texts[i]!, vector: vectors[i]! }));
    await saveVectors(this.db, set.embedder.id, kind, items);
    const index = kind === 'memory' ? set.memory : set.message;
    for (const item of items) index.upsert(item.rowid, item.vector);
  }

  /** Background re-index for a new embedder: load what exists, embed the rest, then flip. */
  private async rebuild(set: IndexSet, generation: number): Promise<void> {
    const current = () => !this.stopped && this.generation === generation;
    await this.start();
    for (;;) {
      if (!current()) return;
      try {
        if (set.memory.size === 0 && set.message.size === 0) {
          set.progress = freshProgress(await latestChange(this.db));
          await loadVectors(this.db, set.embedder.id, 'memory', set.memory);
          await loadVectors(this.db, set.embedder.id, 'message', set.message);
        }
        while (current() && (await this.indexInto(set, EMBED_BATCH * 4)) > 0) {
          // Yield between rounds so queries and writes interleave with a long re-index.
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (!current()) return;
        const previous = this.active.embedder.id;
        this.active = set;
        this.building = null;
        this.logger.info(`memory search now uses ${set.embedder.id} (was ${previous})`);
        await removeOtherEmbedders(this.db, set.embedder.id);
        return;
      } catch (err) {
        this.logger.warn(`re-indexing memory with ${set.embedder.id} failed; retrying later`, err);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, REBUILD_RETRY_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
