import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDateIntent } from '../../../../src-main/core/memory/retrieval/dates.js';
import {
  rankMemories,
  rankMessages,
  type RankQuery,
} from '../../../../src-main/core/memory/retrieval/ranking.js';
import { VectorIndex } from '../../../../src-main/core/memory/retrieval/vector-index.js';
import { openSeededStorage } from './seed.js';

type Store = Awaited<ReturnType<typeof openSeededStorage>>;

const rowidOf = async (store: Store, table: 'memories' | 'messages', id: string) =>
  (await store.db.get<{ rowid: number }>(`SELECT rowid FROM ${table} WHERE id = ?`, [id]))!.rowid;

describe('ranking fused candidates', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSeededStorage();
  });
  afterEach(async () => {
    await store.close();
  });

  const asked = (query: string, k = 5): RankQuery => ({
    query,
    intent: parseDateIntent(query, store.base),
    now: store.base,
    k,
    byMeaning: false,
  });

  it('puts a memory found by words and by meaning above one found by only one of them', async () => {
    await store.addMemory({ id: 'both', text: 'Ana repaired the bike' });
    await store.addMemory({ id: 'words', text: 'Ana repaired the stove' });
    await store.addMemory({ id: 'meaning', text: 'Ana fixed the bicycle' });
    const [both, words, meaning] = await Promise.all(
      ['both', 'words', 'meaning'].map((id) => rowidOf(store, 'memories', id)),
    );
    const ranked = await rankMemories(store.db, asked('bike repair'), new VectorIndex(4), {
      lexical: [words!, both!],
      vector: [meaning!, both!],
      dated: [],
    });
    expect(ranked.map((r) => r.memory.id)[0]).toBe('both');
    expect(ranked).toHaveLength(3);
  });

  it('drops a memory retired since it was indexed, from the results and from the vector index', async () => {
    await store.addMemory({ id: 'gone', text: 'Ben sold the kayak', status: 'retired' });
    const rowid = await rowidOf(store, 'memories', 'gone');
    const index = new VectorIndex(4);
    index.upsert(rowid, new Float32Array([1, 0, 0, 0]));
    const ranked = await rankMemories(store.db, asked('kayak'), index, {
      lexical: [],
      vector: [rowid],
      dated: [],
    });
    expect(ranked).toEqual([]);
    expect(index.size).toBe(0);
  });

  it('returns a line said many times once, and never from the excluded conversation', async () => {
    for (let i = 0; i < 4; i++)
      await store.addMessage({ conversationId: 'a', id: `t${i}`, content: 'Thanks!' });
    await store.addMessage({ conversationId: 'b', id: 'other', content: 'Thanks, see you in Porto' });
    await store.addMessage({ conversationId: 'here', id: 'own', content: 'Thanks again' });
    const rowids = await Promise.all(
      ['t0', 't1', 't2', 't3', 'other', 'own'].map((id) => rowidOf(store, 'messages', id)),
    );
    const ranked = await rankMessages(store.db, asked('thanks'), new VectorIndex(4), 'here', {
      lexical: rowids,
      vector: [],
      dated: [],
    });
    expect(ranked.map((m) => m.content).sort()).toEqual(['Thanks!', 'Thanks, see you in Porto']);
  });
});
