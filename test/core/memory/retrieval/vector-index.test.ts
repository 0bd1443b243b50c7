import { describe, expect, it } from 'vitest';
import { HashEmbedder } from '../../../../src-main/core/memory/retrieval/hash-embedder.js';
import { VectorIndex } from '../../../../src-main/core/memory/retrieval/vector-index.js';

function randomUnit(dims: number, seed: number): Float32Array {
  let s = seed;
  const v = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
    norm += v[i]! * v[i]!;
  }
  return v.map((x) => x / Math.sqrt(norm));
}

describe('vector index', () => {
  it('finds the exact vector first, replaces on upsert and forgets on remove', () => {
    const index = new VectorIndex(64);
    for (let i = 1; i <= 50; i++) index.upsert(i, randomUnit(64, i));
    expect(index.search(randomUnit(64, 7), 1)[0]?.rowid).toBe(7);
    index.upsert(7, randomUnit(64, 999));
    expect(index.size).toBe(50);
    expect(index.search(randomUnit(64, 999), 1)[0]?.rowid).toBe(7);
    index.remove(7);
    expect(index.has(7)).toBe(false);
    expect(index.search(randomUnit(64, 999), 5).map((h) => h.rowid)).not.toContain(7);
    expect(index.size).toBe(49);
  });

  it('skips excluded rows and takes its size from the first vector when not told', () => {
    const index = new VectorIndex();
    index.upsert(1, randomUnit(16, 1));
    index.upsert(2, randomUnit(16, 1));
    expect(index.dims).toBe(16);
    expect(index.search(randomUnit(16, 1), 2, new Set([1])).map((h) => h.rowid)).toEqual([2]);
    expect(() => index.upsert(3, randomUnit(8, 3))).toThrow(/dims/);
  });

  it('accepts the raw bytes of a stored vector, even at an unaligned offset', () => {
    const index = new VectorIndex(8);
    const vector = randomUnit(8, 5);
    const bytes = new Uint8Array(8 * 4 + 1);
    bytes.set(new Uint8Array(vector.buffer), 1);
    index.upsert(9, bytes.subarray(1));
    expect(index.search(vector, 1)[0]?.score).toBeGreaterThan(0.99);
  });

  it('keeps the true nearest neighbours through the binary prefilter', async () => {
    const embedder = new HashEmbedder();
    // 5,000 texts of six words from a 600-word vocabulary: overlap is common, ties are rare.
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const vocabulary = Array.from({ length: 600 }, (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`);
    const texts = Array.from({ length: 5000 }, () =>
      Array.from({ length: 6 }, () => vocabulary[next() % vocabulary.length]).join(' '),
    );
    const index = new VectorIndex(embedder.dims);
    (await embedder.embed(texts)).forEach((v, i) => index.upsert(i + 1, v));
    let found = 0;
    const queries = 40;
    for (let q = 0; q < queries; q++) {
      const words = texts[next() % texts.length]!.split(' ');
      const query = embedder.embedOne(`${words[0]} ${words[2]} ${vocabulary[next() % vocabulary.length]}`);
      // Scoring every row exactly is the truth the prefilter must keep.
      const exact = index.search(query, 10, undefined, Number.MAX_SAFE_INTEGER).map((h) => h.rowid);
      const approx = new Set(index.search(query, 10).map((h) => h.rowid));
      found += exact.filter((rowid) => approx.has(rowid)).length;
    }
    expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.95);

    // Removing rows moves others into their slots; the codes must follow them.
    const first = embedder.embedOne(texts[0]!);
    expect(index.search(first, 1)[0]?.rowid).toBe(1);
    for (let rowid = 1; rowid <= 2500; rowid += 2) index.remove(rowid);
    expect(index.size).toBe(3750);
    const hits = index.search(first, 10);
    expect(hits.every((h) => h.rowid % 2 === 0 || h.rowid > 2500)).toBe(true);
    const moved = texts.length; // the last row, moved into the first freed slot
    expect(index.search(embedder.embedOne(texts[moved - 1]!), 1)[0]?.rowid).toBe(moved);
  });
});
