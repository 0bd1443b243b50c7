import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { TransportError, type ConnectionState } from '../../../src-renderer/lib/connection-state.js';
import {
  createWsBridge,
  type BridgeTimers,
  type SocketConstructor,
  type WsBridge,
} from '../../../src-renderer/lib/ws-bridge.js';

interface Req {
  type: 'req';
  id: string;
  method: string;
  params?: unknown;
}

/** A stand-in for the core's WebSocket endpoint: hello with token "good", echo, hold, and pushes. */
class FakeCore {
  readonly received: Req[] = [];
  connections = 0;
  readonly held: { ws: WebSocket; id: string }[] = [];
  server: WebSocketServer;

  private constructor(server: WebSocketServer) {
    this.server = server;
    this.attach();
  }

  static async start(port = 0): Promise<FakeCore> {
    const server = new WebSocketServer({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeCore(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  private attach(): void {
    this.server.on('connection', (ws) => {
      this.connections += 1;
      let authed = false;
      ws.on('message', (data) => {
        const req = JSON.parse(String(data)) as Req;
        this.received.push(req);
        const answer = (body: object) => ws.send(JSON.stringify({ type: 'res', id: req.id, ...body }));
        if (req.method === 'session.hello') {
          authed = (req.params as { token: string }).token === 'good';
          if (authed) answer({ ok: true, result: { version: 'test' } });
          else answer({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Bad token.' } });
          return;
        }
        if (!authed) {
          answer({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Hello first.' } });
          return;
        }
        if (req.method === 'hold') this.held.push({ ws, id: req.id });
        else if (req.method === 'fail')
          answer({ ok: false, error: { code: 'NOT_FOUND', message: 'No such thing.' } });
        else answer({ ok: true, result: req.params });
      });
    });
  }

  /** Answers held requests in reverse order, to prove matching is by id, not by order. */
  releaseHeldReversed(): void {
    for (const { ws, id } of [...this.held].reverse()) {
      ws.send(JSON.stringify({ type: 'res', id, ok: true, result: { id } }));
    }
    this.held.length = 0;
  }

  broadcast(event: string, payload: unknown): void {
    for (const ws of this.server.clients) ws.send(JSON.stringify({ type: 'event', event, payload, seq: 1 }));
  }

  dropClients(): void {
    for (const ws of this.server.clients) ws.terminate();
  }

  close(): Promise<void> {
    this.dropClients();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const waitFor = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 3000 });

/** A reconnect clock the test turns by hand: what was asked for, and firing it when the test says. */
class ManualTimers implements BridgeTimers {
  private next = 0;
  readonly pending = new Map<number, () => void>();
  readonly delays: number[] = [];
  set = (run: () => void, ms: number): number => {
    const id = ++this.next;
    this.pending.set(id, run);
    this.delays.push(ms);
    return id;
  };
  clear = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };
  fire(): void {
    const [entry] = [...this.pending];
    if (!entry) throw new Error('no reconnect is scheduled');
    this.pending.delete(entry[0]);
    entry[1]();
  }
}

/**
 * The `ws` client, counting how many of one bridge's sockets closed (an earlier test's close late);
 * the count goes up before the bridge hears of the close.
 */
function countingWebSocket(): { WebSocket: SocketConstructor; closed: () => number } {
  let closed = 0;
  return {
    WebSocket: class CountingWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        this.addEventListener('close', () => {
          closed += 1;
        });
      }
    },
    closed: () => closed,
  };
}

let core: FakeCore | null = null;
let bridge: WsBridge | null = null;

afterEach(async () => {
  bridge?.close();
  bridge = null;
  await core?.close();
  core = null;
});

function connect(
  token = 'good',
  timers?: BridgeTimers,
): { bridge: WsBridge; states: ConnectionState[]; socketsClosed: () => number } {
  if (!core) throw new Error('start the core first');
  const states: ConnectionState[] = [];
  const sockets = countingWebSocket();
  bridge = createWsBridge({
    url: core.url,
    token,
    WebSocket: sockets.WebSocket,
    initialDelayMs: 20,
    maxDelayMs: 100,
    ...(timers ? { timers } : {}),
  });
  bridge.onState((s) => states.push(s));
  return { bridge, states, socketsClosed: sockets.closed };
}

describe('ws bridge', () => {
  it('sends session.hello first and holds earlier calls until it is answered', async () => {
    core = await FakeCore.start();
    const { bridge } = connect();
    const res = await bridge.call('echo', { n: 1 });
    expect(res).toMatchObject({ ok: true, result: { n: 1 } });
    expect(core.received.map((r) => r.method)).toEqual(['session.hello', 'echo']);
    expect(core.received[0]?.params).toEqual({ token: 'good' });
    expect(bridge.state).toBe('connected');
  });

  it('matches responses to calls by id when they come back out of order', async () => {
    core = await FakeCore.start();
    const { bridge } = connect();
    const a = bridge.call('hold', {});
    const b = bridge.call('hold', {});
    await waitFor(() => core!.held.length === 2);
    const [idA, idB] = core.held.map((h) => h.id);
    core.releaseHeldReversed();
    expect(await a).toMatchObject({ ok: true, result: { id: idA } });
    expect(await b).toMatchObject({ ok: true, result: { id: idB } });
  });

  it('resolves with ok:false frames instead of rejecting', async () => {
    core = await FakeCore.start();
    const { bridge } = connect();
    const res = await bridge.call('fail', {});
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('delivers events to listeners of that name and of "*", and stops after unsubscribe', async () => {
    core = await FakeCore.start();
    const { bridge } = connect();
    const named: unknown[] = [];
    const all: string[] = [];
    const off = bridge.on('message.delta', (f) => named.push(f.payload));
    bridge.on('*', (f) => all.push(f.event));
    await bridge.call('echo', {});
    core.broadcast('message.delta', { text: 'hi' });
    core.broadcast('settings.updated', { provider: null });
    await waitFor(() => all.length === 2);
    expect(named).toEqual([{ text: 'hi' }]);
    expect(all).toEqual(['message.delta', 'settings.updated']);
    off();
    core.broadcast('message.delta', { text: 'again' });
    await waitFor(() => all.length === 3);
    expect(named).toHaveLength(1);
  });

  it('reports unauthorized for a refused token, fails queued calls and does not retry', async () => {
    core = await FakeCore.start();
    const timers = new ManualTimers();
    const { bridge, states, socketsClosed } = connect('wrong', timers);
    await expect(bridge.call('echo', {})).rejects.toBeInstanceOf(TransportError);
    expect(bridge.state).toBe('unauthorized');
    // Once the refused socket has closed, no reconnect is scheduled.
    await waitFor(() => socketsClosed() === 1);
    expect(timers.delays).toEqual([]);
    expect(core.connections).toBe(1);
    expect(states).toContain('unauthorized');
    await expect(bridge.call('echo', {})).rejects.toBeInstanceOf(TransportError);
  });

  it('rejects in-flight calls when the socket drops, then reconnects and says hello again', async () => {
    core = await FakeCore.start();
    const { bridge, states } = connect();
    await bridge.call('echo', {});
    const held = bridge.call('hold', {});
    await waitFor(() => core!.held.length === 1);
    core.dropClients();
    await expect(held).rejects.toBeInstanceOf(TransportError);
    await waitFor(() => bridge.state === 'connected');
    expect(states).toEqual(['connected', 'disconnected', 'connecting', 'connected']);
    expect(core.received.filter((r) => r.method === 'session.hello')).toHaveLength(2);
    expect(await bridge.call('echo', { after: true })).toMatchObject({ ok: true, result: { after: true } });
  });

  it('keeps retrying with backoff while the server is down and reconnects when it restarts', async () => {
    core = await FakeCore.start();
    const port = core.port;
    const timers = new ManualTimers();
    const { bridge, socketsClosed } = connect('good', timers);
    await bridge.call('echo', {});
    await core.close();
    await waitFor(() => bridge.state === 'disconnected');
    await expect(bridge.call('echo', {})).rejects.toBeInstanceOf(TransportError);
    // Each failed attempt waits twice as long as the one before, up to the ceiling.
    for (let failed = 1; failed <= 3; failed++) {
      await waitFor(() => timers.pending.size === 1 && socketsClosed() === failed);
      timers.fire();
      await waitFor(() => socketsClosed() === failed + 1);
    }
    expect(timers.delays).toEqual([20, 40, 80, 100]);
    core = await FakeCore.start(port);
    timers.fire();
    await waitFor(() => bridge.state === 'connected');
    expect(await bridge.call('echo', { back: 1 })).toMatchObject({ ok: true, result: { back: 1 } });
  });

  it('connects with a new token after a refusal, without a reload', async () => {
    core = await FakeCore.start();
    const { bridge, states } = connect('wrong');
    await expect(bridge.call('echo', {})).rejects.toBeInstanceOf(TransportError);
    expect(bridge.state).toBe('unauthorized');
    const connected = new Promise<void>((resolve) =>
      bridge.onState((s) => {
        if (s === 'connected') resolve();
      }),
    );
    bridge.setToken('good');
    await connected;
    expect(states.slice(-2)).toEqual(['connecting', 'connected']);
    expect(core.received.filter((r) => r.method === 'session.hello').map((r) => r.params)).toEqual([
      { token: 'wrong' },
      { token: 'good' },
    ]);
    expect(await bridge.call('echo', { n: 2 })).toMatchObject({ ok: true, result: { n: 2 } });
    // The same token again changes nothing: no new connection.
    bridge.setToken('good');
    expect(bridge.state).toBe('connected');
    expect(core.connections).toBe(2);
  });

  it('takes no new token once closed', async () => {
    core = await FakeCore.start();
    const { bridge } = connect('wrong');
    await expect(bridge.call('echo', {})).rejects.toBeInstanceOf(TransportError);
    bridge.close();
    bridge.setToken('good');
    expect(bridge.state).toBe('disconnected');
    expect(core.connections).toBe(1);
  });
});
