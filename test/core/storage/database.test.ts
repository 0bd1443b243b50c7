import { afterEach, describe, expect, it } from 'vitest';
import type { SqlValue } from '../../../src-main/core/storage/database.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';
import { tempDir } from '../../helpers/core.js';
import { watchStatements } from '../../helpers/sqlite-statements.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(): Promise<{ storage: StorageService; dataDir: string }> {
  const dir = await tempDir('cell0-database-');
  const storage = new StorageService(dir.path);
  await storage.start();
  cleanups.push(
    () => dir.remove(),
    () => storage.stop(),
  );
  return { storage, dataDir: dir.path };
}

const insert = (id: string): [string, SqlValue[]] => [
  `INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, 't', 1, 1)`,
  [id],
];

/** A transaction held open until the test lets it fail: another caller's work that goes wrong. */
function failingTransaction(storage: StorageService, ownId: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const done = storage.db.transaction(async () => {
    await storage.db.run(...insert(ownId));
    entered();
    await released;
    throw new Error('the other caller failed');
  });
  return { inside, release, done };
}

describe('database writes', () => {
  it("keeps a bare write issued during another caller's transaction when that transaction rolls back", async () => {
    const { storage, dataDir } = await open();
    const watch = watchStatements(/^INSERT INTO conversations/);
    cleanups.push(() => watch.restore());
    const other = failingTransaction(storage, 'rolled-back');
    await other.inside;

    const bare = storage.db.run(...insert('bare'));
    // A write that went straight to the connection lands inside the open transaction; let it
    // finish there so the rollback meets it (a queued write has not reached the connection).
    if (watch.reached > 1) await watch.finished();
    other.release();
    await expect(other.done).rejects.toThrow('the other caller failed');
    await bare;

    expect(await storage.db.all('SELECT id FROM conversations')).toEqual([{ id: 'bare' }]);
    await storage.stop();
    const reopened = new StorageService(dataDir);
    await reopened.start();
    cleanups.push(() => reopened.stop());
    expect(await reopened.db.all('SELECT id FROM conversations')).toEqual([{ id: 'bare' }]);
  });

  it('runs the statements a transaction issues itself inside it, so they roll back with it', async () => {
    const { storage } = await open();
    await expect(
      storage.db.transaction(async () => {
        await storage.db.run(...insert('a'));
        await Promise.all([
          storage.db.run(...insert('b')),
          storage.db.exec("UPDATE conversations SET title = 'u'"),
        ]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await storage.db.all('SELECT id FROM conversations')).toEqual([]);
  });

  it('applies bare writes in the order they were issued', async () => {
    const { storage } = await open();
    await Promise.all([
      storage.db.run(...insert('x')),
      storage.db.run("UPDATE conversations SET title = 'first' WHERE id = 'x'"),
      storage.db.run("UPDATE conversations SET title = 'second' WHERE id = 'x'"),
    ]);
    expect(await storage.db.get('SELECT title FROM conversations')).toEqual({ title: 'second' });
  });

  it('a transaction opened inside another is part of it: its failure undoes only its own writes', async () => {
    const { storage } = await open();
    await storage.db.transaction(async () => {
      await storage.db.run(...insert('outer'));
      await expect(
        storage.db.transaction(async () => {
          await storage.db.run(...insert('inner'));
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
      await storage.db.transaction(() => storage.db.run(...insert('inner-kept')));
    });
    expect(await storage.db.all('SELECT id FROM conversations ORDER BY id')).toEqual([
      { id: 'inner-kept' },
      { id: 'outer' },
    ]);
  });

  it("a write left behind by a finished transaction does not land in the next caller's", async () => {
    const { storage } = await open();
    const watch = watchStatements(/^INSERT INTO conversations/);
    cleanups.push(() => watch.restore());
    let go!: () => void;
    const later = new Promise<void>((resolve) => (go = resolve));
    let leftover!: Promise<unknown>;
    await storage.db.transaction(async () => {
      await storage.db.run(...insert('in'));
      // Work the transaction started but did not wait for: it runs after the commit.
      leftover = later.then(() => storage.db.run(...insert('after')));
    });
    const other = failingTransaction(storage, 'rolled-back');
    await other.inside;
    const reachedBefore = watch.reached;
    go();
    await Promise.resolve();
    if (watch.reached > reachedBefore) await watch.finished();
    other.release();
    await expect(other.done).rejects.toThrow('the other caller failed');
    await leftover;
    expect(await storage.db.all('SELECT id FROM conversations ORDER BY id')).toEqual([
      { id: 'after' },
      { id: 'in' },
    ]);
  });
});
