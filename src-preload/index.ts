import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_FRAME_CHANNEL, type Cell0Bridge } from '../src-main/core/protocol/bridge.js';
import type { EventFrame, ResponseFrame } from '../src-main/core/protocol/frames.js';

// Runs sandboxed: only 'electron' can be required, so this file stays self-contained (the
// bundler inlines the two channel names) and validates nothing beyond the frame's shape;
// the core validates requests, and the page trusts only what the core sent.

interface Subscription {
  event: string;
  listener: (frame: EventFrame) => void;
}

const subscriptions = new Set<Subscription>();
let lastId = 0;

function parseEventFrame(json: unknown): EventFrame | null {
  if (typeof json !== 'string') return null;
  try {
    const frame = JSON.parse(json) as Partial<EventFrame> | null;
    return frame?.type === 'event' && typeof frame.event === 'string' ? (frame as EventFrame) : null;
  } catch {
    return null;
  }
}

// One IPC listener for the page's lifetime; the IpcRendererEvent never reaches the page.
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, json: unknown) => {
  const frame = parseEventFrame(json);
  if (!frame) return;
  for (const subscription of [...subscriptions]) {
    if (subscription.event !== '*' && subscription.event !== frame.event) continue;
    try {
      subscription.listener(frame);
    } catch (err) {
      // One failing listener must not keep the event from the others.
      console.error(`cell0: a listener for "${frame.event}" threw`, err);
    }
  }
});

const bridge: Cell0Bridge = {
  async call(method, params) {
    const frame = { type: 'req', id: `ipc-${++lastId}`, method, params };
    const reply: unknown = await ipcRenderer.invoke(IPC_FRAME_CHANNEL, JSON.stringify(frame));
    if (typeof reply !== 'string')
      throw new Error('cell0: the core answered with something other than a frame.');
    return JSON.parse(reply) as ResponseFrame;
  },
  on(event, listener) {
    const subscription: Subscription = { event, listener };
    subscriptions.add(subscription);
    return () => {
      subscriptions.delete(subscription);
    };
  },
};

contextBridge.exposeInMainWorld('cell0', bridge);
