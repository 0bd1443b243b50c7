import type { TermIndex } from './term-index.js';
import { tokenize } from './tokenize.js';

/** A word in every row still counts a little: it may be all the query has. */
const MIN_WEIGHT = 0.05;

/**
 * Query-side IDF for the built-in embedder, from a corpus's in-memory term index (the same row
 * count and document frequencies FTS5's vocabulary gives, without a query per search). Without it
 * a name that starts every message ("Melanie: …") weighs as much as the rare word the question
 * is really about. Returns stem -> weight in [MIN_WEIGHT, 1]: BM25's IDF scaled by the largest
 * it can be.
 */
export function queryWeights(index: TermIndex, query: string): (stem: string) => number {
  const n = index.size;
  const max = Math.log(1 + (n + 0.5) / 0.5);
  const weights = new Map<string, number>();
  for (const { stem } of tokenize(query)) {
    if (weights.has(stem)) continue;
    const df = Math.min(n, index.documentFrequency(stem));
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    weights.set(stem, Math.max(MIN_WEIGHT, Math.min(1, idf / max)));
  }
  return (stem) => weights.get(stem) ?? 1;
}
