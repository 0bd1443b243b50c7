import type { Logger } from '../base/logger.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { attemptOutcome } from '../kernel/network/attempt-outcome.js';
import type { LaunchDeps } from './mcp-launch.js';

/**
 * A granted server's connections through the egress proxy, each recorded in the audit log with
 * its bytes (as a tool call's are), named after the server and its conversation.
 */
export function auditedEgress(audit: Pick<AuditLog, 'append'>, logger: Logger): LaunchDeps['egress'] {
  return (server, rules, conversationId) => ({
    rules,
    onAttempt: (attempt) => {
      void audit
        .append({
          actor: `mcp:${server}`,
          kind: attempt.allowed ? 'network.connect' : 'network.refuse',
          tool: `mcp:${server}`,
          args: {
            host: attempt.host,
            port: attempt.port,
            via: attempt.via,
            method: attempt.method,
            path: attempt.path,
          },
          outcome: attemptOutcome(attempt),
          conversationId,
        })
        .catch((err: unknown) => logger.warn(`a network attempt of ${server} could not be audited`, err));
    },
  });
}
