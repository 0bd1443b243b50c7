import { agentsHandlers } from './agents/agents-handlers.js';
import type { AgentsMonitor } from './agents/agents-monitor.js';
import type { ChatService } from './agents/chat-service.js';
import { localModelHandlers } from './agents/local/local-model-handlers.js';
import type { LocalModels } from './agents/local/local-models.js';
import { providerHandlers } from './agents/provider-handlers.js';
import type { ProviderRegistry } from './agents/provider-registry.js';
import type { EventBus } from './base/event-bus.js';
import type { PauseGate } from './base/pause-gate.js';
import { conversationHandlers } from './conversations/conversation-handlers.js';
import type { ConversationStore } from './conversations/store.js';
import { identityHandlers } from './identity/identity-handlers.js';
import type { IdentityService } from './identity/identity-service.js';
import type { AuditLog } from './kernel/audit/audit-log.js';
import type { Kernel } from './kernel/kernel.js';
import { kernelHandlers } from './kernel/kernel-handlers.js';
import type { PermissionEngine } from './kernel/permissions/permission-engine.js';
import { memoryHandlers } from './memory/memory-handlers.js';
import type { MemoryService } from './memory/memory-service.js';
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
  localModels: LocalModels;
}

/**
 * Binds every protocol method to the service that does the work. Part of the composition root:
 * each feature's group is handed only the services it uses.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { bus, conversations, chat, providers, identity, kernel, permissions, audit, gate, monitor } = deps;
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
    ...conversationHandlers({
      bus,
      conversations,
      chat,
      requireProvider: (id) => providers.requireAny(id),
    }),
    ...providerHandlers({ providers, bus }),
    ...identityHandlers({ identity }),
    ...kernelHandlers({ kernel, permissions, audit }),
    ...agentsHandlers({
      gate,
      monitor,
      stopAll: async () => {
        const killedTools = kernel.stopAll();
        const [replies, runs] = await Promise.all([chat.stopAll(), deps.swarms.stopAll()]);
        return { stoppedReplies: replies + runs, killedTools };
      },
    }),
    ...memoryHandlers({ memory: deps.memory }),
    ...swarmHandlers({ swarms: deps.swarms }),
    ...localModelHandlers({ localModels: deps.localModels }),
  };
}
