import { describe, expect, it } from 'vitest';
import { takeAccessToken, watchAccessToken } from '../../../src-renderer/lib/access-token.js';

function sources(hash: string, stored: string | null = null) {
  const storage = new Map<string, string>(stored === null ? [] : [['cell0.accessToken', stored]]);
  const replaced: (string | null | undefined)[] = [];
  return {
    replaced,
    storage,
    src: {
      location: { hash, pathname: '/', search: '?x=1' },
      storage: {
        getItem: (k: string) => storage.get(k) ?? null,
        setItem: (k: string, v: string) => void storage.set(k, v),
      },
      history: {
        state: null,
        replaceState: (_d: unknown, _u: string, url?: string | null) => void replaced.push(url),
      },
    },
  };
}

describe('takeAccessToken', () => {
  it('takes the token from the fragment, keeps it for reloads and removes it from the address bar', () => {
    const { src, storage, replaced } = sources('#token=abc%2F123');
    expect(takeAccessToken(src)).toBe('abc/123');
    expect(storage.get('cell0.accessToken')).toBe('abc/123');
    expect(replaced).toEqual(['/?x=1']);
  });

  it('reads the stored token after a reload, when the fragment is gone', () => {
    const { src, replaced } = sources('', 'kept');
    expect(takeAccessToken(src)).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it('returns an empty token when there is none, so hello fails visibly instead of hanging', () => {
    expect(takeAccessToken(sources('').src)).toBe('');
  });
});

describe('watchAccessToken', () => {
  it('takes a token that arrives in a changed fragment and hands it on', () => {
    const { src, storage, replaced } = sources('', 'old');
    const target = new EventTarget();
    const tokens: string[] = [];
    const stop = watchAccessToken(src, target, (t) => tokens.push(t));

    src.location.hash = '#token=new%2B1';
    target.dispatchEvent(new Event('hashchange'));
    expect(tokens).toEqual(['new+1']);
    expect(storage.get('cell0.accessToken')).toBe('new+1');
    expect(replaced).toEqual(['/?x=1']);

    // A fragment without a token (the quick prompt's, a link's) is none of its business.
    src.location.hash = '#quick';
    target.dispatchEvent(new Event('hashchange'));
    expect(tokens).toEqual(['new+1']);

    stop();
    src.location.hash = '#token=later';
    target.dispatchEvent(new Event('hashchange'));
    expect(tokens).toEqual(['new+1']);
  });
});
