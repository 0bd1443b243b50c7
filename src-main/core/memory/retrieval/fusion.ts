/**
 * Reciprocal Rank Fusion and the weights applied after it. RRF because BM25 scores and cosine
 * similarities live on unrelated scales; ranks do not, and k≈60 is the value that has held up
 * across IR benchmarks since Cormack et al. (2009).
 */
export const RRF_K = 60;

const DAY = 86_400_000;

export interface RankedList {
  /** Owner rowids, best first. */
  rowids: readonly number[];
  weight: number;
}

/** rowid -> fused score, summing weight / (k + rank) over every list the row appears in. */
export function reciprocalRankFusion(lists: readonly RankedList[], k = RRF_K): Map<number, number> {
  const fused = new Map<number, number>();
  for (const list of lists) {
    list.rowids.forEach((rowid, rank) => {
      fused.set(rowid, (fused.get(rowid) ?? 0) + list.weight / (k + rank + 1));
    });
  }
  return fused;
}

/**
 * Mild: at most 5% off. RRF scores of neighbouring ranks differ by under 2%, so anything
 * stronger would let age reorder results more than relevance does.
 */
export function recencyFactor(ageMs: number, halfLifeDays = 90, floor = 0.95): number {
  const age = Math.max(0, ageMs) / DAY;
  return floor + (1 - floor) * Math.pow(0.5, age / halfLifeDays);
}

/** importance 0..1 -> 0.9..1.1: a tie-breaker, like recency. */
export function importanceFactor(importance: number): number {
  return 0.9 + 0.2 * Math.min(1, Math.max(0, importance));
}

/** What the owner pinned should win a close call, not beat a clearly better match. */
export const PINNED_FACTOR = 1.25;

/** Full weight for an item dated inside the query's range. */
export const DATE_MATCH_BOOST = 0.6;

/** For "when" questions: memories that carry an eventDate, messages that mention a time. */
export const WHEN_DATED_FACTOR = 1.3;
export const WHEN_MENTION_FACTOR = 1.1;
