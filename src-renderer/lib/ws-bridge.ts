import type { Cell0Bridge, EventFrame, ResponseFrame } from '../../src-main/core/protocol/index.js';
import { TransportError, type ConnectionState } from './connection-state.js';

// Method-style so the browser's and the `ws` package's handler types (with their own event classes) both fit.
type Handler<E> = { bivariant(ev: E): void }['bivariant'];

/** The slice of the WebSocket API the bridge uses, so tests can pass the `ws` package's class. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<unknown> | null;
  onerror: Handler<unknown> | null;
}

export type SocketConstructor = new (url: string) => SocketLike;

/** How the bridge waits before reconnecting: the real timers, or a test's hand-driven clock. */
export interface BridgeTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: BridgeTimers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface WsBridgeOptions {
  url: string;
  token: string;
  WebSocket: SocketConstructor;
  /** First reconnect delay; doubles per failed attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  timers?: BridgeTimers;
}

export interface WsBridge extends Cell0Bridge {
  readonly state: ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
  /**
   * Connects again at once with another token (a restarted server's): after a refusal, while
   * waiting to retry, or instead of the current connection. The same token changes nothing.
   */
  setToken(token: string): void;
  /** Closes for good: no reconnect, every waiting call rejects. */
  close(): void;
}

interface Waiter {
  id: string;
  frame: string;
  resolve: (frame: ResponseFrame) => void;
  reject: (err: Error) => void;
}

const OPEN = 1;

export function createWsBridge(options: WsBridgeOptions): WsBridge {
  const initialDelay = options.initialDelayMs ?? 300;
  const maxDelay = options.maxDelayMs ?? 5000;
  const timers = options.timers ?? realTimers;

  let state: ConnectionState = 'connecting';
  let token = options.token;
  let socket: SocketLike | null = null;
  /** close() was called: nothing revives the bridge. */
  let closedForGood = false;
  /** The token was refused: only a new token revives it. */
  let refused = false;
  let attempt = 0;
  let retryTimer: unknown = null;
  let nextId = 0;
  let helloId: string | null = null;

  /** Calls made before the hello succeeded on the current socket; sent once it does. */
  let queued: Waiter[] = [];
  /** Calls written to the current socket and awaiting their response. */
  const inFlight = new Map<string, Waiter>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const eventListeners = new Map<string, Set<(frame: EventFrame) => void>>();

  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const l of [...stateListeners]) l(next);
  }

  function failWaiting(message: string): void {
    const waiting = [...queued, ...inFlight.values()];
    queued = [];
    inFlight.clear();
    for (const w of waiting) w.reject(new TransportError(message));
  }

  function flushQueue(): void {
    const toSend = queued;
    queued = [];
    for (const w of toSend) write(w);
  }

  function write(w: Waiter): void {
    const { id } = w;
    if (!socket || socket.readyState !== OPEN) {
      w.reject(new TransportError('The connection to Cell 0 was lost before the request was sent.'));
      return;
    }
    inFlight.set(id, w);
    try {
      socket.send(w.frame);
    } catch {
      inFlight.delete(id);
      w.reject(new TransportError('The connection to Cell 0 failed while sending.'));
    }
  }

  function dispatchEvent(frame: EventFrame): void {
    for (const key of [frame.event, '*']) {
      const set = eventListeners.get(key);
      if (!set) continue;
      for (const l of [...set]) {
        try {
          l(frame);
        } catch (err) {
          // One broken listener must not starve the others of the event.
          console.error('cell0: event listener failed', err);
        }
      }
    }
  }

  function onHelloAnswer(frame: ResponseFrame): void {
    helloId = null;
    if (frame.ok) {
      attempt = 0;
      setState('connected');
      flushQueue();
      return;
    }
    if (frame.error.code === 'UNAUTHENTICATED' || frame.error.code === 'BAD_PARAMS') {
      // A wrong token stays wrong: reconnecting would only hammer the server.
      refused = true;
      setState('unauthorized');
      failWaiting('The access token was refused.');
      socket?.close();
      return;
    }
    socket?.close();
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: ResponseFrame | EventFrame;
    try {
      frame = JSON.parse(data) as ResponseFrame | EventFrame;
    } catch {
      return;
    }
    if (frame.type === 'event') {
      dispatchEvent(frame);
      return;
    }
    if (frame.type !== 'res' || frame.id === null) return;
    if (frame.id === helloId) {
      onHelloAnswer(frame);
      return;
    }
    const waiter = inFlight.get(frame.id);
    if (!waiter) return;
    inFlight.delete(frame.id);
    waiter.resolve(frame);
  }

  function scheduleReconnect(): void {
    if (closedForGood || refused || retryTimer !== null) return;
    const delay = Math.min(maxDelay, initialDelay * 2 ** attempt);
    attempt += 1;
    retryTimer = timers.set(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  function connect(): void {
    if (closedForGood || refused) return;
    setState('connecting');
    let ws: SocketLike;
    try {
      ws = new options.WebSocket(options.url);
    } catch {
      setState('disconnected');
      failWaiting('Could not open a connection to Cell 0.');
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      helloId = `hello-${++nextId}`;
      ws.send(
        JSON.stringify({
          type: 'req',
          id: helloId,
          method: 'session.hello',
          params: { token },
        }),
      );
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev.data);
    };
    // Browsers fire close after error, so close alone drives the reconnect.
    ws.onerror = () => {};
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      helloId = null;
      if (closedForGood || refused) return;
      setState('disconnected');
      failWaiting('The connection to Cell 0 was lost. It reconnects on its own; try again in a moment.');
      scheduleReconnect();
    };
  }

  connect();

  return {
    get state() {
      return state;
    },
    call(method, params) {
      return new Promise<ResponseFrame>((resolve, reject) => {
        if (closedForGood || refused) {
          reject(new TransportError(refused ? 'The access token was refused.' : 'Closed.'));
          return;
        }
        if (state === 'disconnected') {
          reject(new TransportError('Not connected to Cell 0 right now. It reconnects on its own.'));
          return;
        }
        const id = `r${++nextId}`;
        const w: Waiter = { id, frame: JSON.stringify({ type: 'req', id, method, params }), resolve, reject };
        if (state === 'connected') write(w);
        else queued.push(w);
      });
    },
    on(event, listener) {
      let set = eventListeners.get(event);
      if (!set) {
        set = new Set();
        eventListeners.set(event, set);
      }
      set.add(listener);
      return () => {
        eventListeners.get(event)?.delete(listener);
      };
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    setToken(next) {
      if (closedForGood || (next === token && !refused)) return;
      token = next;
      refused = false;
      attempt = 0;
      if (retryTimer !== null) timers.clear(retryTimer);
      retryTimer = null;
      const old = socket;
      // Forgotten first, so its close is not taken for a dropped connection.
      socket = null;
      helloId = null;
      old?.close();
      failWaiting('Reconnecting with the new access token; try again in a moment.');
      connect();
    },
    close() {
      closedForGood = true;
      if (retryTimer !== null) timers.clear(retryTimer);
      retryTimer = null;
      failWaiting('Closed.');
      const ws = socket;
      socket = null;
      ws?.close();
      setState('disconnected');
    },
  };
}
