import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../../../../src-main/core/protocol/index.js';
import { groupHits } from '../../../../src-renderer/features/search/group-hits.js';

function hit(conversationId: string, index: number): SearchHit {
  return {
    conversationId,
    conversationTitle: `Title ${conversationId}`,
    messageId: `${conversationId}-${index}`,
    index,
    role: 'user',
    snippet: 'x',
    createdAt: 0,
  };
}

describe('groupHits', () => {
  it('groups by conversation where its best hit ranked, and numbers hits in shown order', () => {
    const { groups, flat } = groupHits([hit('a', 1), hit('b', 4), hit('a', 7)]);
    expect(groups.map((g) => g.conversationId)).toEqual(['a', 'b']);
    expect(groups[0]?.title).toBe('Title a');
    expect(groups[0]?.hits.map((h) => [h.hit.index, h.position])).toEqual([
      [1, 0],
      [7, 1],
    ]);
    expect(groups[1]?.hits.map((h) => h.position)).toEqual([2]);
    expect(flat.map((h) => h.messageId)).toEqual(['a-1', 'a-7', 'b-4']);
  });

  it('is empty for no hits', () => {
    expect(groupHits([])).toEqual({ groups: [], flat: [] });
  });
});
