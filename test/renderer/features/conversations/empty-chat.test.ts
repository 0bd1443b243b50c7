import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../../src-main/core/protocol/index.js';
import { DEFAULT_TITLE } from '../../../../src-main/core/conversations/store.js';
import {
  DEFAULT_CONVERSATION_TITLE,
  reusableEmptyChat,
} from '../../../../src-renderer/features/conversations/empty-chat.js';

function chat(id: string, patch: Partial<Conversation> = {}): Conversation {
  return { id, title: 'New chat', createdAt: 1, updatedAt: 1, messageCount: 0, modelRef: null, ...patch };
}

const none = () => false;

describe('reusing an empty new chat', () => {
  it('knows the title the core gives a new conversation', () => {
    expect(DEFAULT_CONVERSATION_TITLE).toBe(DEFAULT_TITLE);
  });

  it('keeps the current chat when nothing was said in it yet', () => {
    const list = [chat('a'), chat('b')];
    expect(reusableEmptyChat(list, 'b', none)?.id).toBe('b');
  });

  it('goes to the most recent empty chat from a chat with messages', () => {
    const list = [chat('talk', { messageCount: 4, title: 'Taxes' }), chat('empty'), chat('older-empty')];
    expect(reusableEmptyChat(list, 'talk', none)?.id).toBe('empty');
  });

  it('creates one when every chat has messages, a title of its own, or a message on its way', () => {
    const list = [
      chat('talk', { messageCount: 2, title: 'Taxes' }),
      chat('renamed', { title: 'Groceries' }),
      chat('sending'),
    ];
    expect(reusableEmptyChat(list, 'sending', (id) => id === 'sending')).toBeNull();
    expect(reusableEmptyChat([], null, none)).toBeNull();
  });
});
