import { describe, expect, it } from 'vitest';
import { ConversationStore } from '../../../src-main/core/conversations/store.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';
import { startTestCore, tempDir } from '../../helpers/core.js';

describe('conversations', () => {
  it('creates, renames, lists most recent first, and deletes', async () => {
    const t = await startTestCore();
    try {
      // Created in the same millisecond or not, the later one is listed first.
      const a = await t.call('conversations.create', {});
      const b = await t.call('conversations.create', { title: 'Second' });
      expect(a.title).toBe('New chat');
      let list = (await t.call('conversations.list')).conversations;
      expect(list.map((c) => c.id)).toEqual([b.id, a.id]);

      const renamed = await t.call('conversations.rename', { id: a.id, title: '  Trip planning  ' });
      expect(renamed.title).toBe('Trip planning');
      expect(t.events.some((f) => f.event === 'conversation.updated')).toBe(true);

      await t.call('conversations.delete', { id: b.id });
      list = (await t.call('conversations.list')).conversations;
      expect(list.map((c) => c.title)).toEqual(['Trip planning']);
      await expect(t.call('conversations.delete', { id: b.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(t.call('conversations.rename', { id: a.id, title: '   ' })).rejects.toMatchObject({
        code: 'BAD_PARAMS',
      });
      // A refused rename leaves the stored title alone.
      expect((await t.call('conversations.get', { id: a.id })).title).toBe('Trip planning');
    } finally {
      await t.close();
    }
  });

  it('lists by last activity, whatever the order they were created in', async () => {
    const dir = await tempDir();
    const storage = new StorageService(dir.path);
    await storage.start();
    try {
      let clock = 1_000;
      const store = new ConversationStore(storage.db, () => clock);
      const a = await store.create('A');
      clock = 2_000;
      const b = await store.create('B');
      clock = 3_000;
      await store.touch(a.id);
      expect((await store.list()).map((c) => [c.title, c.updatedAt])).toEqual([
        ['A', 3_000],
        ['B', 2_000],
      ]);
      // Same time: the one created later first.
      await store.touch(b.id);
      expect((await store.list()).map((c) => c.title)).toEqual(['B', 'A']);
    } finally {
      await storage.stop();
      await dir.remove();
    }
  });

  it('keeps everything across a restart', async () => {
    const t = await startTestCore();
    try {
      const c = await t.call('conversations.create', { title: 'Kept' });
      await t.restart();
      expect((await t.call('conversations.list')).conversations).toEqual([
        expect.objectContaining({ id: c.id, title: 'Kept' }),
      ]);
    } finally {
      await t.close();
    }
  });
});
