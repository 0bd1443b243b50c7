/**
 * Calls a protocol method on a core in this process, as an authenticated client would, and
 * returns its result (typed by the method). The benchmarks configure their data directories
 * through it, the way the window configures them.
 */
import type { Core } from '../src-main/core/app.js';
import { silentLogger } from '../src-main/core/base/logger.js';
import type { MethodName, MethodParams, MethodResult } from '../src-main/core/protocol/methods.js';
import { startServe } from '../src-main/serve.js';

let frame = 0;

export async function callCore<M extends MethodName>(
  core: Core,
  method: M,
  params: MethodParams<M>,
): Promise<MethodResult<M>> {
  const res = await core.router.handle(JSON.stringify({ type: 'req', id: String(++frame), method, params }), {
    authenticated: true,
    peer: 'bench',
  });
  if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.message}`), { code: res.error.code });
  return res.result as MethodResult<M>;
}

/**
 * Sets a data directory up before a benchmark starts Cell 0 on it: a core in this process on
 * `dataDir` (its secrets under `keychainService`), started in full, handed to `setup`, then stopped.
 */
export async function configureDataDir<T>(
  dataDir: string,
  keychainService: string,
  setup: (core: Core) => Promise<T>,
): Promise<T> {
  const serve = await startServe({
    port: 0,
    dataDir,
    rendererDir: null,
    logger: silentLogger,
    keychainService,
  });
  try {
    await serve.core.whenStarted();
    return await setup(serve.core);
  } finally {
    await serve.stop();
  }
}
