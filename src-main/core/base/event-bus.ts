import type { EventFrame } from '../protocol/frames.js';
import type { EventName, EventPayload } from '../protocol/events.js';

export type EventListener = (frame: EventFrame) => void;

/**
 * Fans every core event out to the transports. One global sequence number lets a client notice
 * a gap (it missed events while disconnected) and refetch.
 */
export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const frame: EventFrame = { type: 'event', event, payload, seq: ++this.seq };
    for (const listener of this.listeners) {
      try {
        listener(frame);
      } catch {
        // One broken subscriber (a closed socket, a destroyed window) must not starve the others.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
