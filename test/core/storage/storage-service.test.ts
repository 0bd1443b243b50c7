import { describe, expect, it } from 'vitest';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';
import { MIGRATIONS } from '../../../src-main/core/storage/migrations.js';
import { tempDir } from '../../helpers/core.js';

describe('storage', () => {
  it('opens in WAL mode with every migration applied, and reopens without redoing them', async () => {
    const dir = await tempDir();
    try {
      const storage = new StorageService(dir.path);
      await storage.start();
      expect(await storage.db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await storage.db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
      const latest = MIGRATIONS.at(-1)!.version;
      expect(await storage.db.get('PRAGMA user_version')).toEqual({ user_version: latest });
      await storage.db.run(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c', 't', 1, 1)",
      );
      await storage.stop();

      const again = new StorageService(dir.path);
      await again.start();
      expect(await again.db.all('SELECT id FROM conversations')).toEqual([{ id: 'c' }]);
      await again.stop();
    } finally {
      await dir.remove();
    }
  });

  it('refuses a database from a newer version instead of damaging it', async () => {
    const dir = await tempDir();
    try {
      const storage = new StorageService(dir.path);
      await storage.start();
      await storage.db.exec('PRAGMA user_version = 999');
      await storage.stop();
      const newer = new StorageService(dir.path);
      await expect(newer.start()).rejects.toThrow(/newer Cell 0/);
      await newer.stop();
    } finally {
      await dir.remove();
    }
  });

  it('rolls a failed transaction back and keeps serving writes', async () => {
    const dir = await tempDir();
    try {
      const storage = new StorageService(dir.path);
      await storage.start();
      await expect(
        storage.db.transaction(async () => {
          await storage.db.run(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('x', 't', 1, 1)",
          );
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await storage.db.transaction(() =>
        storage.db.run(
          "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('y', 't', 1, 1)",
        ),
      );
      expect(await storage.db.all('SELECT id FROM conversations')).toEqual([{ id: 'y' }]);
      await storage.stop();
    } finally {
      await dir.remove();
    }
  });
});
