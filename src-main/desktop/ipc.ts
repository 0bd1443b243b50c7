import { BrowserWindow, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_FRAME_CHANNEL } from '../core/protocol/bridge.js';
import type { EventFrame, ResponseFrame } from '../core/protocol/frames.js';
import type { ConnectionContext, Router } from '../core/protocol/router.js';
import { isAppPage } from './app-page.js';
import { isTrustedSender, type SenderFrame } from './trusted-sender.js';

export interface IpcTransportOptions {
  router: Router;
  bus: { subscribe(listener: (frame: EventFrame) => void): () => void };
  appPageUrl: string;
  /**
   * The app's own windows (the window registry). When given, events go to these alone and calls
   * are taken only from their web contents; without it (the preload's tests) every window
   * showing the app's page counts.
   */
  windows?: {
    allWindows(): BrowserWindow[];
    owns(contents: WebContents): boolean;
  };
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
  const fromOurWindow = !options.windows || options.windows.owns(event.sender);
  if (!fromOurWindow || !isTrustedSender(senderFrameOf(event), options.appPageUrl)) {
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
 * text and are answered as JSON text; core events go on IPC_EVENT_CHANNEL to every window (of
 * the registry, when given) showing the app's page. Frames cross as JSON, as over the WebSocket,
 * so a client sees the same values on either transport. Returns the disposer that takes both down.
 */
export function registerIpcTransport(options: IpcTransportOptions): () => void {
  ipcMain.handle(IPC_FRAME_CHANNEL, async (event, raw: unknown) =>
    JSON.stringify(await answer(event, raw, options)),
  );

  const unsubscribe = options.bus.subscribe((frame) => {
    const json = JSON.stringify(frame);
    const windows = options.windows ? options.windows.allWindows() : BrowserWindow.getAllWindows();
    for (const window of windows) {
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
