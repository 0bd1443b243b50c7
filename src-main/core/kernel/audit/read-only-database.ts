import sqlite3 from 'sqlite3';
import type { SqlValue } from '../../storage/database.js';
import type { SqlReader } from './stored-log.js';

export interface ReadOnlyDatabase extends SqlReader {
  close(): Promise<void>;
}

/**
 * A read-only handle on the data directory's database, for `cell0 audit verify`: a checker must
 * not be able to change what it checks, and must not migrate or lock a database the app is using.
 */
export function openReadOnly(file: string): Promise<ReadOnlyDatabase> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      // WAL readers do not wait for the writer, but a checkpoint or recovery in progress can still be busy.
      db.configure('busyTimeout', 5000);
      resolve({
        all: <T>(sql: string, params: SqlValue[] = []) =>
          new Promise<T[]>((res, rej) => {
            db.all(sql, params, (e: Error | null, rows: T[]) => (e ? rej(e) : res(rows)));
          }),
        close: () => new Promise<void>((res, rej) => db.close((e) => (e ? rej(e) : res()))),
      });
    });
  });
}
