/**
 * Calls a protocol method on a core in this process, as an authenticated client would, and
 * returns its result (typed by the method). The benchmarks configure their data directories
 * through it, the way the window configures them.
 */
import type { Core } from '../src-main/core/app.js';
import type { MethodName, MethodParams, MethodResult } from '../src-main/core/protocol/methods.js';

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
