import sqlite3 from 'sqlite3';

export type SqlValue = string | number | bigint | null | Buffer;

/**
 * A small promise layer over node-sqlite3 (which runs every statement on libuv's thread pool,
 * off the event loop). Writes go through one queue so a transaction's statements never
 * interleave with another caller's.
 */
export class Database {
  private writeQueue: Promise<unknown> = Promise.resolve();
  private handle: sqlite3.Database | null = null;

  constructor(readonly file: string) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(this.file, (err) => {
        if (err) return reject(err);
        this.handle = db;
        resolve();
      });
    });
  }

  private get db(): sqlite3.Database {
    if (!this.handle) throw new Error('The database is not open.');
    return this.handle;
  }

  run(sql: string, params: SqlValue[] = []): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastID: this.lastID });
      });
    });
  }

  get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params, (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
    });
  }

  all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (err: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  /** Runs fn inside BEGIN IMMEDIATE … COMMIT, serialised with every other write. */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.writeQueue.then(async () => {
      await this.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn();
        await this.exec('COMMIT');
        return result;
      } catch (err) {
        await this.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
    this.writeQueue = next.catch(() => undefined);
    return next;
  }

  /** Waits for queued writes, then closes; closing twice is harmless. */
  async close(): Promise<void> {
    const db = this.handle;
    if (!db) return;
    await this.writeQueue;
    this.handle = null;
    await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
  }
}
