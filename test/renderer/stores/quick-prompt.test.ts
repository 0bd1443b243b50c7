import { beforeEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { useQuickPrompt } from '../../../src-renderer/stores/quick-prompt.js';

function conv(id: string, updatedAt: number): Conversation {
  return { id, title: id, createdAt: 0, updatedAt, messageCount: 0, modelRef: null };
}

const store = () => useQuickPrompt.getState();

beforeEach(() => useQuickPrompt.setState({ conversations: null, rememberedId: null, loadError: null }));

describe('quick prompt store', () => {
  it('ignores events before the list loads, then keeps it most recent first', () => {
    store().upsert(conv('early', 9));
    expect(store().conversations).toBeNull();
    store().setConversations([conv('a', 1), conv('b', 2)], 'a');
    expect(store().conversations?.map((c) => c.id)).toEqual(['b', 'a']);
    expect(store().rememberedId).toBe('a');
    store().upsert(conv('a', 3));
    expect(store().conversations?.map((c) => c.id)).toEqual(['a', 'b']);
    store().remove('a');
    expect(store().conversations?.map((c) => c.id)).toEqual(['b']);
  });
});
