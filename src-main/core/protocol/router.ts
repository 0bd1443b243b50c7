import { Cell0Error, isCell0Error, type ErrorShape } from './errors.js';
import { MAX_FRAME_BYTES, requestFrameSchema, type ResponseFrame } from './frames.js';
import { isMethodName, methods, type MethodName, type MethodResult, type ParsedParams } from './methods.js';

/** Per-connection state the router reads and the hello handler writes. */
export interface ConnectionContext {
  authenticated: boolean;
  /** Where the frame came from, for logs ("ipc", "ws:127.0.0.1:53122"). */
  peer: string;
  /** Checks a token and, when it matches, marks the connection authenticated (transports with tokens). */
  authenticate?: (token: string) => boolean;
}

export type Handler<M extends MethodName> = (
  params: ParsedParams<M>,
  ctx: ConnectionContext,
) => Promise<MethodResult<M>> | MethodResult<M>;

export type Handlers = { [M in MethodName]: Handler<M> };

/** Methods a connection may call before it has authenticated. */
const PUBLIC_METHODS: ReadonlySet<MethodName> = new Set(['session.hello']);

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
  /** Takes one raw frame (JSON text; anything else is refused) and always resolves to a response frame. */
  handle(raw: unknown, ctx: ConnectionContext): Promise<ResponseFrame>;
}

export function createRouter(
  handlers: Handlers,
  options: { maxFrameBytes?: number; onInternalError?: (err: unknown, method: string) => void } = {},
): Router {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;

  return {
    async handle(raw, ctx) {
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
      const parsed = requestFrameSchema.safeParse(json);
      if (!parsed.success) {
        const id =
          json && typeof json === 'object' && typeof (json as { id?: unknown }).id === 'string'
            ? (json as { id: string }).id
            : null;
        return errorFrame(id, {
          code: 'BAD_FRAME',
          message: `Not a request frame: ${describeZodIssues(parsed.error.issues)}`,
        });
      }
      const { id, method, params } = parsed.data;
      if (!isMethodName(method)) {
        return errorFrame(id, { code: 'UNKNOWN_METHOD', message: `Unknown method "${method}".` });
      }
      if (!ctx.authenticated && !PUBLIC_METHODS.has(method)) {
        return errorFrame(id, {
          code: 'UNAUTHENTICATED',
          message: 'Send session.hello with the access token first.',
        });
      }
      const checked = methods[method].params.safeParse(params);
      if (!checked.success) {
        return errorFrame(id, {
          code: 'BAD_PARAMS',
          message: `Bad params for ${method}: ${describeZodIssues(checked.error.issues)}`,
        });
      }
      try {
        const handler = handlers[method] as Handler<MethodName>;
        const result = await handler(checked.data as never, ctx);
        return { type: 'res', id, ok: true, result };
      } catch (err) {
        if (isCell0Error(err)) return errorFrame(id, err.toShape());
        options.onInternalError?.(err, method);
        return errorFrame(id, { code: 'INTERNAL', message: `Internal error in ${method}.` });
      }
    },
  };
}

export { Cell0Error };
