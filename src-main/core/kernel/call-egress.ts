import type { Logger } from '../base/logger.js';
import { NETWORK_TOOL, type NetworkScope } from '../protocol/kernel-entities.js';
import type { AuditLog } from './audit/audit-log.js';
import type { EgressOptions } from './network/egress-proxy.js';
import { parseHostPattern } from './network/host-patterns.js';
import { attemptOutcome } from './network/attempt-outcome.js';
import type { PermissionEngine } from './permissions/permission-engine.js';
import type { ToolCallInput } from './types.js';

export interface CallEgressDeps {
  permissions: Pick<PermissionEngine, 'assessConnection' | 'request'>;
  audit: Pick<AuditLog, 'append'>;
  logger: Logger;
}

/**
 * What one sandboxed call granted network may reach through the egress proxy: the hosts it named
 * (when the owner allowed those) or any public host; a connection beyond that is put to the rules
 * of `network` and, if none covers it, to the owner on a card while the call runs; every attempt
 * is audited with its bytes.
 */
export function callEgress(
  deps: CallEgressDeps,
  call: ToolCallInput,
  hosts: string[],
  scope: NetworkScope,
  signal: AbortSignal,
): EgressOptions {
  return {
    rules: {
      mode: 'enforce',
      anyPublic: scope === 'any-public',
      hosts: scope === 'hosts' ? hosts.map(parseHostPattern) : [],
    },
    ask: async ({ host, port, reason }) => {
      const connection = {
        conversationId: call.conversationId,
        messageId: call.messageId,
        toolCallId: call.toolCallId,
        host,
        port,
        why: reason,
      };
      const assessment = deps.permissions.assessConnection(connection);
      if (assessment.decision === 'deny') return false;
      if (assessment.decision === 'allow') return assessment.exact ? 'exact' : 'public';
      const answer = await deps.permissions.request(
        {
          conversationId: call.conversationId,
          messageId: call.messageId,
          toolCallId: call.toolCallId,
          tool: NETWORK_TOOL,
          args: { host, port, for: call.tool },
          workspace: null,
          reason: null,
        },
        assessment,
        signal,
        { unsandboxed: false },
      );
      // The owner saw this host and port: allowed, it may reach them whatever they resolve to.
      return answer === 'deny' || answer === 'cancelled' ? false : 'exact';
    },
    onAttempt: (attempt) => {
      void deps.audit
        .append({
          actor: 'kernel',
          kind: attempt.allowed ? 'network.connect' : 'network.refuse',
          tool: call.tool,
          args: {
            host: attempt.host,
            port: attempt.port,
            via: attempt.via,
            method: attempt.method,
            path: attempt.path,
          },
          outcome: attemptOutcome(attempt),
          conversationId: call.conversationId,
        })
        .catch((err: unknown) => deps.logger.warn('a network attempt could not be audited', err));
    },
  };
}
