import { beforeEach, describe, expect, it } from 'vitest';
import type { Memory } from '../../../src-main/core/protocol/index.js';
import {
  EMPTY_LIST,
  appendPage,
  applyDeleted,
  applyUpdated,
  compareMemories,
  useMemory,
  type MemoryList,
} from '../../../src-renderer/stores/memory.js';

function memory(id: string, patch: Partial<Memory> = {}): Memory {
  return {
    id,
    text: `memory ${id}`,
    kind: 'fact',
    importance: 0.5,
    pinned: false,
    status: 'active',
    eventDate: null,
    sources: [],
    createdBy: 'daemon',
    supersededBy: null,
    createdAt: 1000,
    updatedAt: 1000,
    ...patch,
  };
}

const ready = (items: Memory[], patch: Partial<MemoryList> = {}): MemoryList => ({
  ...EMPTY_LIST,
  items,
  total: items.length,
  status: 'ready',
  ...patch,
});

const ids = (list: MemoryList) => list.items.map((m) => m.id);

describe('memory list reducers', () => {
  it('orders pinned first, then newest first', () => {
    const list = [
      memory('old', { createdAt: 1 }),
      memory('pinned-old', { createdAt: 0, pinned: true }),
      memory('new', { createdAt: 5 }),
    ].sort(compareMemories);
    expect(list.map((m) => m.id)).toEqual(['pinned-old', 'new', 'old']);
  });

  it('appends a page without twins', () => {
    const first = appendPage({ ...EMPTY_LIST, status: 'loading' }, [memory('a', { createdAt: 3 })], 3);
    const second = appendPage(first, [memory('a', { createdAt: 3 }), memory('b', { createdAt: 2 })], 3);
    expect(ids(second)).toEqual(['a', 'b']);
    expect(second.total).toBe(3);
    expect(second.status).toBe('ready');
  });

  it('inserts a new memory in order and counts it', () => {
    const list = ready([memory('a', { createdAt: 1 })]);
    const next = applyUpdated(list, memory('b', { createdAt: 2 }));
    expect(ids(next)).toEqual(['b', 'a']);
    expect(next.total).toBe(2);
  });

  it('updates in place and re-sorts when pinned', () => {
    const list = ready([memory('a', { createdAt: 2 }), memory('b', { createdAt: 1 })]);
    const next = applyUpdated(list, memory('b', { createdAt: 1, pinned: true }));
    expect(ids(next)).toEqual(['b', 'a']);
    expect(next.items[0]?.pinned).toBe(true);
    expect(next.total).toBe(2);
  });

  it('hides a memory that was retired unless retired ones are shown', () => {
    const list = ready([memory('a')]);
    const retired = memory('a', { status: 'retired', supersededBy: 'b' });
    expect(ids(applyUpdated(list, retired))).toEqual([]);
    expect(applyUpdated(list, retired).total).toBe(0);
    const shown = applyUpdated({ ...list, includeRetired: true }, retired);
    expect(shown.items[0]?.status).toBe('retired');
  });

  it('leaves the results of a search to the core: no inserts, but updates of shown ones', () => {
    const list = ready([memory('a')], { query: 'trip' });
    expect(applyUpdated(list, memory('b'))).toBe(list);
    expect(applyUpdated(list, memory('a', { text: 'changed' })).items[0]?.text).toBe('changed');
  });

  it('does not insert into a list still loading (its page will bring it)', () => {
    const list: MemoryList = { ...EMPTY_LIST, status: 'loading' };
    expect(applyUpdated(list, memory('a'))).toBe(list);
  });

  it('removes a deleted memory, and ignores unknown ids', () => {
    const list = ready([memory('a'), memory('b')]);
    const next = applyDeleted(list, 'a');
    expect(ids(next)).toEqual(['b']);
    expect(next.total).toBe(1);
    expect(applyDeleted(next, 'zzz')).toBe(next);
  });
});

describe('memory store', () => {
  beforeEach(() => useMemory.setState({ list: EMPTY_LIST, daemon: null, used: {} }));

  it('drops the answer for an older filter', () => {
    const old = useMemory.getState().startList('', false);
    const current = useMemory.getState().startList('trip', false);
    useMemory.getState().listPage(old, [memory('stale')], 1);
    expect(useMemory.getState().list.items).toEqual([]);
    useMemory.getState().listPage(current, [memory('a')], 1);
    expect(ids(useMemory.getState().list)).toEqual(['a']);
    expect(useMemory.getState().list.query).toBe('trip');
    useMemory.getState().listFailed(old, 'late failure');
    expect(useMemory.getState().list.status).toBe('ready');
  });

  it('keeps the memories each reply used', () => {
    const used = { memoryId: 'a', text: 'likes tea', score: 0.9, why: 'asked about drinks' };
    useMemory.getState().setUsed('m1', { status: 'ready', memories: [used], error: null });
    expect(useMemory.getState().used.m1?.memories).toEqual([used]);
  });
});
