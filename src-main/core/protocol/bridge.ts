import type { EventFrame, ResponseFrame } from './frames.js';

/**
 * What a transport gives the renderer: the desktop preload (window.cell0, over IPC) and the
 * WebSocket client (serve mode) both implement it, so the app code above is the same.
 * `call` resolves to the response frame (ok or error); it rejects only when the transport fails.
 */
export interface Cell0Bridge {
  call(method: string, params?: unknown): Promise<ResponseFrame>;
  /** Subscribe to one event by name, or to every event with "*"; returns the unsubscribe. */
  on(event: string, listener: (frame: EventFrame) => void): () => void;
}

/** IPC channel names shared by preload and main. */
export const IPC_FRAME_CHANNEL = 'cell0:frame';
export const IPC_EVENT_CHANNEL = 'cell0:event';
