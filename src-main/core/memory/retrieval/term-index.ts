import { porterStem } from './stemmer.js';

/** FTS5's bm25() constants (fts5_aux.c), so this ranks as `ORDER BY rank` over memories_fts did. */
const K1 = 1.2;
const B = 0.75;
/** What FTS5 uses for a term in more than half the rows instead of a negative IDF. */
const MIN_IDF = 1e-6;

const TOKEN = /[\p{L}\p{N}]+/gu;
/** Printable ASCII has no accents to fold, so most texts skip Unicode normalisation. */
const NON_ASCII = /[^ -~\t\n\r]/;
/** Stems by word: a corpus repeats its words, and stemming is most of what indexing a row costs. */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 200_000;

function stem(word: string): string {
  let cached = stems.get(word);
  if (cached === undefined) {
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, (cached = porterStem(word)));
  }
  return cached;
}

/**
 * The terms FTS5's `porter unicode61` tokenizer makes of a text: folded case and accents, split on
 * everything but letters and digits (so "don't" is "don" and "t", unlike `tokenize`), stemmed.
 */
export function indexTerms(text: string): string[] {
  const folded = NON_ASCII.test(text) ? text.normalize('NFKD').replace(/\p{M}+/gu, '') : text;
  return (folded.toLowerCase().match(TOKEN) ?? []).map(stem);
}

interface Postings {
  slots: number[];
  counts: number[];
}

/**
 * An in-memory inverted index of one table's texts: document frequencies for the embedder's
 * query weights and BM25 with FTS5's formula, without a SQLite round trip per search (ranking
 * every match inside FTS5 costs a docsize lookup per matching row: ~7 ms at 100,000 memories,
 * against well under one here). Every row counts for N, frequencies and lengths, as in FTS5;
 * only `eligible` rows are returned by `search`.
 */
export class TermIndex {
  private readonly postings = new Map<string, Postings>();
  private readonly slots = new Map<number, number>();
  private readonly free: number[] = [];
  private rowids: number[] = [];
  private lengths = new Float64Array(0);
  private eligible = new Uint8Array(0);
  /** Per slot, its distinct terms, so a row can be taken out again. */
  private terms: (string[] | null)[] = [];
  private totalLength = 0;
  /** Scratch accumulator for `search`, by slot; all zero between searches. */
  private scores = new Float64Array(0);

  /** Rows indexed, eligible or not: BM25's N. */
  get size(): number {
    return this.slots.size;
  }

  has(rowid: number): boolean {
    return this.slots.has(rowid);
  }

  isEligible(rowid: number): boolean {
    const slot = this.slots.get(rowid);
    return slot !== undefined && this.eligible[slot] === 1;
  }

  /** How many rows contain `term` (a stem as `indexTerms` makes it). */
  documentFrequency(term: string): number {
    return this.postings.get(term)?.slots.length ?? 0;
  }

  /** Adds or replaces a row. */
  set(rowid: number, text: string, eligible: boolean): void {
    this.remove(rowid);
    const tokens = indexTerms(text);
    const counts = new Map<string, number>();
    for (const term of tokens) counts.set(term, (counts.get(term) ?? 0) + 1);
    const slot = this.free.pop() ?? this.rowids.length;
    if (slot >= this.lengths.length) this.grow();
    this.slots.set(rowid, slot);
    this.rowids[slot] = rowid;
    this.lengths[slot] = tokens.length;
    this.eligible[slot] = eligible ? 1 : 0;
    this.terms[slot] = [...counts.keys()];
    this.totalLength += tokens.length;
    for (const [term, count] of counts) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = { slots: [], counts: [] }));
      list.slots.push(slot);
      list.counts.push(count);
    }
  }

  setEligible(rowid: number, eligible: boolean): void {
    const slot = this.slots.get(rowid);
    if (slot !== undefined) this.eligible[slot] = eligible ? 1 : 0;
  }

  private grow(): void {
    const capacity = Math.max(1024, this.lengths.length * 2);
    const lengths = new Float64Array(capacity);
    lengths.set(this.lengths);
    const eligible = new Uint8Array(capacity);
    eligible.set(this.eligible);
    this.lengths = lengths;
    this.eligible = eligible;
    this.scores = new Float64Array(capacity);
  }

  remove(rowid: number): void {
    const slot = this.slots.get(rowid);
    if (slot === undefined) return;
    for (const term of this.terms[slot]!) {
      const list = this.postings.get(term)!;
      const at = list.slots.lastIndexOf(slot);
      const last = list.slots.length - 1;
      list.slots[at] = list.slots[last]!;
      list.counts[at] = list.counts[last]!;
      list.slots.pop();
      list.counts.pop();
      if (list.slots.length === 0) this.postings.delete(term);
    }
    this.totalLength -= this.lengths[slot]!;
    this.terms[slot] = null;
    this.eligible[slot] = 0;
    this.slots.delete(rowid);
    this.free.push(slot);
  }

  /**
   * Eligible rows matching any of `words` (each one FTS5 phrase, as `ftsQuery` OR-s them), best
   * BM25 first, ties by rowid; at most `limit`.
   */
  search(words: readonly string[], limit: number): number[] {
    const n = this.slots.size;
    if (n === 0 || limit <= 0) return [];
    // BM25's length normalisation, K1·(1 − B + B·len/avg), as a + b·len.
    const normBase = K1 * (1 - B);
    const normPerToken = (K1 * B * n) / this.totalLength;
    const { scores, lengths, eligible } = this;
    const touched: number[] = [];
    for (const word of new Set(words)) {
      const list = this.postings.get(stem(word));
      if (!list) continue;
      const { slots, counts } = list;
      const df = slots.length;
      let idf = Math.log((n - df + 0.5) / (df + 0.5));
      if (!(idf > 0)) idf = MIN_IDF;
      const lift = idf * (K1 + 1);
      for (let i = 0; i < df; i++) {
        const slot = slots[i]!;
        if (eligible[slot] === 0) continue;
        const tf = counts[i]!;
        const before = scores[slot]!;
        if (before === 0) touched.push(slot);
        scores[slot] = before + (lift * tf) / (tf + normBase + normPerToken * lengths[slot]!);
      }
    }
    // Only the best `limit` need ordering: a native numeric sort of the scores finds the cut.
    let cut = -Infinity;
    if (touched.length > limit) {
      const values = new Float64Array(touched.length);
      for (let i = 0; i < touched.length; i++) values[i] = scores[touched[i]!]!;
      values.sort();
      cut = values[values.length - limit]!;
    }
    const ranked: { rowid: number; score: number }[] = [];
    for (const slot of touched) {
      const score = scores[slot]!;
      if (score >= cut) ranked.push({ rowid: this.rowids[slot]!, score });
      scores[slot] = 0;
    }
    ranked.sort((a, b) => b.score - a.score || a.rowid - b.rowid);
    return ranked.slice(0, limit).map((r) => r.rowid);
  }
}
