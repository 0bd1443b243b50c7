import { describe, expect, it } from 'vitest';
import { startTestCore } from '../../helpers/core.js';

describe('conversations', () => {
  it('creates, renames, lists most recent first, and deletes', async () => {
    const t = await startTestCore();
    try {
      const a = await t.call('conversations.create', {});
      await new Promise((r) => setTimeout(r, 5));
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
