import { describe, expect, it } from 'vitest';
import { ServiceBoard } from '../../../src-main/core/base/service-board.js';
import type { ServiceStatus } from '../../../src-main/core/protocol/core-methods.js';

describe('the service board', () => {
  it('holds a request until the services it needs are ready, then lets it through at once', async () => {
    const seen: ServiceStatus[][] = [];
    const board = new ServiceBoard((list) => seen.push(list));
    board.expect('kernel', 'sandbox');
    board.expect('memory', 'memory');
    expect(board.isReady(['kernel'])).toBe(false);
    let answered = false;
    const waiting = board.whenReady(['kernel', 'memory']).then(() => (answered = true));
    board.started('kernel');
    await Promise.resolve();
    expect(answered).toBe(false);
    board.started('memory');
    await waiting;
    expect(answered).toBe(true);
    expect(board.isReady(['kernel', 'memory'])).toBe(true);
    expect(seen.at(-1)!.map((s) => [s.name, s.state])).toEqual([
      ['kernel', 'ready'],
      ['memory', 'ready'],
    ]);
  });

  it('a service that failed answers its requests with the reason and a stable code', async () => {
    const board = new ServiceBoard();
    board.expect('kernel', 'sandbox');
    const waiting = board.whenReady(['kernel']);
    board.failed('kernel', new Error('boom'));
    await expect(waiting).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringContaining('sandbox could not start'),
    });
    expect(board.list()[0]).toMatchObject({ state: 'failed', error: { code: 'SERVICE_UNAVAILABLE' } });
    // A request that comes later gets the same answer.
    await expect(board.whenReady(['kernel'])).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
