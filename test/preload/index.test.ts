import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Cell0Bridge } from '../../src-main/core/protocol/bridge.js';
import { IPC_EVENT_CHANNEL, IPC_FRAME_CHANNEL } from '../../src-main/core/protocol/bridge.js';
import type { EventFrame, ResponseFrame } from '../../src-main/core/protocol/frames.js';
import type { ConnectionContext, Router } from '../../src-main/core/protocol/router.js';
import { registerIpcTransport } from '../../src-main/desktop/ipc.js';
import { contextBridge, ipcMain, preloadHost, resetElectronMock } from '../mocks/electron.js';

vi.mock('electron', () => import('../mocks/electron.js'));

const preloadPath = fileURLToPath(new URL('../../src-preload/index.ts', import.meta.url));
let loads = 0;

/** Runs the preload as Electron would for a new page, and returns what it exposed. */
async function loadPreload(): Promise<Cell0Bridge> {
  resetElectronMock();
  // A query makes a fresh module, so the preload runs again against the reset mock.
  await import(/* @vite-ignore */ `${preloadPath}?load=${++loads}`);
  return contextBridge.exposed.get('cell0') as Cell0Bridge;
}

function eventFrame(event: string, payload: unknown, seq: number): EventFrame {
  return { type: 'event', event, payload, seq };
}

/** What the main process sends the page. */
function sendFromMain(...args: unknown[]): void {
  preloadHost.send(IPC_EVENT_CHANNEL, ...args);
}

let bridge: Cell0Bridge;

