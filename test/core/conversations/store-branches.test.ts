import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationStore } from '../../../src-main/core/conversations/store.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';
import { tempDir } from '../../helpers/core.js';

const MODEL = { providerId: 'p', model: 'm' };

describe('conversation store: versions, branches, deletion, settings', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let storage: StorageService;
  let store: ConversationStore;
  let clock = 1000;

  beforeEach(async () => {
    dir = await tempDir();
    storage = new StorageService(dir.path);
    await storage.start();
    clock = 1000;
    store = new ConversationStore(storage.db, () => ++clock);
  });
  afterEach(async () => {
    await storage.stop();
    await dir.remove();
  });

  async function exchange(conversationId: string, text: string, reply: string) {
    const ex = await store.appendExchange(conversationId, text, `c-${text}`, MODEL);
    await store.updateReply(ex.assistantMessage.id, reply, 'complete');
    return ex;
  }

  async function contents(conversationId: string): Promise<string[]> {
    return (await store.page(conversationId, 0, 100)).messages.map((m) => m.content);
  }

  it('a page of the last messages is the newest ones of the branch shown, whatever the offset says', async () => {
    const c = await store.create();
    for (const n of [1, 2, 3]) await exchange(c.id, `q${n}`, `a${n}`);
    const last = await store.page(c.id, 999, 3, true);
    expect(last.total).toBe(6);
    expect(last.messages.map((m) => [m.index, m.content])).toEqual([
      [3, 'a2'],
      [4, 'q3'],
      [5, 'a3'],
    ]);
    // Fewer messages than asked for: all of them, from the first.
    expect((await store.page(c.id, 0, 100, true)).messages.map((m) => m.content)).toEqual(
      await contents(c.id),
    );
  });

  it('regenerating a reply keeps the earlier one as version 1 of 2, switchable both ways', async () => {
    const c = await store.create();
    const { assistantMessage } = await exchange(c.id, 'hi', 'first answer');
    const next = await store.regenerateAt(assistantMessage.id, MODEL);
    expect(next.index).toBe(1);
    expect(next.status).toBe('streaming');
    expect(next.versions).toEqual({ current: 2, total: 2 });
    await store.updateReply(next.id, 'second answer', 'complete');
    expect(await contents(c.id)).toEqual(['hi', 'second answer']);

    await store.switchVersion(c.id, 1, 1);
    const page = await store.page(c.id, 0, 100);
    expect(page.messages.map((m) => m.content)).toEqual(['hi', 'first answer']);
    expect(page.messages[1]!.id).toBe(assistantMessage.id);
    expect(page.messages[1]!.versions).toEqual({ current: 1, total: 2 });

    await store.switchVersion(c.id, 1, 2);
    expect(await contents(c.id)).toEqual(['hi', 'second answer']);
    await expect(store.switchVersion(c.id, 1, 3)).rejects.toMatchObject({ code: 'BAD_PARAMS' });
  });

  it('editing a message starts a branch; the old continuation comes back with its own versions', async () => {
    const c = await store.create();
    await exchange(c.id, 'one', 'reply one');
    const two = await exchange(c.id, 'two', 'reply two');
    // A regenerated reply inside the old continuation: it must travel with that branch.
    const again = await store.regenerateAt(two.assistantMessage.id, MODEL);
    await store.updateReply(again.id, 'reply two again', 'complete');
    const three = await exchange(c.id, 'three', 'reply three');

    const edited = await store.editAt(two.userMessage.id, 'two, edited', 'c-edit', MODEL);
    expect(edited.userMessage.index).toBe(2);
    expect(edited.userMessage.versions).toEqual({ current: 2, total: 2 });
    await store.updateReply(edited.assistantMessage.id, 'reply to the edit', 'complete');
    expect(await contents(c.id)).toEqual(['one', 'reply one', 'two, edited', 'reply to the edit']);
    // The old branch's inner fork is not an alternative of the new path.
    expect((await store.page(c.id, 0, 100)).messages[3]!.versions).toBeUndefined();

    await store.switchVersion(c.id, 2, 1);
    const back = await store.page(c.id, 0, 100);
    expect(back.messages.map((m) => m.content)).toEqual([
      'one',
      'reply one',
      'two',
      'reply two again',
      'three',
      'reply three',
    ]);
    expect(back.messages[2]!.versions).toEqual({ current: 1, total: 2 });
    expect(back.messages[3]!.versions).toEqual({ current: 2, total: 2 });
    expect(back.messages[5]!.id).toBe(three.assistantMessage.id);
    // Search still finds what is on the live path.
    const hits = await storage.db.all<{ n: number }>(
      "SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH 'edited'",
    );
    expect(hits[0]!.n).toBe(0);
  });

  it('deleting one message moves the later ones (and their versions) up; deleting the rest truncates', async () => {
    const c = await store.create();
    const a = await exchange(c.id, 'a', 'ra');
    const b = await exchange(c.id, 'b', 'rb');
    await store
      .regenerateAt(b.assistantMessage.id, MODEL)
      .then((m) => store.updateReply(m.id, 'rb2', 'complete'));
    const r = await store.deleteMessages(a.assistantMessage.id, 'message');
    expect(r).toEqual({ deleted: 1, total: 3 });
    const page = await store.page(c.id, 0, 100);
    expect(page.messages.map((m) => [m.index, m.content])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'rb2'],
    ]);
    expect(page.messages[2]!.versions).toEqual({ current: 2, total: 2 });
    await store.switchVersion(c.id, 2, 1);
    expect(await contents(c.id)).toEqual(['a', 'b', 'rb']);

    const rest = await store.deleteMessages(page.messages[1]!.id, 'rest');
    expect(rest).toEqual({ deleted: 2, total: 1 });
    expect(await contents(c.id)).toEqual(['a']);
    expect(await store.branches(c.id)).toEqual([]);
    // The next message takes the freed position.
    const more = await exchange(c.id, 'c', 'rc');
    expect(more.userMessage.index).toBe(1);
  });

  it('keeps per-conversation settings, pins first and archives without losing messages', async () => {
    const older = await store.create('older');
    const newer = await store.create('newer');
    await exchange(older.id, 'x', 'y');
    expect(older.settings).toMatchObject({ tools: true, memory: true, systemPrompt: null });
    const configured = await store.configure(older.id, { systemPrompt: 'Be brief.', temperature: 0.2 });
    expect(configured.settings).toEqual({
      systemPrompt: 'Be brief.',
      temperature: 0.2,
      maxOutputTokens: null,
      tools: true,
      memory: true,
    });
    expect((await store.configure(older.id, { tools: false })).settings).toMatchObject({
      systemPrompt: 'Be brief.',
      tools: false,
    });
    await store.touch(newer.id);
    expect((await store.list()).map((c) => c.title)).toEqual(['newer', 'older']);
    await store.setPinned(older.id, true);
    expect((await store.list()).map((c) => [c.title, c.pinned])).toEqual([
      ['older', true],
      ['newer', false],
    ]);
    const archived = await store.setArchived(older.id, true);
    expect(archived.archived).toBe(true);
    expect(archived.messageCount).toBe(2);
    expect((await store.setArchived(older.id, false)).archived).toBe(false);
  });

  it('refuses to regenerate an owner message or edit a reply, with a clear code', async () => {
    const c = await store.create();
    const ex = await exchange(c.id, 'q', 'a');
    await expect(store.regenerateAt(ex.userMessage.id, MODEL)).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    await expect(store.editAt(ex.assistantMessage.id, 'x', 'k', MODEL)).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    expect(await contents(c.id)).toEqual(['q', 'a']);
  });
});
