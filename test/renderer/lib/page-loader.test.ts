import { describe, expect, it } from 'vitest';
import { PageLoader, type Page } from '../../../src-renderer/lib/page-loader.js';
import { message } from '../message-fixture.js';

function setup(total: number, has: (i: number) => boolean = () => false) {
  const calls: [number, number][] = [];
  const resolvers: (() => void)[] = [];
  const pages: Page[] = [];
  const loader = new PageLoader({
    pageSize: 100,
    has,
    fetchPage: (offset, limit) => {
      calls.push([offset, limit]);
      return new Promise<Page>((resolve) => {
        resolvers.push(() => {
          const messages = [];
          for (let i = offset; i < Math.min(total, offset + limit); i++) messages.push(message(i));
          resolve({ total, messages });
        });
      });
    },
    onPage: (p) => pages.push(p),
  });
  return { loader, calls, pages, resolveAll: () => resolvers.splice(0).forEach((r) => r()) };
}

describe('page loader', () => {
  it('asks for the aligned pages that cover a range, clamped to the conversation', () => {
    const { loader } = setup(10_000);
    expect(loader.missingPages(9_950, 10_050, 10_000)).toEqual([99]);
    expect(loader.missingPages(-40, 130, 10_000)).toEqual([0, 1]);
    expect(loader.missingPages(0, 10, 0)).toEqual([]);
  });

  it('opening at the bottom of a 10,000-message conversation fetches only the last pages', async () => {
    const { loader, calls, resolveAll } = setup(10_001);
    const done = loader.ensure(10_001 - 100, 10_000, 10_001);
    resolveAll();
    await done;
    expect(calls).toEqual([
      [9_900, 100],
      [10_000, 100],
    ]);
  });

  it('does not fetch a page twice while it is in flight or once it is loaded', async () => {
    const { loader, calls, resolveAll, pages } = setup(1_000);
    const first = loader.ensure(200, 250, 1_000);
    const second = loader.ensure(210, 260, 1_000);
    expect(calls).toEqual([[200, 100]]);
    resolveAll();
    await Promise.all([first, second]);
    await loader.ensure(200, 299, 1_000);
    expect(calls).toHaveLength(1);
    expect(pages).toHaveLength(1);
  });

  it('skips pages whose messages all arrived another way', () => {
    const { loader } = setup(150, (i) => i >= 100);
    expect(loader.missingPages(0, 149, 150)).toEqual([0]);
  });

  it('fetches again after invalidate and drops answers that were in flight before it', async () => {
    const { loader, calls, resolveAll, pages } = setup(300);
    const stale = loader.ensure(0, 10, 300);
    loader.invalidate();
    const fresh = loader.ensure(0, 10, 300);
    expect(calls).toHaveLength(2);
    resolveAll();
    await Promise.all([stale, fresh]);
    expect(pages).toHaveLength(1);
  });

  it('retries a page whose fetch failed', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const loader = new PageLoader({
      pageSize: 50,
      fetchPage: async (offset) => {
        if (fail) throw new Error('down');
        return { total: 50, messages: [message(offset)] };
      },
      onPage: () => {},
      onError: (e) => errors.push(e),
    });
    await loader.ensure(0, 10, 50);
    expect(errors).toHaveLength(1);
    fail = false;
    expect(loader.missingPages(0, 10, 50)).toEqual([0]);
    await loader.ensure(0, 10, 50);
    expect(loader.missingPages(0, 10, 50)).toEqual([]);
  });
});