beforeEach(async () => {
  bridge = await loadPreload();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('preload: what the page gets', () => {
  it('exposes window.cell0 with call and on, and nothing else', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['cell0']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on']);
    expect(typeof bridge.call).toBe('function');
    expect(typeof bridge.on).toBe('function');
  });
});

describe('preload: call', () => {
  it('sends a request frame as JSON text and resolves to the parsed response', async () => {
    const received: unknown[] = [];
    ipcMain.handle(IPC_FRAME_CHANNEL, (_event, raw) => {
      received.push(raw);
      const frame = JSON.parse(raw as string) as { id: string };
      return JSON.stringify({ type: 'res', id: frame.id, ok: true, result: { answered: frame.id } });
    });

    const reply = await bridge.call('conversations.rename', { id: 'c1', title: 'New' });

    expect(received).toHaveLength(1);
    expect(typeof received[0]).toBe('string');
    const sent = JSON.parse(received[0] as string) as { id: string };
    expect(sent).toEqual({
      type: 'req',
      id: expect.any(String) as string,
      method: 'conversations.rename',
      params: { id: 'c1', title: 'New' },
    });
    expect(sent.id.length).toBeGreaterThan(0);
    expect(reply).toEqual({ type: 'res', id: sent.id, ok: true, result: { answered: sent.id } });
  });

  it('gives every request its own id and leaves params out when there are none', async () => {
    const frames: { id: string; params?: unknown }[] = [];
    ipcMain.handle(IPC_FRAME_CHANNEL, (_event, raw) => {
      const frame = JSON.parse(raw as string) as { id: string };
      frames.push(frame);
      return JSON.stringify({ type: 'res', id: frame.id, ok: true, result: null });
    });

    await Promise.all([bridge.call('app.info'), bridge.call('app.info'), bridge.call('conversations.list')]);

    expect(new Set(frames.map((frame) => frame.id)).size).toBe(3);
    expect(frames.every((frame) => !('params' in frame))).toBe(true);
  });

  it('resolves to error frames as they are: only a failed transport rejects', async () => {
    const error: ResponseFrame = {
      type: 'res',
      id: null,
      ok: false,
      error: { code: 'BAD_FRAME', message: 'no' },
    };
    ipcMain.handle(IPC_FRAME_CHANNEL, () => JSON.stringify(error));
    await expect(bridge.call('app.info')).resolves.toEqual(error);

    ipcMain.removeHandler(IPC_FRAME_CHANNEL);
    await expect(bridge.call('app.info')).rejects.toThrow(/No handler registered/);

    ipcMain.handle(IPC_FRAME_CHANNEL, () => ({ not: 'json text' }));
    await expect(bridge.call('app.info')).rejects.toThrow(/something other than a frame/);
  });
});

describe('preload: on', () => {
  it('delivers the events of one name to its listeners, and every event to "*"', () => {
    const deltas: EventFrame[] = [];
    const all: EventFrame[] = [];
    bridge.on('message.delta', (frame) => deltas.push(frame));
    bridge.on('*', (frame) => all.push(frame));

    const delta = eventFrame('message.delta', { conversationId: 'c', messageId: 'm', text: 'Hi' }, 1);
    const deleted = eventFrame('conversation.deleted', { id: 'c' }, 2);
    sendFromMain(JSON.stringify(delta));
    sendFromMain(JSON.stringify(deleted));

    expect(deltas).toEqual([delta]);
    expect(all).toEqual([delta, deleted]);
  });

  it('hands the page the frame alone, never the IPC event', () => {
    const listener = vi.fn();
    bridge.on('*', listener);
    sendFromMain(JSON.stringify(eventFrame('conversation.deleted', { id: 'c' }, 1)));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([eventFrame('conversation.deleted', { id: 'c' }, 1)]);
  });

  it('stops delivering after unsubscribe, leaving other listeners subscribed', () => {
    const first = vi.fn();
    const second = vi.fn();
    const unsubscribe = bridge.on('conversation.deleted', first);
    bridge.on('conversation.deleted', second);

    unsubscribe();
    unsubscribe();
    sendFromMain(JSON.stringify(eventFrame('conversation.deleted', { id: 'c' }, 1)));

    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('ignores what is not an event frame', () => {
    const listener = vi.fn();
    bridge.on('*', listener);
    for (const payload of [
      { type: 'event', event: 'x', payload: null, seq: 1 },
      'not json',
      JSON.stringify({ type: 'res', id: '1', ok: true, result: null }),
      JSON.stringify(null),
      JSON.stringify({ type: 'event', event: 42 }),
    ]) {
      sendFromMain(payload);
    }
    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps delivering to the other listeners when one throws', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    bridge.on('*', () => {
      throw new Error('listener bug');
    });
    bridge.on('*', after);

    sendFromMain(JSON.stringify(eventFrame('conversation.deleted', { id: 'c' }, 1)));

    expect(after).toHaveBeenCalledTimes(1);
    expect(consoleError).toHaveBeenCalledTimes(1);
  });
});

describe('preload and the main-side IPC transport together', () => {
  const appPageUrl = pathToFileURL(join(fileURLToPath(new URL('.', import.meta.url)), 'index.html')).href;
  const contexts: ConnectionContext[] = [];
  const router: Router = {
    handle: (raw, ctx) => {
      contexts.push(ctx);
      const { id, method } = JSON.parse(raw as string) as { id: string; method: string };
      return Promise.resolve({ type: 'res', id, ok: true, result: { method } });
    },
  };
  const bus = { subscribe: () => () => undefined };

  it("carries a call from the app's page to the router and the answer back", async () => {
    contexts.length = 0;
    preloadHost.mainFrame.url = appPageUrl;
    const dispose = registerIpcTransport({ router, bus, appPageUrl });
    try {
      const reply = await bridge.call('app.info');
      expect(reply).toEqual({
        type: 'res',
        id: expect.any(String) as string,
        ok: true,
        result: { method: 'app.info' },
      });
      expect(contexts).toEqual([{ authenticated: true, peer: 'ipc' }]);
    } finally {
      dispose();
    }
  });

  it('refuses the same call from a page that is not the app', async () => {
    contexts.length = 0;
    preloadHost.mainFrame.url = 'https://evil.example/';
    const dispose = registerIpcTransport({ router, bus, appPageUrl });
    try {
      const reply = await bridge.call('app.info');
      expect(reply).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      expect(contexts).toEqual([]);
    } finally {
      dispose();
    }
  });
});
