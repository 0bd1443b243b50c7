import type { EventFrame } from '../protocol/frames.js';
import type { EventName, EventPayload } from '../protocol/events.js';
import { createLogger, type Logger } from './logger.js';

export type EventListener = (frame: EventFrame) => void;

export interface EventBusOptions {
  /** Where a listener's error goes; stderr when not given, never nowhere. */
  logger?: Logger;
}

/**
 * Fans every core event out to the transports. One global sequence number lets a client notice
 * a gap (it missed events while disconnected) and refetch.
 */
export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();
  private readonly logger: Logger;
  // A listener that fails on every event (a closed socket) would otherwise log once per event.
  private readonly lastFailure = new WeakMap<EventListener, string>();

  constructor(options: EventBusOptions = {}) {
    this.logger = options.logger ?? createLogger();
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const frame: EventFrame = { type: 'event', event, payload, seq: ++this.seq };
    for (const listener of this.listeners) {
      try {
        listener(frame);
      } catch (err) {
        // One broken subscriber (a closed socket, a destroyed window) must not starve the others.
        this.report(listener, event, err);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      this.lastFailure.delete(listener);
    };
  }

  private report(listener: EventListener, event: EventName, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.lastFailure.get(listener) === message) return;
    this.lastFailure.set(listener, message);
    try {
      this.logger.error(`an event listener failed on ${event}`, err);
    } catch {
      // A logger that cannot write must not stop the event reaching the remaining listeners.
    }
  }
}
