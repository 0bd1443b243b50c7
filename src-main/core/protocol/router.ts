import { Cell0Error, isCell0Error, type ErrorShape } from './errors.js';
import { MAX_FRAME_BYTES, requestFrameSchema, type RequestFrame, type ResponseFrame } from './frames.js';
import { isMethodName, methods, type MethodName, type MethodResult, type ParsedParams } from './methods.js';

/** Per-connection state the router reads and the hello handler writes. */
export interface ConnectionContext {
  authenticated: boolean;
  /** Where the frame came from, for logs ("ipc", "ws:127.0.0.1:53122"). */
  peer: string;
  /** Checks a token and, when it matches, marks the connection authenticated (transports with tokens). */
  authenticate?: (token: string) => boolean;
  /** Set for a paired device's connection: whether its scope allows a method (SCOPE_DENIED if not). */
  permits?: (method: string) => boolean;
}

export type Handler<M extends MethodName> = (
  params: ParsedParams<M>,
  ctx: ConnectionContext,
) => Promise<MethodResult<M>> | MethodResult<M>;

export type Handlers = { [M in MethodName]: Handler<M> };

/** Methods a connection may call before it has authenticated. */
const PUBLIC_METHODS: ReadonlySet<MethodName> = new Set(['session.hello', 'devices.pair', 'devices.claim']);

function errorFrame(id: string | null, error: ErrorShape): ResponseFrame {
  return { type: 'res', id, ok: false, error };
}

function describeZodIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export interface Router {
  /**
   * Takes one raw frame (JSON text; anything else is refused) and always comes to a response
   * frame: at once when the handler answers synchronously (the hot path takes no extra turn of
   * the event loop), else as a promise.
   */
  handle(raw: unknown, ctx: ConnectionContext): ResponseFrame | Promise<ResponseFrame>;
}

/**
 * The request envelope, checked by hand on the hot path: the same rules as requestFrameSchema
 * (which still words what is wrong with a frame that fails them).
 */
function isRequestFrame(json: unknown): json is RequestFrame {
  if (json === null || typeof json !== 'object') return false;
  const { type, id, method } = json as Record<string, unknown>;
  return (
    type === 'req' &&
    typeof id === 'string' &&
    id.length >= 1 &&
    id.length <= 128 &&
    typeof method === 'string' &&
    method.length >= 1 &&
    method.length <= 128
  );
}

export function createRouter(
  handlers: Handlers,
  options: { maxFrameBytes?: number; onInternalError?: (err: unknown, method: string) => void } = {},
): Router {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;

  const fail = (id: string, err: unknown, method: string): ResponseFrame => {
    if (isCell0Error(err)) return errorFrame(id, err.toShape());
    options.onInternalError?.(err, method);
    return errorFrame(id, { code: 'INTERNAL', message: `Internal error in ${method}.` });
  };

  return {
    handle(raw, ctx) {
      if (typeof raw !== 'string') {
        return errorFrame(null, { code: 'BAD_FRAME', message: 'Frames must be JSON text.' });
      }
      // String length is a lower bound of the UTF-8 size; checking bytes only when close keeps the hot path cheap.
      if (
        raw.length > maxFrameBytes ||
        (raw.length * 3 > maxFrameBytes && Buffer.byteLength(raw) > maxFrameBytes)
      ) {
        return errorFrame(null, {
          code: 'FRAME_TOO_LARGE',
          message: `Frame is larger than the ${maxFrameBytes}-byte limit.`,
        });
      }
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return errorFrame(null, { code: 'BAD_FRAME', message: 'Frame is not valid JSON.' });
      }
      if (!isRequestFrame(json)) {
        const parsed = requestFrameSchema.safeParse(json);
        const id =
          json && typeof json === 'object' && typeof (json as { id?: unknown }).id === 'string'
            ? (json as { id: string }).id
            : null;
        return errorFrame(id, {
          code: 'BAD_FRAME',
          message: `Not a request frame: ${parsed.success ? 'unexpected shape' : describeZodIssues(parsed.error.issues)}`,
        });
      }
      const { id, method, params } = json;
      if (!isMethodName(method)) {
        return errorFrame(id, { code: 'UNKNOWN_METHOD', message: `Unknown method "${method}".` });
      }
      if (!ctx.authenticated && !PUBLIC_METHODS.has(method)) {
        return errorFrame(id, {
          code: 'UNAUTHENTICATED',
          message: 'Send session.hello with the access token first.',
        });
      }
      if (ctx.permits && !ctx.permits(method)) {
        return errorFrame(id, {
          code: 'SCOPE_DENIED',
          message: `This device was paired without the right to call ${method}. The owner can pair it again with another scope.`,
        });
      }
      const checked = methods[method].params.safeParse(params);
      if (!checked.success) {
        return errorFrame(id, {
          code: 'BAD_PARAMS',
          message: `Bad params for ${method}: ${describeZodIssues(checked.error.issues)}`,
        });
      }
      let result: unknown;
      try {
        const handler = handlers[method] as Handler<MethodName>;
        result = handler(checked.data as never, ctx);
      } catch (err) {
        return fail(id, err, method);
      }
      if (result instanceof Promise) {
        return result.then(
          (value: unknown): ResponseFrame => ({ type: 'res', id, ok: true, result: value }),
          (err: unknown) => fail(id, err, method),
        );
      }
      return { type: 'res', id, ok: true, result };
    },
  };
}

export { Cell0Error };
