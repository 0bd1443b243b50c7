import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_FRAME_CHANNEL } from '../core/protocol/bridge.js';
import type { EventFrame, ResponseFrame } from '../core/protocol/frames.js';
import type { ConnectionContext, Router } from '../core/protocol/router.js';
import { isAppPage } from './app-page.js';
import { isTrustedSender, type SenderFrame } from './trusted-sender.js';

export interface IpcTransportOptions {
  router: Router;
  bus: { subscribe(listener: (frame: EventFrame) => void): () => void };
  appPageUrl: string;
}

// The sender's frame is checked on every call instead of a token.
const IPC_CONTEXT: ConnectionContext = { authenticated: true, peer: 'ipc' };

function senderFrameOf(event: IpcMainInvokeEvent): SenderFrame | null {
  try {
    const frame = event.senderFrame;
    return frame ? { url: frame.url, isMainFrame: frame.parent === null } : null;
  } catch {
    // A frame that navigated away or was destroyed mid-call can throw on access: it is not trusted.
    return null;
  }
}

async function answer(
  event: IpcMainInvokeEvent,
  raw: unknown,
  options: IpcTransportOptions,
): Promise<ResponseFrame> {
  if (!isTrustedSender(senderFrameOf(event), options.appPageUrl)) {
    return {
      type: 'res',
      id: null,
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: "Only the app's own page may call the core over IPC." },
    };
  }
  // The router answers BAD_FRAME to anything that is not JSON text.
  return options.router.handle(raw, IPC_CONTEXT);
}

/**
 * The desktop transport of the protocol: request frames arrive on IPC_FRAME_CHANNEL as JSON
 * text and are answered as JSON text; core events go to every window showing the app's page
 * on IPC_EVENT_CHANNEL. Frames cross as JSON, as over the WebSocket, so a client sees the same
 * values on either transport. Returns the disposer that takes both down.
 */
export function registerIpcTransport(options: IpcTransportOptions): () => void {
  ipcMain.handle(IPC_FRAME_CHANNEL, async (event, raw: unknown) =>
    JSON.stringify(await answer(event, raw, options)),
  );

  const unsubscribe = options.bus.subscribe((frame) => {
    const json = JSON.stringify(frame);
    for (const window of BrowserWindow.getAllWindows()) {
      if (window.isDestroyed() || window.webContents.isDestroyed()) continue;
      if (!isAppPage(window.webContents.getURL(), options.appPageUrl)) continue;
      window.webContents.send(IPC_EVENT_CHANNEL, json);
    }
  });

  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    ipcMain.removeHandler(IPC_FRAME_CHANNEL);
    unsubscribe();
  };
}
