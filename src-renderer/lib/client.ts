import type {
  Cell0Bridge,
  ErrorCode,
  EventName,
  EventPayload,
  MethodName,
  MethodParams,
  MethodResult,
} from '../../src-main/core/protocol/index.js';
import { TransportError } from './connection-state.js';

/** `TRANSPORT` means the core was not reached; every other code is the core's own answer. */
export type ClientErrorCode = ErrorCode | 'TRANSPORT';

export class ClientError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
  }
}

export function isClientError(err: unknown): err is ClientError {
  return err instanceof ClientError;
}

/** A message for people, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export interface Client {
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createClient(bridge: Cell0Bridge): Client {
  return {
    async call(method, params) {
      let frame;
      try {
        frame = await bridge.call(method, params);
      } catch (err) {
        const message =
          err instanceof TransportError ? err.message : `Could not reach Cell 0: ${errorMessage(err)}`;
        throw new ClientError('TRANSPORT', message);
      }
      if (!frame.ok) throw new ClientError(frame.error.code, frame.error.message);
      // The core validated the result against the same schema these types come from.
      return frame.result as MethodResult<typeof method>;
    },
    on(event, listener) {
      return bridge.on(event, (frame) => listener(frame.payload as EventPayload<typeof event>));
    },
  };
}
