import { afterEach, describe, expect, it, vi } from 'vitest';
import { lazyPart } from '../../../src-renderer/lib/lazy-part.js';

describe('lazyPart', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fetches once however often it is asked, and wakes every subscriber when it arrives', async () => {
    const fetch = vi.fn(() => Promise.resolve({ name: 'renderer' }));
    const part = lazyPart('the renderer', fetch);
    const woken: string[] = [];
    const stopA = part.subscribe(() => woken.push('a'));
    part.subscribe(() => woken.push('b'));
    stopA();
    expect(part.get()).toBeNull();
    await Promise.all([part.load(), part.load()]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(part.get()).toEqual({ name: 'renderer' });
    expect(woken).toEqual(['b']);
  });

  it('a failed load is logged with what it was, and the part stays absent', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const part = lazyPart('syntax highlighting', () => Promise.reject(new Error('chunk gone')));
    const wake = vi.fn();
    part.subscribe(wake);
    await part.load();
    expect(part.get()).toBeNull();
    expect(wake).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith('cell0: syntax highlighting could not load', expect.any(Error));
  });
});
