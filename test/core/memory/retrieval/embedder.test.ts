import { describe, expect, it } from 'vitest';
import { HashEmbedder } from '../../../../src-main/core/memory/retrieval/hash-embedder.js';
import { porterStem } from '../../../../src-main/core/memory/retrieval/stemmer.js';
import { tokenize } from '../../../../src-main/core/memory/retrieval/tokenize.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('hash embedder', () => {
  const embedder = new HashEmbedder();

  it('names itself by size and version, so stored vectors say which embedder made them', () => {
    expect(embedder.id).toBe('hash-384-v1');
    expect(embedder.dims).toBe(384);
  });

  it('gives the same vector for the same text, across instances', async () => {
    const [a] = await embedder.embed(['We went hiking near Lisbon']);
    const [b] = await new HashEmbedder().embed(['We went hiking near Lisbon']);
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it('returns unit vectors, and a zero vector for text without words', async () => {
    const [a, empty] = await embedder.embed(['The quick brown fox jumps over the lazy dog', '?! …']);
    expect(a).toHaveLength(384);
    expect(Math.sqrt(dot(a!, a!))).toBeCloseTo(1, 5);
    expect(Array.from(empty!).every((v) => v === 0)).toBe(true);
  });

  it('ranks a morphological variant above a text about something else', async () => {
    const [query, variant, unrelated] = await embedder.embed([
      'hiking in the mountains',
      'she hiked up a mountain',
      'the quarterly tax return is due',
    ]);
    expect(dot(query!, variant!)).toBeGreaterThan(dot(query!, unrelated!) + 0.2);
  });

  it('sees partial word overlap that stemming misses (photographs ~ photography)', async () => {
    const [query, partial, unrelated] = await embedder.embed([
      'photography exhibition',
      'my photographs were exhibited',
      'sourdough bread recipe',
    ]);
    expect(dot(query!, partial!)).toBeGreaterThan(dot(query!, unrelated!) + 0.1);
  });

  it('lets function words count far less than content words', async () => {
    const [query, content, functionWords] = await embedder.embed(['the trip to Lisbon', 'Lisbon', 'the to']);
    expect(dot(query!, content!)).toBeGreaterThan(dot(query!, functionWords!));
  });

  it('weighs query words by a caller-given weight (query-side IDF)', () => {
    const plain = embedder.embedOne('Melanie bakery');
    const weighted = embedder.embedOne('Melanie bakery', (stem) => (stem === 'melani' ? 0.05 : 1));
    const bakery = embedder.embedOne('bakery');
    expect(dot(weighted, bakery)).toBeGreaterThan(dot(plain, bakery));
  });
});

describe('tokens', () => {
  it('folds case, accents and possessives, and stems like SQLite porter', () => {
    expect(tokenize("Zürich's Cafés were RUNNING").map((t) => t.stem)).toEqual([
      'zurich',
      'cafe',
      'were',
      'run',
    ]);
    expect(tokenize('the').map((t) => t.stop)).toEqual([true]);
  });

  it('implements the Porter steps', () => {
    const cases: Record<string, string> = {
      caresses: 'caress',
      ponies: 'poni',
      hopping: 'hop',
      hoping: 'hope',
      relational: 'relat',
      generalization: 'gener',
      electricity: 'electr',
      adjustment: 'adjust',
      photography: 'photographi',
      photographs: 'photograph',
      controlling: 'control',
    };
    for (const [word, stem] of Object.entries(cases)) expect(porterStem(word), word).toBe(stem);
  });
});
