import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { holdQuitUntilStopped } from '../../src-main/desktop/quit-guard.js';

/** An app that runs Electron's quit sequence: before-quit, will-quit, each preventable. */
class FakeApp extends EventEmitter {
  quitAttempts = 0;
  hasQuit = false;

  quit(): void {
    this.quitAttempts += 1;
    for (const name of ['before-quit', 'will-quit']) {
      let prevented = false;
      this.emit(name, { preventDefault: () => (prevented = true) });
      if (prevented) return;
    }
    this.hasQuit = true;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('holdQuitUntilStopped', () => {
  it('holds the quit until stop resolves, then quits', async () => {
    const app = new FakeApp();
    const stopping = deferred();
    const stop = vi.fn(() => stopping.promise);
    holdQuitUntilStopped(app, stop, () => undefined);

    app.quit();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.hasQuit).toBe(false);

    stopping.resolve();
    await vi.waitFor(() => expect(app.hasQuit).toBe(true));
    expect(app.quitAttempts).toBe(2);
  });

  it('stops once however many quits arrive while stopping', async () => {
    const app = new FakeApp();
    const stopping = deferred();
    const stop = vi.fn(() => stopping.promise);
    holdQuitUntilStopped(app, stop, () => undefined);

    app.quit();
    app.quit();
    app.emit('will-quit', { preventDefault: () => undefined });
    stopping.resolve();
    await vi.waitFor(() => expect(app.hasQuit).toBe(true));
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('also guards a will-quit that comes without before-quit', () => {
    const app = new FakeApp();
    const stop = vi.fn(() => new Promise<void>(() => undefined));
    holdQuitUntilStopped(app, stop, () => undefined);
    let prevented = false;
    app.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('reports a failing stop and quits anyway', async () => {
    const app = new FakeApp();
    const onStopError = vi.fn();
    const failure = new Error('database is locked');
    holdQuitUntilStopped(app, () => Promise.reject(failure), onStopError);

    app.quit();
    await vi.waitFor(() => expect(app.hasQuit).toBe(true));
    expect(onStopError).toHaveBeenCalledWith(failure);
  });
});
