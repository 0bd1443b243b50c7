import { describe, expect, it, vi } from 'vitest';
import {
  locateMessage,
  targetMessageId,
  type MessageLocator,
  type MessagePage,
} from '../../../src-renderer/lib/navigation.js';

const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ id: `m${from + i}`, index: from + i }));

/** A conversation of `total` messages m0…m(total-1), with `loaded` indices already in the cache. */
function locator(total: number, loaded: number[] = [], patch: Partial<MessageLocator> = {}) {
  const fetchPage = vi.fn(async (offset: number, limit: number): Promise<MessagePage> => ({
    total,
    messages: ids(offset, Math.min(total, offset + limit)),
  }));
  const base: MessageLocator = {
    total,
    pageSize: 100,
    maxPages: 20,
    known: (id) => (loaded.includes(Number(id.slice(1))) ? Number(id.slice(1)) : undefined),
    has: (i) => loaded.includes(i),
    fetchPage,
    ...patch,
  };
  return { base, fetchPage };
}

describe('ui.navigate targets', () => {
  it('prefers the named message, else the permission request’s reply', () => {
    const lookup = (id: string) => (id === 'r1' ? 'm7' : undefined);
    expect(targetMessageId({ conversationId: 'c', messageId: 'm1', permissionRequestId: 'r1' }, lookup)).toBe(
      'm1',
    );
    expect(targetMessageId({ conversationId: 'c', messageId: null, permissionRequestId: 'r1' }, lookup)).toBe(
      'm7',
    );
    expect(targetMessageId({ conversationId: 'c', messageId: null, permissionRequestId: 'r2' }, lookup)).toBe(
      null,
    );
    expect(targetMessageId({ conversationId: 'c', messageId: null, permissionRequestId: null }, lookup)).toBe(
      null,
    );
  });
});

describe('locating a message', () => {
  it('answers from the loaded rows without a request', async () => {
    const { base, fetchPage } = locator(500, [480, 481]);
    expect(await locateMessage('m481', base)).toBe(481);
    expect(fetchPage).not.toHaveBeenCalled();
  });

  it('reads pages backwards from the latest, skipping pages already loaded', async () => {
    const loaded = Array.from({ length: 100 }, (_, i) => 400 + i);
    const { base, fetchPage } = locator(500, loaded);
    expect(await locateMessage('m250', base)).toBe(250);
    expect(fetchPage.mock.calls).toEqual([
      [300, 100],
      [200, 100],
    ]);
  });

  it('reads a short first page exactly to the start', async () => {
    const { base, fetchPage } = locator(130);
    expect(await locateMessage('m5', base)).toBe(5);
    expect(fetchPage.mock.calls).toEqual([
      [30, 100],
      [0, 30],
    ]);
  });

  it('gives up after maxPages, and on an empty or foreign conversation', async () => {
    const { base, fetchPage } = locator(1000, [], { maxPages: 2 });
    expect(await locateMessage('m1', base)).toBeNull();
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(await locateMessage('other', locator(250).base)).toBeNull();
    expect(await locateMessage('m0', locator(0).base)).toBeNull();
  });

  it('passes a failed page on to the caller', async () => {
    const { base } = locator(300, [], { fetchPage: () => Promise.reject(new Error('offline')) });
    await expect(locateMessage('m1', base)).rejects.toThrow('offline');
  });
});
