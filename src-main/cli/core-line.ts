import { createCore, type Core } from '../core/app.js';
import { createLogger, type Logger } from '../core/base/logger.js';
import { Cell0Error, type ErrorCode } from '../core/protocol/errors.js';
import type { EventFrame } from '../core/protocol/frames.js';
import type { MethodName, MethodParams, MethodResult } from '../core/protocol/methods.js';
import { ControlClient, NotRunning } from './control-client.js';

/** The protocol as a CLI command uses it, whether the app runs or not. */
export interface CoreLine {
  /** True when a running app (the desktop app or `cell0 serve`) answers. */
  readonly running: boolean;
  call<M extends MethodName>(method: M, params?: MethodParams<M>): Promise<MethodResult<M>>;
  onEvent(listener: (frame: EventFrame) => void): () => void;
  close(): Promise<void>;
}

/** Warnings and errors only, so what a command prints on stdout stays clean. */
function quietLogger(): Logger {
  const log = createLogger();
  return { info: () => undefined, warn: log.warn, error: log.error };
}

/**
 * The running app's control socket when there is one (its scheduler and gateway act on the
 * change at once); else a core of this command's own on the same data directory, which the app
 * reads when it starts.
 */
export async function openCoreLine(dataDir: string): Promise<CoreLine> {
  try {
    const client = await ControlClient.connect(dataDir);
    return {
      running: true,
      call: (method, params) => client.call(method, params),
      onEvent: (listener) => client.onEvent(listener),
      close: async () => client.close(),
    };
  } catch (err) {
    if (!(err instanceof NotRunning)) throw err;
  }
  const core: Core = createCore({
    dataDir,
    mode: 'serve',
    logger: quietLogger(),
    controlSocket: false,
    ...(process.env.CELL0_KEYCHAIN_SERVICE ? { keychainService: process.env.CELL0_KEYCHAIN_SERVICE } : {}),
    memory: { autoStart: false },
    // Jobs fire in the app; a command's short-lived core must not make up missed runs and quit.
    automations: { schedule: false },
  });
  await core.start();
  let id = 0;
  return {
    running: false,
    async call(method, params) {
      const res = await core.router.handle(
        JSON.stringify({ type: 'req', id: String(++id), method, params }),
        {
          authenticated: true,
          peer: 'cli',
        },
      );
      if (!res.ok) throw new Cell0Error(res.error.code as ErrorCode, res.error.message);
      return res.result as never;
    },
    onEvent: (listener) => core.bus.subscribe(listener),
    close: () => core.stop(),
  };
}
