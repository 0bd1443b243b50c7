import type { EventBus } from '../base/event-bus.js';
import { Cell0Error } from '../protocol/errors.js';
import type { EventName, EventPayload } from '../protocol/events.js';
import type { MethodName, MethodParams, MethodResult } from '../protocol/methods.js';
import type { ConnectionContext, Router } from '../protocol/router.js';

export interface LocalClient {
  call<M extends MethodName>(method: M, params?: MethodParams<M>): Promise<MethodResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

let nextId = 0;

/**
 * The protocol from inside the main process (the tray, notifications, the quick prompt's
 * edge): the same router and validation as any window, so the desktop shell gains no side door.
 */
export function createLocalClient(
  core: { router: Router; bus: EventBus },
  peer = 'desktop-shell',
): LocalClient {
  const ctx: ConnectionContext = { authenticated: true, peer };
  return {
    async call(method, params) {
      const res = await core.router.handle(
        JSON.stringify({ type: 'req', id: `local-${++nextId}`, method, params }),
        ctx,
      );
      if (!res.ok) throw new Cell0Error(res.error.code, res.error.message);
      return res.result as never;
    },
    on(event, listener) {
      return core.bus.subscribe((frame) => {
        if (frame.event === event) listener(frame.payload as never);
      });
    },
  };
}
