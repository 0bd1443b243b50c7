import type { Logger } from '../../base/logger.js';
import type { Database } from '../../storage/database.js';
import type { Embedder, Retrieval, RetrieveOptions, ScoredMemory, ScoredMessage } from '../types.js';
import { bm25Messages, datedMemories, datedMessages, rowidsOfConversation } from './candidates.js';
import { parseDateIntent } from './dates.js';
import { CorpusTerms } from './corpus-terms.js';
import { ftsQuery, queryWords } from './fts-query.js';
import { HashEmbedder } from './hash-embedder.js';
import { EMBED_BATCH, freshProgress, indexRound, newIndexSet, type IndexSet } from './index-set.js';
import { queryWeights } from './query-weights.js';
import { SpeakerNames } from './conversation-context.js';
import { rankMemories, rankMessages, type RankQuery } from './ranking.js';
import {
  installChangeTracking,
  latestChange,
  loadVectors,
  removeOrphanVectors,
  removeOtherEmbedders,
  textForEmbedding,
} from './vector-store.js';

const DEFAULT_PENDING_LIMIT = 512;
/** Candidates taken from each ranked list before fusion. */
const MIN_DEPTH = 50;
const REBUILD_RETRY_MS = 30_000;

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
    const range = hybrid ? intent.range : null;
    const asked: RankQuery = { query, intent, now, k, byMeaning: this.byMeaning };

    // Everything that waits on SQLite is queued first; the searches held in memory (vectors and
    // BM25 over memories) run on this thread meanwhile.
    const messageInputs = Promise.all([
      hybrid && exclude ? rowidsOfConversation(this.db, exclude) : undefined,
      match ? bm25Messages(this.db, match, depth, exclude) : [],
      range ? datedMessages(this.db, range, depth, exclude) : [],
    ]);
    const memoryDated = range ? datedMemories(this.db, range, depth) : Promise.resolve([]);
    // Both are awaited below; until then a failure must not count as unhandled.
    messageInputs.catch(() => undefined);
    memoryDated.catch(() => undefined);

    const vectors = hybrid ? await this.embedQuery(set.embedder, query) : null;
    const memoryLexical = this.terms.memory.search(words, depth);
    const memoryVector = vectors ? set.memory.search(vectors.memories, depth).map((h) => h.rowid) : [];
    const memories = memoryDated.then((dated) =>
      rankMemories(this.db, asked, set.memory, { lexical: memoryLexical, vector: memoryVector, dated }),
    );
    memories.catch(() => undefined);

    const [excludedRowids, lexical, dated] = await messageInputs;
    const vector = vectors
      ? set.message.search(vectors.messages, depth, excludedRowids).map((h) => h.rowid)
      : [];
    const messages = await rankMessages(this.db, asked, set.message, exclude, { lexical, vector, dated });
    return { memories: await memories, messages };
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

  /** One indexing round into `set` at a time per instance: rounds share the change-log cursors. */
  private indexInto(set: IndexSet, limit: number): Promise<number> {
    const run = this.indexing.then(() => indexRound(this.db, set, limit));
    this.indexing = run.catch(() => undefined);
    return run;
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
