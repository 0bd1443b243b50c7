import { AgentsMonitor } from './agents/agents-monitor.js';
import { memoryModels } from './agents/memory-models.js';
import { LocalModels } from './agents/local/local-models.js';
import { MemoryService } from './memory/memory-service.js';
import { HybridRetrieval } from './memory/retrieval/hybrid-retrieval.js';
import { ChatService } from './agents/chat-service.js';
import type { PauseGate } from './base/pause-gate.js';
import type { ProviderRegistry } from './agents/provider-registry.js';
import { IdentityService } from './identity/identity-service.js';
import { AuditLog } from './kernel/audit/audit-log.js';
import { defaultWorkspaceRoot, Kernel } from './kernel/kernel.js';
import { PermissionEngine } from './kernel/permissions/permission-engine.js';
import { Sandbox } from './kernel/sandbox/sandbox.js';
import { defaultLabsRoot, Labs } from './kernel/lab/labs.js';
import { Attachments } from './conversations/attachments.js';
import { SwarmService } from './swarms/swarm-service.js';
import type { ConversationStore } from './conversations/store.js';
import type { EventBus } from './base/event-bus.js';
import type { Keychain } from './identity/keychain.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { StorageService } from './storage/storage-service.js';
import type { Logger } from './base/logger.js';
import { chatAgentEntry } from './gateway/channels/agent-entry.js';
import { ChannelService } from './gateway/channels/channel-service.js';
import { providerOffer, resolveByName } from './mesh/mesh-offer.js';
import { MeshService } from './mesh/mesh-service.js';
import { TOOL_NAMES } from './protocol/kernel-entities.js';
import { McpService } from './mcp/mcp-service.js';
import { AutomationService } from './gateway/automations/automation-service.js';
import { VERSION } from './base/version.js';
import type { DeviceService } from './gateway/devices/device-service.js';
import type { BackgroundName, CoreOptions } from './core-options.js';

/** What the core made before it was ready: the background's services build on these. */
export interface Foreground {
  logger: Logger;
  bus: EventBus;
  storage: StorageService;
  settings: SettingsStore;
  keychain: Keychain;
  conversations: ConversationStore;
  providers: ProviderRegistry;
  gate: PauseGate;
  /** Paired devices: the gateway checks their tokens from the start (none match until they are read). */
  devices: DeviceService;
}

/** A background service's start and stop; app.ts holds their order and their labels. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type Background = ReturnType<typeof buildBackground>;

/**
 * The services that start after the core is ready, and their wiring. app.ts imports this module
 * when that start begins, so none of their code (the kernel, memory, the agents, the channels,
 * the mesh, MCP) is loaded or compiled before the window can be used.
 */
