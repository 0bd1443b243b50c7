import type { Handlers } from '../protocol/router.js';
import type { AuditLog } from './audit/audit-log.js';
import type { Kernel } from './kernel.js';
import type { PermissionEngine } from './permissions/permission-engine.js';

type KernelMethods =
  | 'tools.list'
  | 'permissions.pending'
  | 'permissions.respond'
  | 'permissions.rules'
  | 'permissions.revoke'
  | 'audit.list'
  | 'audit.verify'
  | 'kernel.status';

export function kernelHandlers({
  kernel,
  permissions,
  audit,
}: {
  kernel: Kernel;
  permissions: PermissionEngine;
  audit: AuditLog;
}): Pick<Handlers, KernelMethods> {
  return {
    'tools.list': async ({ conversationId }) => ({ toolCalls: await kernel.list(conversationId) }),
    'permissions.pending': () => ({ requests: permissions.pending() }),
    // Reached only through an authenticated owner connection: the one door to a grant.
    'permissions.respond': async ({ requestId, decision, pattern, network }) => {
      await permissions.respond(requestId, decision, pattern, network);
      return { ok: true as const };
    },
    'permissions.rules': () => ({ rules: permissions.rules() }),
    'permissions.revoke': async ({ ruleId }) => {
      await permissions.revoke(ruleId);
      return { ok: true as const };
    },
    'audit.list': (params) => audit.list(params),
    'audit.verify': () => audit.verify(),
    'kernel.status': () => kernel.status(),
  };
}
