import type { Database } from '../storage/database.js';

/** The step the daemon is in, written before the step starts and cleared when it has committed. */
export type DaemonTask =
  | { kind: 'index' }
  | { kind: 'extract'; conversationId: string }
  | { kind: 'summarise'; conversationId: string; uptoIndex: number }
  | { kind: 'merge' }
  | { kind: 'decay' };

const TASK_KEY = 'task';

/** The owner's calendar day, which is what "per day" means to them. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The daemon's memory of itself in `memory_daemon_state`: cursors, tokens spent per day and the
 * current task. Everything it needs to resume after a crash lives here, not in the process.
 * Writes take the caller's transaction when there is one (`inTx`), so a cursor moves in the same
 * commit as the memories it accounts for.
 */
export class DaemonState {
  constructor(private readonly db: Database) {}

  async get(key: string): Promise<string | null> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM memory_daemon_state WHERE key = ?', [
      key,
    ]);
    return row?.value ?? null;
  }

  async getNumber(key: string, fallback: number): Promise<number> {
    const raw = await this.get(key);
    const value = Number(raw);
    return raw === null || !Number.isFinite(value) ? fallback : value;
  }

  /** Inside a transaction the caller holds. */
  async setInTx(key: string, value: string | number): Promise<void> {
    await this.db.run(
      `INSERT INTO memory_daemon_state (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [key, String(value)],
    );
  }

  async set(key: string, value: string | number): Promise<void> {
    await this.db.transaction(() => this.setInTx(key, value));
  }

  async task(): Promise<DaemonTask | null> {
    const raw = await this.get(TASK_KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as DaemonTask;
    } catch {
      return null;
    }
  }

  async setTask(task: DaemonTask): Promise<void> {
    await this.set(TASK_KEY, JSON.stringify(task));
  }

  async clearTaskInTx(): Promise<void> {
    await this.db.run('DELETE FROM memory_daemon_state WHERE key = ?', [TASK_KEY]);
  }

  async clearTask(): Promise<void> {
    await this.db.transaction(() => this.clearTaskInTx());
  }

  /** Where extraction stopped in a conversation: the last message index it has read (-1: none). */
  extractCursor(conversationId: string): Promise<number> {
    return this.getNumber(`extract:${conversationId}`, -1);
  }

  setExtractCursorInTx(conversationId: string, index: number): Promise<void> {
    return this.setInTx(`extract:${conversationId}`, index);
  }

  tokensOn(ms: number): Promise<number> {
    return this.getNumber(`tokens:${localDay(ms)}`, 0);
  }

  /** Adds to the day's spend; older days are dropped, only today's count matters. */
  async addTokens(ms: number, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    const key = `tokens:${localDay(ms)}`;
    await this.db.transaction(async () => {
      await this.db.run(
        `INSERT INTO memory_daemon_state (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)`,
        [key, String(Math.round(tokens))],
      );
      await this.db.run("DELETE FROM memory_daemon_state WHERE key LIKE 'tokens:%' AND key <> ?", [key]);
    });
  }

  /** Cursors of deleted conversations (inside the caller's transaction). */
  async dropOrphanCursorsInTx(): Promise<void> {
    await this.db.run(
      `DELETE FROM memory_daemon_state WHERE key LIKE 'extract:%'
       AND substr(key, 9) NOT IN (SELECT id FROM conversations)`,
    );
  }
}
