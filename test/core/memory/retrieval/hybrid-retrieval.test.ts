import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { HashEmbedder } from '../../../../src-main/core/memory/retrieval/hash-embedder.js';
import { HybridRetrieval } from '../../../../src-main/core/memory/retrieval/hybrid-retrieval.js';
import type { Embedder } from '../../../../src-main/core/memory/types.js';
import { openSeededStorage } from './seed.js';

type Store = Awaited<ReturnType<typeof openSeededStorage>>;

/** A second embedder with another id; `gate` holds its embeds back until released. */
class GatedEmbedder implements Embedder {
  readonly id = 'test-gated-v1';
  readonly dims = 384;
  calls = 0;
  private inner = new HashEmbedder();
  private release: (() => void) | null = null;
  private gate: Promise<void>;

  constructor() {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    // Queries (one text) answer at once; indexing batches wait for the gate.
    if (texts.length > 1 || this.calls > 1) await this.gate;
    return this.inner.embed(texts);
  }
}

describe('hybrid retrieval', () => {
  let store: Store;
  let retrieval: HybridRetrieval;
  const DAY = 86_400_000;

  beforeEach(async () => {
    store = await openSeededStorage();
    retrieval = new HybridRetrieval({ db: store.db, logger: silentLogger });
    await retrieval.start();
  });

  afterEach(async () => {
    await retrieval.stop();
    await store.close();
  });

  const ids = (r: Awaited<ReturnType<HybridRetrieval['retrieve']>>) => r.memories.map((m) => m.memory.id);

  it('puts the exact match first and says why', async () => {
    await store.addMemory({ id: 'lisbon', text: 'The owner spent a week in Lisbon in May' });
    await store.addMemory({ id: 'porto', text: 'The owner wants to visit Porto some day' });
    await store.addMemory({ id: 'tax', text: 'The tax return is due in April' });
    await retrieval.indexPending();
    const result = await retrieval.retrieve('Lisbon', { k: 3, now: store.base });
    expect(ids(result)[0]).toBe('lisbon');
    expect(result.memories[0]!.why).toBe('matches “Lisbon”');
    expect(result.memories[0]!.score).toBeGreaterThan(result.memories[1]?.score ?? 0);
  });

  it('finds a partial-word match through the vectors that BM25 alone misses', async () => {
    // "photography" stems to photographi, "photographs" to photograph: FTS5 sees no match.
    await store.addMemory({ id: 'photos', text: 'Her photographs of the harbour were shown in a gallery' });
    await store.addMemory({ id: 'bread', text: 'She bakes sourdough bread on Sundays' });
    await retrieval.indexPending();
    const bm25 = await retrieval.retrieve('photography', { k: 5, now: store.base, mode: 'bm25' });
    expect(ids(bm25)).toEqual([]);
    const hybrid = await retrieval.retrieve('photography', { k: 5, now: store.base });
    expect(ids(hybrid)[0]).toBe('photos');
    // The built-in embedder compares spellings: it must not claim to have understood meaning.
    expect(hybrid.memories[0]!.why).toBe('similar wording');
  });

  it('matches morphology (hiking ~ hiked) in both BM25 and vectors', async () => {
    await store.addMemory({ id: 'hike', text: 'We hiked to the waterfall' });
    await store.addMemory({ id: 'other', text: 'We painted the fence' });
    await retrieval.indexPending();
    const result = await retrieval.retrieve('hiking trips', { k: 2, now: store.base });
    expect(ids(result)[0]).toBe('hike');
    expect(result.memories[0]!.why).toContain('matches “hiking”');
  });

  it('lets a pinned memory win a close call', async () => {
    await store.addMemory({ id: 'plain', text: 'Coffee order: flat white' });
    await store.addMemory({ id: 'pinned', text: 'Coffee order: oat flat white', pinned: true });
    await retrieval.indexPending();
    const result = await retrieval.retrieve('coffee order', { k: 2, now: store.base });
    expect(ids(result)).toEqual(['pinned', 'plain']);
    expect(result.memories[0]!.why).toContain('pinned');
  });

  it('prefers the recent of two equal matches', async () => {
    await store.addMemory({ id: 'old', text: 'Gym membership renewed', createdAt: store.base - 400 * DAY });
    await store.addMemory({ id: 'new', text: 'Gym membership renewed', createdAt: store.base - 2 * DAY });
    await retrieval.indexPending();
    const result = await retrieval.retrieve('gym membership', { k: 2, now: store.base });
    expect(ids(result)).toEqual(['new', 'old']);
  });

  it('never returns retired memories, even once they were indexed', async () => {
    await store.addMemory({ id: 'current', text: 'Lives in Berlin' });
    await store.addMemory({ id: 'stale', text: 'Lives in Munich' });
    await retrieval.indexPending();
    await store.db.run("UPDATE memories SET status = 'retired' WHERE id = 'stale'");
    const result = await retrieval.retrieve('where does the owner live, Munich?', { k: 5, now: store.base });
    expect(ids(result)).toEqual(['current']);
    await store.addMemory({ id: 'born-retired', text: 'Lives in Munich still', status: 'retired' });
    expect(await retrieval.indexPending()).toBe(0);
  });

  it('matches words written, edited or deleted since the last query, before any indexing', async () => {
    await store.addMemory({ id: 'kiln', text: 'The pottery kiln is booked for Saturday' });
    let result = await retrieval.retrieve('pottery kiln', { k: 5, now: store.base, mode: 'bm25' });
    expect(ids(result)).toEqual(['kiln']);
    await store.db.run("UPDATE memories SET text = 'The violin lesson moved to Friday' WHERE id = 'kiln'");
    result = await retrieval.retrieve('pottery kiln', { k: 5, now: store.base, mode: 'bm25' });
    expect(ids(result)).toEqual([]);
    result = await retrieval.retrieve('violin', { k: 5, now: store.base, mode: 'bm25' });
    expect(ids(result)).toEqual(['kiln']);
    await store.db.run("DELETE FROM memories WHERE id = 'kiln'");
    result = await retrieval.retrieve('violin', { k: 5, now: store.base, mode: 'bm25' });
    expect(ids(result)).toEqual([]);
  });

  it('leaves out the excluded conversation and unfinished or empty messages', async () => {
    await store.addMessage({ conversationId: 'now', id: 'here', content: 'Let us plan the Lisbon trip' });
    await store.addMessage({ conversationId: 'past', id: 'there', content: 'The Lisbon trip was lovely' });
    await store.addMessage({
      conversationId: 'past',
      id: 'failed',
      content: 'Lisbon draft',
      status: 'error',
    });
    await store.addMessage({ conversationId: 'past', id: 'empty', content: '', status: 'complete' });
    await store.addMessage({
      conversationId: 'past',
      id: 'cut',
      content: 'Lisbon, but cut off',
      status: 'stopped',
    });
    await retrieval.indexPending();
    for (const mode of ['bm25', 'hybrid'] as const) {
      const result = await retrieval.retrieve('Lisbon trip', {
        k: 10,
        now: store.base,
        excludeConversationId: 'now',
        mode,
      });
      expect(result.messages.map((m) => m.messageId).sort(), mode).toEqual(['cut', 'there']);
      expect(result.messages.find((m) => m.messageId === 'there')).toMatchObject({
        conversationId: 'past',
        index: 0,
        role: 'user',
      });
    }
  });

  it('answers "when did we go to Lisbon?" with the dated memory first', async () => {
    await store.addMemory({ id: 'undated', text: 'The owner loves Lisbon and its trams' });
    await store.addMemory({
      id: 'dated',
      text: 'Trip to Lisbon with Ana',
      eventDate: '2023-05-07',
      kind: 'event',
    });
    await retrieval.indexPending();
    const result = await retrieval.retrieve('When did we go to Lisbon?', { k: 2, now: store.base });
    expect(ids(result)[0]).toBe('dated');
    expect(result.memories[0]!.why).toContain('dated 2023-05-07');
  });

  it('finds what happened "last week" by date, even without shared words', async () => {
    const now = new Date(2024, 4, 15, 12).getTime(); // a Wednesday
    await store.addMemory({
      id: 'in-range',
      text: 'Dinner at the Thai place with Jun',
      eventDate: '2024-05-08',
    });
    await store.addMemory({
      id: 'before',
      text: 'Dinner at the Thai place with Jun',
      eventDate: '2024-03-02',
    });
    await store.addMessage({
      conversationId: 'c',
      id: 'msg-last-week',
      content: 'Booked the dentist',
      createdAt: new Date(2024, 4, 9).getTime(),
    });
    await store.addMessage({
      conversationId: 'c',
      id: 'msg-old',
      content: 'Booked the dentist',
      createdAt: new Date(2024, 1, 9).getTime(),
    });
    await retrieval.indexPending();
    const result = await retrieval.retrieve('what did we do last week?', { k: 5, now });
    expect(ids(result)[0]).toBe('in-range');
    expect(result.memories[0]!.why).toContain('about 2024-05-08');
    expect(result.messages[0]?.messageId).toBe('msg-last-week');
  });

  it('indexes only what is missing, and a second call finds nothing', async () => {
    await store.addMemory({ id: 'a', text: 'first memory' });
    await store.addMessage({ conversationId: 'c', id: 'm', content: 'a message' });
    await store.addMessage({ conversationId: 'c', id: 'streaming', content: '', status: 'streaming' });
    expect(await retrieval.indexPending()).toBe(2);
    expect(await retrieval.indexPending()).toBe(0);
    await store.addMemory({ id: 'b', text: 'second memory' });
    expect(await retrieval.indexPending(10)).toBe(1);
    // A reply that finishes streaming becomes indexable; an edited memory is embedded again.
    await store.db.run(
      "UPDATE messages SET content = 'done now', status = 'complete' WHERE id = 'streaming'",
    );
    await store.db.run("UPDATE memories SET text = 'first memory, edited' WHERE id = 'a'");
    expect(await retrieval.indexPending()).toBe(2);
    expect(await retrieval.indexPending()).toBe(0);
    const vectors = await store.db.all<{ n: number }>('SELECT count(*) AS n FROM vectors');
    expect(vectors[0]!.n).toBe(4);
    // A fresh instance (a restart) loads the stored vectors and has nothing to do.
    const again = new HybridRetrieval({ db: store.db, logger: silentLogger });
    await again.start();
    expect(await again.indexPending()).toBe(0);
    await again.stop();
  });

  it('respects the limit, in batches', async () => {
    for (let i = 0; i < 150; i++) await store.addMemory({ id: `m${i}`, text: `memory number ${i}` });
    expect(await retrieval.indexPending(100)).toBe(100);
    expect(await retrieval.indexPending(100)).toBe(50);
  });

  it('keeps answering with the old embedder while a new one indexes, then switches', async () => {
    await store.addMemory({ id: 'photos', text: 'Her photographs of the harbour were shown in a gallery' });
    await store.addMemory({ id: 'bread', text: 'She bakes sourdough bread on Sundays' });
    await retrieval.indexPending();
    const gated = new GatedEmbedder();
    retrieval.setEmbedder(gated);
    expect(retrieval.pendingEmbedderId).toBe('test-gated-v1');
    // Still served by the built-in vectors (BM25 alone would find nothing here).
    const during = await retrieval.retrieve('photography', { k: 1, now: store.base });
    expect(ids(during)).toEqual(['photos']);
    expect(retrieval.embedderId).toBe('hash-384-v1');
    gated.open();
    await retrieval.whenIndexed();
    expect(retrieval.embedderId).toBe('test-gated-v1');
    expect(retrieval.pendingEmbedderId).toBeNull();
    const embedders = await store.db.all<{ embedder: string }>('SELECT DISTINCT embedder FROM vectors');
    expect(embedders).toEqual([{ embedder: 'test-gated-v1' }]);
    const after = await retrieval.retrieve('photography', { k: 1, now: store.base });
    expect(ids(after)).toEqual(['photos']);
  });

  it('falls back to words when the embedder fails on a query', async () => {
    await store.addMemory({ id: 'a', text: 'Lisbon trip' });
    const broken: Embedder = {
      id: 'broken-v1',
      dims: 4,
      embed: async () => {
        throw new Error('provider down');
      },
    };
    const withBroken = new HybridRetrieval({ db: store.db, logger: silentLogger, embedder: broken });
    await expect(withBroken.indexPending()).rejects.toThrow('provider down');
    const result = await withBroken.retrieve('Lisbon', { k: 1, now: store.base });
    expect(ids(result)).toEqual(['a']);
    await withBroken.stop();
  });

  it('returns nothing for an empty query or k = 0, and copes with FTS syntax in the query', async () => {
    await store.addMemory({ id: 'a', text: 'NEAR the "station"' });
    await retrieval.indexPending();
    expect(await retrieval.retrieve('   ', { k: 3 })).toEqual({ memories: [], messages: [] });
    expect(await retrieval.retrieve('station', { k: 0 })).toEqual({ memories: [], messages: [] });
    const result = await retrieval.retrieve('NEAR("station" AND *', { k: 3, now: store.base });
    expect(ids(result)).toEqual(['a']);
  });
});