export function buildBackground(fg: Foreground, options: CoreOptions) {
  const { logger, bus, storage, settings, keychain, conversations, providers, gate } = fg;
  const catalogFile = options.localModels?.catalogFile ?? process.env.CELL0_MODEL_CATALOG;
  const localModels: LocalModels = new LocalModels({
    dataDir: options.dataDir,
    ...options.localModels,
    ...(catalogFile ? { catalogFile } : {}),
    runtime: {
      gpu: process.env.CELL0_LOCAL_GPU !== '0',
      ...(Number(process.env.CELL0_LOCAL_THREADS) > 0
        ? { threads: Number(process.env.CELL0_LOCAL_THREADS) }
        : {}),
      ...options.localModels?.runtime,
    },
    logger,
    onChange: (model) => bus.emit('localModel.updated', { model }),
    onRemoved: (name) => bus.emit('localModel.removed', { name }),
    // A chat model became ready or went: the provider list the window shows changes with it.
    onReadyChanged: () => bus.emit('settings.updated', { settings: providers.snapshot() }),
  });
  const identity = new IdentityService({ keychain, db: storage.db, bus, logger });
  const audit = new AuditLog({ db: storage.db, identity, bus });
  const permissions = new PermissionEngine({ db: storage.db, identity, bus, audit });
  // Workspaces must really be under the root, every symlink followed, or the sandbox refuses them.
  const workspaceRoot = defaultWorkspaceRoot(options.dataDir);
  const sandbox = new Sandbox({
    logger,
    workspaceRoots: [workspaceRoot],
    ...(options.bwrapPath ? { bwrapPath: options.bwrapPath } : {}),
  });
  const labs = new Labs({
    root: defaultLabsRoot(options.dataDir),
    sandbox,
    logger,
    audit,
    onChange: (lab) => bus.emit('lab.updated', { lab }),
  });
  const kernel = new Kernel({
    workspaceRoot,
    chosenWorkspace: (conversationId) => conversations.workspaceOf(conversationId),
    labs,
    gate,
    sandbox,
    permissions,
    audit,
    db: storage.db,
    bus,
    dataDir: options.dataDir,
    logger,
  });
  const retrieval = new HybridRetrieval({ db: storage.db, logger });
  const memory = new MemoryService({
    db: storage.db,
    bus,
    retrieval,
    models: memoryModels(providers, localModels),
    conversations,
    settings,
    audit,
    kernel,
    logger,
    ...(options.memory ?? {}),
  });
  const swarms: SwarmService = new SwarmService({
    db: storage.db,
    bus,
    providers,
    conversations,
    audit,
    logger,
    gate,
    settings,
    memory,
    // Tests without the kernel hand workers plain tools; otherwise every call goes through the kernel.
    ...(options.tools ? { tools: options.tools } : { kernel }),
    ...(options.swarmBudget ? { budget: options.swarmBudget } : {}),
    ...(options.retryBaseMs !== undefined ? { retry: { baseMs: options.retryBaseMs } } : {}),
    chatBusy: (conversationId: string): boolean => chat.isStreaming(conversationId),
    // Swarms sit below the mesh: they get its workers through this interface, built further down.
    remoteWorkers: {
      localName: () => mesh.workers.localName(),
      machines: () => mesh.workers.machines(),
      run: (turn) => mesh.workers.run(turn),
    },
    extraTools: (ctx) => mcp.toolsFor(ctx),
  });
  // Copied into each conversation's workspace: the one place its sandboxed tools may write.
  const attachments = new Attachments((id) => kernel.workspaceFor(id));
  const chat: ChatService = new ChatService(conversations, providers, bus, {
    kernel,
    attachments,
    memory,
    swarms,
    gate,
    ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    logger,
    onStreamFailure: (err) => logger.warn('reply could not be saved', err),
    // Channels sit above chat: bound late, called only while a reply runs.
    conversationTools: (ctx) => channels.tools(ctx),
    // So do MCP servers; each of their calls goes through the kernel like a built-in tool's.
    extraTools: (ctx) => mcp.toolsFor(ctx),
  });
  const mesh: MeshService = new MeshService({
    db: storage.db,
    bus,
    logger,
    audit,
    identity,
    settings,
    offer: async () => ({
      providers: await providerOffer(providers),
      tools: options.tools ? Object.keys(options.tools) : [...TOOL_NAMES],
    }),
    activeAgents: () => chat.runningCount() + swarms.activeAgents(),
    host: {
      resolve: (model) => resolveByName(providers, model),
      conversations,
      permissions,
      ...(options.tools ? { tools: options.tools } : { kernel }),
      gate,
      ...(options.retryBaseMs !== undefined ? { retry: { baseMs: options.retryBaseMs } } : {}),
    },
    ...(options.mesh?.presence ? { presence: options.mesh.presence } : {}),
    ...(options.mesh?.listen ? { listen: options.mesh.listen } : {}),
    ...(options.mesh?.timing ? { timing: options.mesh.timing } : {}),
  });
  const monitor = new AgentsMonitor({
    bus,
    runningAgents: () => chat.runningCount() + swarms.activeAgents(),
    kernel,
    permissions,
    gate,
  });

  const agentEntry = chatAgentEntry(chat, bus, conversations);
  const channels: ChannelService = new ChannelService({
    db: storage.db,
    audit,
    bus,
    keychain,
    logger,
    dataDir: options.dataDir,
    conversations,
    agent: agentEntry,
    workspaceFor: (conversationId) => kernel.workspaceFor(conversationId),
    answerPermission: (requestId, decision) => permissions.respond(requestId, decision),
    ...(options.channelAdapters ? { adapters: options.channelAdapters } : {}),
    ...(options.channelBackoff ? { backoff: options.channelBackoff } : {}),
  });

  const mcp: McpService = new McpService({
    dataDir: options.dataDir,
    workspaceRoot: kernel.workspaceRoot,
    sandbox,
    kernel,
    keychain,
    audit,
    bus,
    logger,
    version: VERSION,
    ...(options.mcp ?? {}),
  });

  const automations = new AutomationService({
    db: storage.db,
    bus,
    keychain,
    audit,
    logger,
    settings,
    agent: {
      send: (conversationId, text, clientMessageId, runOptions) =>
        chat.send(conversationId, text, clientMessageId, runOptions),
      replyEnded: (messageId) => agentEntry.replyEnded(messageId),
      idle: (conversationId) => agentEntry.idle(conversationId),
      createConversation: async (title) => {
        const conversation = await conversations.create(title);
        bus.emit('conversation.updated', { conversation });
        return conversation.id;
      },
      conversationExists: (id) =>
        conversations.get(id).then(
          () => true,
          () => false,
        ),
      message: (id) => conversations.message(id),
    },
    ...(options.automations?.clock ? { clock: options.automations.clock } : {}),
    ...(options.automations?.toleranceMs !== undefined
      ? { toleranceMs: options.automations.toleranceMs }
      : {}),
  });

  // Each is its own start and stop.
  const services: Record<BackgroundName, Lifecycle> = {
    'local-models': localModels,
    identity,
    audit,
    permissions,
    kernel,
    memory,
    chat,
    swarms,
    'agents-monitor': monitor,
    channels,
    mesh,
    mcp,
    devices: fg.devices,
    automations,
  };

  return {
    services,
    localModels,
    identity,
    audit,
    permissions,
    kernel,
    labs,
    memory,
    swarms,
    attachments,
    chat,
    mesh,
    monitor,
    channels,
    mcp,
    automations,
  };
}
