import type { AgentsMonitor } from './agents/agents-monitor.js';
import type { ChatService } from './agents/chat-service.js';
import type { PauseGate } from './agents/pause-gate.js';
import { memoryHandlers } from './memory/memory-handlers.js';
import type { MemoryService } from './memory/memory-service.js';
import { providerHandlers } from './agents/provider-handlers.js';
import type { ProviderRegistry } from './agents/provider-registry.js';
import { conversationHandlers } from './conversations/conversation-handlers.js';
import type { ConversationStore } from './conversations/store.js';
import type { EventBus } from './gateway/event-bus.js';
import { identityHandlers } from './identity/identity-handlers.js';
import type { IdentityService } from './identity/identity-service.js';
import type { AuditLog } from './kernel/audit/audit-log.js';
import type { Kernel } from './kernel/kernel.js';
import { kernelHandlers } from './kernel/kernel-handlers.js';
import type { PermissionEngine } from './kernel/permissions/permission-engine.js';
import { Cell0Error } from './protocol/errors.js';
import type { Handlers } from './protocol/router.js';
import { swarmHandlers } from './swarms/swarm-handlers.js';
import type { SwarmService } from './swarms/swarm-service.js';

export interface HandlerDeps {
  mode: 'desktop' | 'serve';
  dataDir: string;
  version: string;
  bus: EventBus;
  conversations: ConversationStore;
  chat: ChatService;
  providers: ProviderRegistry;
  identity: IdentityService;
  kernel: Kernel;
  permissions: PermissionEngine;
  audit: AuditLog;
  gate: PauseGate;
  monitor: AgentsMonitor;
  memory: MemoryService;
  swarms: SwarmService;
}

/** Binds every protocol method to the service that does the work; each feature owns its part. */
export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    'session.hello': ({ token }, ctx) => {
      if (ctx.authenticated && !ctx.authenticate) return { version: deps.version };
      if (!ctx.authenticate?.(token)) {
        throw new Cell0Error(
          'UNAUTHENTICATED',
          'The access token is wrong. Open the URL that `cell0 serve` printed.',
        );
      }
      return { version: deps.version };
    },
    'app.info': () => ({ version: deps.version, dataDir: deps.dataDir, mode: deps.mode }),
    ...conversationHandlers(deps),
    ...providerHandlers(deps),
    ...identityHandlers(deps),
    ...kernelHandlers(deps),
    ...memoryHandlers(deps),
    ...swarmHandlers(deps),
  };
}
