import type { Cell0Bridge } from '../../src-main/core/protocol/index.js';
import { takeAccessToken, watchAccessToken } from './access-token.js';
import type { ConnectionState } from './connection-state.js';
import { createWsBridge } from './ws-bridge.js';

export interface Transport {
  bridge: Cell0Bridge;
  getState(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
}

/** The desktop preload's IPC bridge when present, otherwise the serve mode WebSocket. */
export function createTransport(): Transport {
  const ipc = window.cell0;
  if (ipc) {
    // IPC lives as long as the window does, so it is always connected.
    return { bridge: ipc, getState: () => 'connected', onState: () => () => {} };
  }
  const sources = { location: window.location, storage: window.sessionStorage, history: window.history };
  const token = takeAccessToken(sources);
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = createWsBridge({
    url: `${scheme}//${window.location.host}/ws`,
    token,
    WebSocket: window.WebSocket,
  });
  // Lives as long as the page: the transport is made once, at boot.
  watchAccessToken(sources, window, (next) => ws.setToken(next));
  return { bridge: ws, getState: () => ws.state, onState: (l) => ws.onState(l) };
}
