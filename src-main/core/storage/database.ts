import { AsyncLocalStorage } from 'node:async_hooks';
import sqlite3 from 'sqlite3';

export type SqlValue = string | number | bigint | null | Buffer;

/** The transaction a piece of code runs in; `open` turns false once it committed or rolled back. */
interface OpenTransaction {
  open: boolean;
  savepoints: number;
}

/**
 * A small promise layer over node-sqlite3 (which runs every statement on libuv's thread pool,
 * off the event loop). One connection means one transaction at a time for everyone: every write
 * (run, exec) and every transaction goes through one queue, so a bare write can never land
 * inside another caller's open transaction and be rolled back with it. The statements a
 * transaction's own function issues (found through AsyncLocalStorage) run inside it at once.
 * Reads do not queue: they never change what a rollback undoes.
 */
export class Database {
  private writeQueue: Promise<unknown> = Promise.resolve();
  private handle: sqlite3.Database | null = null;
  private readonly current = new AsyncLocalStorage<OpenTransaction>();

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

  /** The transaction the calling code is inside, if it is still open. */
  private openTransaction(): OpenTransaction | null {
    const tx = this.current.getStore();
    return tx?.open ? tx : null;
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writeQueue.then(work);
    this.writeQueue = next.catch(() => undefined);
    return next;
  }

  /** Runs a write now when the caller is inside the open transaction, else after the queue. */
  private write<T>(work: () => Promise<T>): Promise<T> {
    return this.openTransaction() ? work() : this.enqueue(work);
  }

  run(sql: string, params: SqlValue[] = []): Promise<{ changes: number; lastID: number }> {
    return this.write(() => this.runNow(sql, params));
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
    return this.write(() => this.execNow(sql));
  }

  /**
   * Runs fn inside BEGIN IMMEDIATE … COMMIT, serialised with every other write. Called from inside
   * an open transaction, fn becomes part of it under a savepoint: its failure undoes only its own
   * writes (waiting for the queue there would wait for itself).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.openTransaction();
    if (outer) return this.savepoint(outer, fn);
    return this.enqueue(async () => {
      const tx: OpenTransaction = { open: true, savepoints: 0 };
      await this.execNow('BEGIN IMMEDIATE');
      try {
        const result = await this.current.run(tx, fn);
        await this.execNow('COMMIT');
        return result;
      } catch (err) {
        await this.execNow('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        tx.open = false;
      }
    });
  }

  private async savepoint<T>(tx: OpenTransaction, fn: () => Promise<T>): Promise<T> {
    const name = `nested_${++tx.savepoints}`;
    await this.execNow(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      await this.execNow(`RELEASE ${name}`);
      return result;
    } catch (err) {
      await this.execNow(`ROLLBACK TO ${name}; RELEASE ${name}`).catch(() => undefined);
      throw err;
    }
  }

  private runNow(sql: string, params: SqlValue[]): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastID: this.lastID });
      });
    });
  }

  private execNow(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (err: Error | null) => (err ? reject(err) : resolve()));
    });
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
