import type { Database } from '../../storage/database.js';
import { RETRIEVABLE_STATUS_SQL } from './rows.js';
import { TermIndex } from './term-index.js';
import { latestChange, type OwnerKind } from './vector-store.js';

const PAGE = 5000;
/** Rowids per `IN (…)` when re-reading changed rows. */
const CHANGED_PER_READ = 500;

interface TextRow {
  rowid: number;
  text: string;
  eligible: number;
}

const SOURCES: Record<OwnerKind, string> = {
  memory: `SELECT rowid, text, status = 'active' AS eligible FROM memories`,
  message: `SELECT rowid, content AS text, (status IN (${RETRIEVABLE_STATUS_SQL}) AND content <> '') AS eligible FROM messages`,
};

/**
 * The term indexes of memories and messages, loaded once from SQLite and then kept current from
 * the change log (`retrieval_changes`, which sees inserts, text and status changes and deletes):
 * `refresh()` costs one small query when nothing changed.
 */
export class CorpusTerms {
  readonly memory = new TermIndex();
  readonly message = new TermIndex();
  private seq = 0;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database) {}

  /** Reads every row; call once change tracking is installed, so nothing written meanwhile is missed. */
  async load(): Promise<void> {
    this.seq = await latestChange(this.db);
    for (const kind of ['memory', 'message'] as const) {
      const index = this[kind];
      let after = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const rows = await this.db.all<TextRow>(`${SOURCES[kind]} WHERE rowid > ? ORDER BY rowid LIMIT ?`, [
          after,
          PAGE,
        ]);
        for (const row of rows) index.set(row.rowid, row.text, row.eligible === 1);
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.rowid;
      }
    }
  }

  /** Applies every change logged since the last call; serialised, so concurrent callers share order. */
  refresh(): Promise<void> {
    const run = this.syncing.then(() => this.applyChanges());
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async applyChanges(): Promise<void> {
    for (;;) {
      const changes = await this.db.all<{ seq: number; kind: OwnerKind; rowid: number }>(
        `SELECT seq, owner_kind AS kind, owner_rowid AS rowid FROM temp.retrieval_changes
          WHERE seq > ? ORDER BY seq LIMIT ?`,
        [this.seq, PAGE],
      );
      if (changes.length === 0) return;
      for (const kind of ['memory', 'message'] as const) {
        const rowids = changes.filter((c) => c.kind === kind).map((c) => c.rowid);
        for (let i = 0; i < rowids.length; i += CHANGED_PER_READ) {
          const chunk = rowids.slice(i, i + CHANGED_PER_READ);
          const rows = await this.db.all<TextRow>(
            `${SOURCES[kind]} WHERE rowid IN (${chunk.map(() => '?').join(',')})`,
            chunk,
          );
          const found = new Map(rows.map((r) => [r.rowid, r]));
          for (const rowid of chunk) {
            const row = found.get(rowid);
            // Not found: deleted since it was logged.
            if (row) this[kind].set(rowid, row.text, row.eligible === 1);
            else this[kind].remove(rowid);
          }
        }
      }
      this.seq = changes[changes.length - 1]!.seq;
      if (changes.length < PAGE) return;
    }
  }
}
