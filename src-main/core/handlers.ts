import { agentsHandlers } from './agents/agents-handlers.js';
import { PRICES_AS_OF } from './agents/pricing.js';
import type { AgentsMonitor } from './agents/agents-monitor.js';
import type { ChatService } from './agents/chat-service.js';
import { localModelHandlers } from './agents/local/local-model-handlers.js';
import type { CheckpointService } from './checkpoints/checkpoint-service.js';
import type { LocalModels } from './agents/local/local-models.js';
import { providerHandlers } from './agents/provider-handlers.js';
import type { ProviderRegistry } from './agents/provider-registry.js';
import type { EventBus } from './base/event-bus.js';
import type { PauseGate } from './base/pause-gate.js';
import type { ServiceBoard } from './base/service-board.js';
import { conversationHandlers } from './conversations/conversation-handlers.js';
import type { ConversationStore } from './conversations/store.js';
import type { Attachments } from './conversations/attachments.js';
import type { SettingsStore } from './settings/settings-store.js';
import { DEFAULT_CONVERSATION_SETTINGS, LOCAL_PROVIDER_ID } from './protocol/entities.js';
import { identityHandlers } from './identity/identity-handlers.js';
import type { IdentityService } from './identity/identity-service.js';
import type { AuditLog } from './kernel/audit/audit-log.js';
import type { Kernel } from './kernel/kernel.js';
import { kernelHandlers } from './kernel/kernel-handlers.js';
import type { PermissionEngine } from './kernel/permissions/permission-engine.js';
import { memoryHandlers } from './memory/memory-handlers.js';
import { meshHandlers } from './mesh/mesh-handlers.js';
import type { MeshService } from './mesh/mesh-service.js';
import type { MemoryService } from './memory/memory-service.js';
import { channelHandlers } from './gateway/channels/channel-handlers.js';
import type { ChannelService } from './gateway/channels/channel-service.js';
import { mcpHandlers } from './mcp/mcp-handlers.js';
import { automationHandlers } from './gateway/automations/automation-handlers.js';
import type { AutomationService } from './gateway/automations/automation-service.js';
import { deviceHandlers } from './gateway/devices/device-handlers.js';
import type { DeviceService } from './gateway/devices/device-service.js';
import { labHandlers } from './kernel/lab/lab-handlers.js';
import type { Labs } from './kernel/lab/labs.js';
import type { McpService } from './mcp/mcp-service.js';
import { Cell0Error } from './protocol/errors.js';
import type { Handler, Handlers } from './protocol/router.js';
import type { MethodName, MethodParams } from './protocol/methods.js';
import { swarmHandlers } from './swarms/swarm-handlers.js';
import type { SwarmService } from './swarms/swarm-service.js';

export interface HandlerDeps {
  board: ServiceBoard;
  mode: 'desktop' | 'serve';
  dataDir: string;
  version: string;
  bus: EventBus;
  conversations: ConversationStore;
  chat: ChatService;
  attachments: Attachments;
  settings: Pick<SettingsStore, 'conversationDefaults' | 'setConversationDefaults'>;
  providers: ProviderRegistry;
  identity: IdentityService;
  kernel: Kernel;
  permissions: PermissionEngine;
  audit: AuditLog;
  gate: PauseGate;
  monitor: AgentsMonitor;
  memory: MemoryService;
  swarms: SwarmService;
  channels: ChannelService;
  mesh: MeshService;
  mcp: McpService;
  labs: Labs;
  localModels: LocalModels;
  automations: AutomationService;
  devices: DeviceService;
  checkpoints: CheckpointService;
}

