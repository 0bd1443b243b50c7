import type { EgressAttempt } from './egress-proxy.js';
import { formatTarget } from './host-patterns.js';

function bytes(n: number): string {
  return n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1048576).toFixed(1)} MB`;
}

/** One attempt as its audit record says it. */
export function attemptOutcome(a: EgressAttempt): string {
  const what = `${formatTarget(a.host, a.port)} via ${a.via}${a.method ? ` ${a.method} ${a.path ?? ''}` : ''}`;
  return a.allowed
    ? `${what}: allowed (${a.reason}), ${bytes(a.bytesOut)} out, ${bytes(a.bytesIn)} in`
    : `${what}: refused (${a.reason})`;
}
