import { beforeEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { useConversations } from '../../../src-renderer/stores/conversations.js';

function conv(id: string, updatedAt: number, title = id): Conversation {
  return { id, title, createdAt: 0, updatedAt, messageCount: 0, modelRef: null };
}

const store = () => useConversations.getState();

beforeEach(() => {
  useConversations.setState({ list: [], loaded: false, selectedId: null });
});

describe('conversations store', () => {
  it('lists the most recently updated first', () => {
    store().setAll([conv('a', 1), conv('b', 3), conv('c', 2)]);
    expect(store().list.map((c) => c.id)).toEqual(['b', 'c', 'a']);
  });

  it('keeps the remembered selection when it still exists, else picks the most recent', () => {
    store().select('a');
    store().setAll([conv('a', 1), conv('b', 3)]);
    expect(store().selectedId).toBe('a');
    store().select('gone');
    store().setAll([conv('a', 1), conv('b', 3)]);
    expect(store().selectedId).toBe('b');
  });

  it('moves a conversation to the top when it is updated and ignores stale copies', () => {
    store().setAll([conv('a', 1), conv('b', 3)]);
    store().upsert(conv('a', 5, 'Renamed'));
    expect(store().list.map((c) => c.title)).toEqual(['Renamed', 'b']);
    store().upsert(conv('a', 4, 'Old'));
    expect(store().list[0]?.title).toBe('Renamed');
  });

  it('takes a model switch that leaves the update time as it was', () => {
    store().setAll([conv('a', 1)]);
    store().upsert({ ...conv('a', 1), modelRef: { providerId: 'p1', model: 'm' } });
    expect(store().list[0]?.modelRef).toEqual({ providerId: 'p1', model: 'm' });
  });

  it('selects the most recent remaining one when the selected conversation is deleted', () => {
    store().setAll([conv('x', 1), conv('y', 2), conv('z', 3)]);
    store().select('z');
    store().remove('z');
    expect(store().selectedId).toBe('y');
    store().upsert(conv('z', 9));
    expect(store().list.map((c) => c.id)).toEqual(['y', 'x']);
  });
});
