import { afterEach, describe, expect, it } from 'vitest';
import { createLocalClient } from '../../src-main/core/gateway/local-client.js';
import { openNewChat } from '../../src-main/desktop/new-chat.js';
import { startTestCore, type TestCore } from '../helpers/core.js';

let t: TestCore | null = null;

afterEach(async () => {
  await t?.close();
  t = null;
});

describe("the tray's New chat", () => {
  it('opens the most recent empty new chat again, and makes one when none is left', async () => {
    t = await startTestCore();
    const client = createLocalClient(t.core);
    const first = await openNewChat(client);
    expect(await openNewChat(client)).toEqual(first);
    expect((await client.call('conversations.list')).conversations).toHaveLength(1);

    // Renamed, it is no longer a new chat: a second one is made, and then opened again.
    await client.call('conversations.rename', { id: first.id, title: 'Taxes' });
    const second = await openNewChat(client);
    expect(second.id).not.toBe(first.id);
    expect((await openNewChat(client)).id).toBe(second.id);
    expect((await client.call('conversations.list')).conversations.map((c) => c.title)).toEqual([
      'New chat',
      'Taxes',
    ]);
  });
});
