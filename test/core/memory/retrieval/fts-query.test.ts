import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ftsQuery } from '../../../../src-main/core/memory/retrieval/fts-query.js';
import { openSeededStorage } from './seed.js';

describe('safe FTS5 queries', () => {
  it('quotes every word and ORs them, dropping function words', () => {
    expect(ftsQuery('When did we travel to Lisbon?')).toBe('"travel" OR "lisbon"');
  });

  it('turns FTS syntax into plain words', () => {
    expect(ftsQuery('"exact phrase" AND (NOT foo*) NEAR(a b) col:bar ^start -minus')).toBe(
      '"exact" OR "phrase" OR "foo" OR "near" OR "b" OR "col" OR "bar" OR "start" OR "minus"',
    );
  });

  it('keeps letters of any script and folds accents as unicode61 does', () => {
    expect(ftsQuery('Café in Zürich, 東京 и Москва')).toBe('"cafe" OR "zurich" OR "東京" OR "и" OR "москва"');
  });

  it('falls back to function words when there is nothing else, and to null when there are no words', () => {
    expect(ftsQuery('what is it')).toBe('"what" OR "is" OR "it"');
    expect(ftsQuery('?!* "" ()')).toBeNull();
  });

  describe('against SQLite', () => {
    let store: Awaited<ReturnType<typeof openSeededStorage>>;
    beforeAll(async () => {
      store = await openSeededStorage();
      await store.addMemory({ id: 'm1', text: 'The "NEAR" operator and AND/OR words in a café' });
    });
    afterAll(() => store.close());

    it('never makes FTS5 fail, whatever the user typed', async () => {
      const nasty = [
        '"',
        'NEAR(',
        'a OR',
        'AND',
        '*',
        'col:',
        '(((',
        "'; DROP TABLE memories; --",
        'café "near"',
      ];
      for (const text of nasty) {
        const match = ftsQuery(text);
        if (match === null) continue;
        await expect(
          store.db.all('SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?', [match]),
          text,
        ).resolves.toBeDefined();
      }
      const rows = await store.db.all('SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?', [
        ftsQuery('café "near"')!,
      ]);
      expect(rows).toHaveLength(1);
    });
  });
});