/**
 * Binds every protocol method to the service that does the work. Part of the composition root:
 * each feature's group is handed only the services it uses.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { board, bus, conversations, chat, providers, identity, kernel, permissions, audit, gate, monitor } =
    deps;
  // The models on this computer are read in the background: a request naming them waits for that
  // read, so one sent at start-up is not told the local provider does not exist.
  const localRead = (providerId: string | undefined): Promise<void> | null =>
    providerId === LOCAL_PROVIDER_ID && !board.isReady(['local-models'])
      ? board.whenReady(['local-models'])
      : null;
  const conversationGroup = conversationHandlers({
    bus,
    conversations,
    chat,
    requireProvider: async (id) => {
      await localRead(id);
      providers.requireAny(id);
    },
    resolveAttachments: (conversationId, paths) => deps.attachments.resolve(conversationId, paths),
    workspaces: {
      choose: (conversationId, path, store) => kernel.chooseWorkspace(conversationId, path, store),
    },
    defaults: {
      // Before the settings file is open (early start-up), new chats start from the built-in defaults.
      get: () => {
        try {
          return deps.settings.conversationDefaults();
        } catch {
          return { ...DEFAULT_CONVERSATION_SETTINGS };
        }
      },
      set: (s) => deps.settings.setConversationDefaults(s),
    },
  });
  const kernelRoutes = kernelHandlers({ kernel, permissions, audit });
  // Remote workers' cards wait here too; their answers go, signed, to the machine that asked.
  const permissionRoutes: Pick<Handlers, 'permissions.pending' | 'permissions.respond'> = {
    'permissions.pending': () => ({
      requests: [...permissions.pending(), ...deps.mesh.relayedPermissions()],
    }),
    'permissions.respond': async ({ requestId, decision, pattern }, ctx) => {
      if (!deps.mesh.isRelayed(requestId))
        return kernelRoutes['permissions.respond']({ requestId, decision, pattern }, ctx);
      await deps.mesh.respondRelayed(requestId, decision);
      return { ok: true as const };
    },
  };
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
    'app.info': () => ({
      version: deps.version,
      dataDir: deps.dataDir,
      mode: deps.mode,
      pricesAsOf: PRICES_AS_OF,
    }),
    'core.status': () => ({ services: board.list() }),
    // Reading conversations needs only storage: the window shows them before the rest is up.
    ...conversationGroup,
    ...after(board, ['chat'], {
      'chat.send': conversationGroup['chat.send'],
      'chat.stop': conversationGroup['chat.stop'],
      'chat.regenerate': conversationGroup['chat.regenerate'],
      'chat.edit': conversationGroup['chat.edit'],
      'messages.switchVersion': conversationGroup['messages.switchVersion'],
      'messages.delete': conversationGroup['messages.delete'],
      'conversations.delete': conversationGroup['conversations.delete'],
    }),
    ...after(board, ['kernel'], {
      // The sandbox is told of the folder and the choice is audited: both are the kernel's.
      'conversations.setWorkspace': conversationGroup['conversations.setWorkspace'],
      'attachments.add': (async (params: MethodParams<'attachments.add'>) => {
        await conversations.get(params.conversationId);
        return { attachment: await deps.attachments.add(params) };
      }) as Handlers['attachments.add'],
    }),
    ...withLocalRead(providerHandlers({ providers, bus }), localRead),
    ...after(board, ['identity'], identityHandlers({ identity })),
    ...after(board, ['kernel'], { ...kernelRoutes, ...permissionRoutes }),
    ...after(board, ['kernel'], labHandlers({ labs: deps.labs })),
    ...after(
      board,
      ['agents-monitor'],
      agentsHandlers({
        gate,
        monitor,
        stopAll: async () => {
          const killedTools = kernel.stopAll();
          const [replies, runs] = await Promise.all([chat.stopAll(), deps.swarms.stopAll()]);
          return { stoppedReplies: replies + runs, killedTools };
        },
      }),
    ),
    ...after(board, ['memory'], memoryHandlers({ memory: deps.memory })),
    ...after(board, ['swarms'], swarmHandlers({ swarms: deps.swarms })),
    ...after(board, ['channels'], channelHandlers({ channels: deps.channels })),
    ...after(board, ['mesh'], meshHandlers({ mesh: deps.mesh })),
    ...after(board, ['mcp'], mcpHandlers({ mcp: deps.mcp })),
    ...after(board, ['automations'], automationHandlers({ automations: deps.automations })),
    ...after(board, ['devices'], deviceHandlers({ devices: deps.devices })),
    ...after(board, ['local-models'], localModelHandlers({ localModels: deps.localModels })),
    // Not gated: the probes make their own parts and say SKIP or FAIL for what is not up.
    'checkpoints.run': (params) => deps.checkpoints.run(params?.only ?? null),
    'checkpoints.last': async () => ({ report: await deps.checkpoints.last() }),
  };
}

/**
 * The group's handlers, each waiting for the services it needs; once they are up (the usual
 * case) a request goes straight through.
 */
function after<G extends Partial<Handlers>>(board: ServiceBoard, needs: readonly string[], group: G): G {
  const gated: Partial<Record<MethodName, Handler<MethodName>>> = {};
  for (const [method, handler] of Object.entries(group) as [MethodName, Handler<MethodName>][]) {
    gated[method] = (params, ctx) =>
      board.isReady(needs) ? handler(params, ctx) : board.whenReady(needs).then(() => handler(params, ctx));
  }
  return gated as G;
}

/** settings.setDefaultModel and providers.models wait for the local models' read when they name them. */
function withLocalRead<G extends Pick<Handlers, 'settings.setDefaultModel' | 'providers.models'>>(
  group: G,
  localRead: (providerId: string | undefined) => Promise<void> | null,
): G {
  const setDefault = group['settings.setDefaultModel'];
  const models = group['providers.models'];
  return {
    ...group,
    'settings.setDefaultModel': async (params, ctx) => {
      await localRead(params.modelRef.providerId);
      return setDefault(params, ctx);
    },
    'providers.models': async (params, ctx) => {
      await localRead('id' in params ? params.id : undefined);
      return models(params, ctx);
    },
  };
}
