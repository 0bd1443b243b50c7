import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusTerms } from '../../../../src-main/core/memory/retrieval/corpus-terms.js';
import { queryWords } from '../../../../src-main/core/memory/retrieval/fts-query.js';
import { indexTerms, TermIndex } from '../../../../src-main/core/memory/retrieval/term-index.js';
import { installChangeTracking } from '../../../../src-main/core/memory/retrieval/vector-store.js';
import { openSeededStorage } from './seed.js';

type Store = Awaited<ReturnType<typeof openSeededStorage>>;

const TEXTS = [
  'Melanie signed up for a pottery workshop at the community center',
  "Caroline's pottery class starts again in May, she can't wait",
  'We hiked to the waterfall and the hike took four hours',
  'The tax return is due in April; the accountant wants receipts',
  'Hiking boots, a tent and a stove for the trip to the lakes',
  'Melanie painted a sunrise over the lake, her second painting this year',
  'The pottery kiln at the center broke, workshop moved to June',
  'Zürich trip: the hotel near the lake, booked for the conference',
];

describe('term index', () => {
  let store: Store;

  beforeEach(async () => {
    store = await openSeededStorage();
    await installChangeTracking(store.db);
  });

  afterEach(async () => {
    await store.close();
  });

  /** Document frequencies straight from FTS5's vocabulary: what the index must agree with. */
  async function ftsFrequencies(table: 'memories_fts' | 'messages_fts'): Promise<Map<string, number>> {
    await store.db.exec(
      `CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab_${table} USING fts5vocab(main, ${table}, row)`,
    );
    const rows = await store.db.all<{ term: string; doc: number }>(
      `SELECT term, doc FROM temp.vocab_${table}`,
    );
    return new Map(rows.map((r) => [r.term, r.doc]));
  }

  async function expectSameAsFts(terms: CorpusTerms): Promise<void> {
    for (const [kind, table, source] of [
      ['memory', 'memories_fts', 'memories'],
      ['message', 'messages_fts', 'messages'],
    ] as const) {
      const expected = await ftsFrequencies(table);
      const index = terms[kind];
      for (const [term, doc] of expected) expect([term, index.documentFrequency(term)]).toEqual([term, doc]);
      const count = await store.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${source}`);
      expect(index.size).toBe(count!.n);
    }
  }

  it('tokenises as FTS5 porter unicode61 does: apostrophes split, accents folded, words stemmed', () => {
    expect(indexTerms("Caroline's hikes in Zürich can't wait")).toEqual([
      'carolin',
      's',
      'hike',
      'in',
      'zurich',
      'can',
      't',
      'wait',
    ]);
  });

  it('ranks by BM25 exactly as FTS5 orders by rank', async () => {
    for (const [i, text] of TEXTS.entries()) await store.addMemory({ id: `m${i}`, text });
    const terms = new CorpusTerms(store.db);
    await terms.load();
    for (const query of ['pottery workshop', 'hiking trip lake', 'Melanie painting', 'center kiln June']) {
      const fts = await store.db.all<{ rowid: number }>(
        `SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rank, rowid`,
        [
          queryWords(query)
            .map((w) => `"${w}"`)
            .join(' OR '),
        ],
      );
      expect(terms.memory.search(queryWords(query), 10)).toEqual(fts.map((r) => r.rowid));
    }
  });

  it('returns only eligible rows but counts every row for the statistics', () => {
    const index = new TermIndex();
    index.set(1, 'pottery class', true);
    index.set(2, 'pottery kiln', false);
    expect(index.search(['pottery'], 10)).toEqual([1]);
    expect(index.documentFrequency('potteri')).toBe(2);
    index.setEligible(2, true);
    expect(index.search(['kiln'], 10)).toEqual([2]);
  });

  it('keeps document frequencies equal to FTS5 through inserts, edits, retiring, deletes and forgetting', async () => {
    const terms = new CorpusTerms(store.db);
    await terms.load();
    for (const [i, text] of TEXTS.entries()) await store.addMemory({ id: `m${i}`, text });
    await store.addMessage({ conversationId: 'c1', id: 'x1', content: 'Did you book the pottery class?' });
    await store.addMessage({
      conversationId: 'c1',
      id: 'x2',
      content: "Yes, it's on Tuesday",
      status: 'streaming',
    });
    await terms.refresh();
    await expectSameAsFts(terms);

    await store.db.run(`UPDATE memories SET text = 'The tax return was filed in March' WHERE id = 'm3'`);
    await store.db.run(`UPDATE memories SET status = 'retired' WHERE id = 'm1'`);
    await store.db.run(`UPDATE messages SET content = 'Did you book the violin lessons?' WHERE id = 'x1'`);
    await store.db.run(`UPDATE messages SET status = 'complete' WHERE id = 'x2'`);
    await terms.refresh();
    await expectSameAsFts(terms);
    expect(terms.memory.search(['pottery'], 10)).not.toContain(2);
    expect(terms.message.isEligible(2)).toBe(true);

    // Forgetting deletes the rows; so does deleting a conversation's messages.
    await store.db.run(`DELETE FROM memories WHERE text LIKE '%pottery%'`);
    await store.db.run(`DELETE FROM messages WHERE id = 'x1'`);
    await terms.refresh();
    await expectSameAsFts(terms);
    expect(terms.memory.documentFrequency('potteri')).toBe(0);
    expect(terms.memory.search(['pottery'], 10)).toEqual([]);
  });

  it('rebuilds the same frequencies from SQLite after a restart', async () => {
    const first = new CorpusTerms(store.db);
    await first.load();
    for (const [i, text] of TEXTS.entries()) await store.addMemory({ id: `m${i}`, text });
    await store.db.run(`DELETE FROM memories WHERE id = 'm0'`);
    await first.refresh();
    const restarted = new CorpusTerms(store.db);
    await restarted.load();
    await expectSameAsFts(restarted);
    for (const term of ['potteri', 'lake', 'hike', 'melani', 'zurich']) {
      expect(restarted.memory.documentFrequency(term)).toBe(first.memory.documentFrequency(term));
    }
    expect(restarted.memory.search(['lake', 'trip'], 10)).toEqual(first.memory.search(['lake', 'trip'], 10));
  });
});
