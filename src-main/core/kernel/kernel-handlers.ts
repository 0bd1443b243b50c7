import type { HandlerDeps } from '../handlers.js';
import type { Handlers } from '../protocol/router.js';

type KernelMethods =
  | 'tools.list'
  | 'permissions.pending'
  | 'permissions.respond'
  | 'permissions.rules'
  | 'permissions.revoke'
  | 'audit.list'
  | 'audit.verify'
  | 'kernel.status'
  | 'agents.stopAll'
  | 'agents.status'
  | 'agents.pause'
  | 'agents.resume';

export function kernelHandlers({
  kernel,
  permissions,
  audit,
  chat,
  swarms,
  gate,
  monitor,
}: HandlerDeps): Pick<Handlers, KernelMethods> {
  return {
    'tools.list': async ({ conversationId }) => ({ toolCalls: await kernel.list(conversationId) }),
    'permissions.pending': () => ({ requests: permissions.pending() }),
    // Reached only through an authenticated owner connection: the one door to a grant.
    'permissions.respond': async ({ requestId, decision, pattern }) => {
      await permissions.respond(requestId, decision, pattern);
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
    'agents.status': () => monitor.status(),
    'agents.pause': () => {
      gate.pause();
      return monitor.publish();
    },
    'agents.resume': () => {
      gate.resume();
      return monitor.publish();
    },
    'agents.stopAll': async () => {
      const killedTools = kernel.stopAll();
      const [replies, runs] = await Promise.all([chat.stopAll(), swarms.stopAll()]);
      const stoppedReplies = replies + runs;
      return { stoppedReplies, killedTools };
    },
  };
}
