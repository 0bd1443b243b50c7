import sqlite3 from 'sqlite3';
import { vi } from 'vitest';

type RunCallback = (this: sqlite3.RunResult, err: Error | null) => void;

/**
 * Watches the statements that reach node-sqlite3's connection itself (past any queue of ours):
 * whether one matching `pattern` was handed to SQLite, and a promise for when all of those finished.
 * A test uses it to let a write that went straight to the connection complete before it acts,
 * without guessing how long that takes.
 */
export function watchStatements(pattern: RegExp): {
  readonly reached: number;
  finished(): Promise<void>;
  restore(): void;
} {
  const done: Promise<void>[] = [];
  const original = sqlite3.Database.prototype.run;
  const spy = vi.spyOn(sqlite3.Database.prototype, 'run').mockImplementation(function (
    this: sqlite3.Database,
    sql: string,
    ...rest: unknown[]
  ) {
    const callback = rest.at(-1);
    if (pattern.test(sql) && typeof callback === 'function') {
      let settle!: () => void;
      done.push(new Promise<void>((resolve) => (settle = resolve)));
      rest[rest.length - 1] = function (this: sqlite3.RunResult, err: Error | null) {
        (callback as RunCallback).call(this, err);
        settle();
      };
    }
    return (original as (...args: unknown[]) => sqlite3.Database).call(this, sql, ...rest);
  });
  return {
    get reached() {
      return done.length;
    },
    finished: async () => {
      await Promise.all(done);
    },
    restore: () => spy.mockRestore(),
  };
}
