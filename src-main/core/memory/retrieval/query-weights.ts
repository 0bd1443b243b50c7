import type { Database } from '../../storage/database.js';
import { tokenize } from './tokenize.js';

export type Corpus = 'memories' | 'messages';

/** A word in every row still counts a little: it may be all the query has. */
const MIN_WEIGHT = 0.05;
const COUNT_TTL_MS = 10_000;

/**
 * Query-side IDF for the built-in embedder: document frequencies come from FTS5's own vocabulary
 * (a TEMP fts5vocab table, nothing added to the schema). Without it a name that starts every
 * message ("Melanie: …") weighs as much as the rare word the question is really about.
 */
export class QueryWeights {
  private counts = new Map<Corpus, { rows: number; at: number }>();
  private installed: Promise<void> | null = null;

  constructor(private readonly db: Database) {}

  private install(): Promise<void> {
    this.installed ??= this.db
      .exec(
        `CREATE VIRTUAL TABLE IF NOT EXISTS temp.retrieval_vocab_memories USING fts5vocab(main, memories_fts, row);
         CREATE VIRTUAL TABLE IF NOT EXISTS temp.retrieval_vocab_messages USING fts5vocab(main, messages_fts, row);`,
      )
      .catch((err: unknown) => {
        this.installed = null;
        throw err;
      });
    return this.installed;
  }

  private async rows(corpus: Corpus, now: number): Promise<number> {
    const cached = this.counts.get(corpus);
    if (cached && now - cached.at < COUNT_TTL_MS) return cached.rows;
    const row = await this.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${corpus}`);
    const rows = row?.n ?? 0;
    this.counts.set(corpus, { rows, at: now });
    return rows;
  }

  /** stem -> weight in [MIN_WEIGHT, 1], from BM25's IDF scaled by the largest it can be. */
  async forQuery(corpus: Corpus, query: string): Promise<(stem: string) => number> {
    await this.install();
    const n = await this.rows(corpus, Date.now());
    const stems = [...new Set(tokenize(query).map((t) => t.stem))];
    // One statement of equality lookups (fts5vocab serves `term = ?` from its index; an IN list
    // would scan the whole vocabulary).
    const rows =
      stems.length === 0
        ? []
        : await this.db.all<{ term: string; doc: number }>(
            stems
              .map(() => `SELECT term, doc FROM temp.retrieval_vocab_${corpus} WHERE term = ?`)
              .join(' UNION ALL '),
            stems,
          );
    const frequency = new Map(rows.map((r) => [r.term, r.doc]));
    const max = Math.log(1 + (n + 0.5) / 0.5);
    const weights = new Map<string, number>();
    stems.forEach((stem) => {
      const df = Math.min(n, frequency.get(stem) ?? 0);
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      weights.set(stem, Math.max(MIN_WEIGHT, Math.min(1, idf / max)));
    });
    return (stem) => weights.get(stem) ?? 1;
  }
}
