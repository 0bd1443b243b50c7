import { describe, expect, it } from 'vitest';
import { setClient } from '../../../../src-renderer/app/client-instance.js';
import { createConversation } from '../../../../src-renderer/features/conversations/actions.js';
import type { Client } from '../../../../src-renderer/lib/client.js';
import type { Conversation } from '../../../../src-main/core/protocol/index.js';

const conversation: Conversation = {
  id: 'c1',
  title: 'New chat',
  createdAt: 1,
  updatedAt: 1,
  messageCount: 0,
  modelRef: null,
} as Conversation;

describe('conversation actions', () => {
  it('a message typed while New chat is on its way goes into that chat: one conversation is made, not two', async () => {
    const calls: string[] = [];
    let created!: (c: Conversation) => void;
    setClient({
      call: (method: string) => {
        calls.push(method);
        if (method === 'conversations.create') return new Promise<Conversation>((r) => (created = r));
        if (method === 'conversations.get') return Promise.resolve(conversation);
        if (method === 'messages.page') return Promise.resolve({ messages: [], total: 0 });
        if (method === 'tools.list') return Promise.resolve({ toolCalls: [] });
        return Promise.reject(new Error(`unexpected ${method}`));
      },
      on: () => () => undefined,
    } as unknown as Client);
    // New chat, then the composer's send before the first answer came back.
    const fromButton = createConversation();
    const fromSend = createConversation();
    created(conversation);
    expect(await fromButton).toBe(conversation);
    expect(await fromSend).toBe(conversation);
    expect(calls.filter((m) => m === 'conversations.create')).toHaveLength(1);
  });
});
