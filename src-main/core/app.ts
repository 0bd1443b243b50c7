import type { ToolSet } from 'ai';
import { AgentsMonitor } from './agents/agents-monitor.js';
import { memoryModels } from './agents/memory-models.js';
import { LocalModels, type LocalModelsOptions } from './agents/local/local-models.js';
import { MemoryService, type MemoryServiceTiming } from './memory/memory-service.js';
import { HybridRetrieval } from './memory/retrieval/hybrid-retrieval.js';
import { ChatService, type Budget } from './agents/chat-service.js';
import { PauseGate } from './base/pause-gate.js';
import { ProviderRegistry } from './agents/provider-registry.js';
import { IdentityService } from './identity/identity-service.js';
import { AuditLog } from './kernel/audit/audit-log.js';
import { defaultWorkspaceRoot, Kernel } from './kernel/kernel.js';
import { PermissionEngine } from './kernel/permissions/permission-engine.js';
import { Sandbox } from './kernel/sandbox/sandbox.js';
import { defaultLabsRoot, Labs } from './kernel/lab/labs.js';
import { createHandlers } from './handlers.js';
import { Attachments } from './conversations/attachments.js';
import { SwarmService } from './swarms/swarm-service.js';
import type { SwarmBudget } from './protocol/swarm-entities.js';
import { ConversationStore } from './conversations/store.js';
import { EventBus } from './base/event-bus.js';
import { Keychain } from './identity/keychain.js';
import { createRouter, type Router } from './protocol/router.js';
import { SettingsStore } from './settings/settings-store.js';
import { StorageService } from './storage/storage-service.js';
import { createLogger, type Logger } from './base/logger.js';
import { ServiceBoard } from './base/service-board.js';
import { routeSdkWarnings } from './agents/sdk-warnings.js';
import { chatAgentEntry } from './gateway/channels/agent-entry.js';
import type { ChannelAdapter } from './gateway/channels/adapter.js';
import type { Backoff } from './gateway/channels/account-supervisor.js';
import { ChannelService } from './gateway/channels/channel-service.js';
import type { ChannelKind } from './protocol/channel-entities.js';
import { ControlSocket } from './gateway/control-socket.js';
import { providerOffer, resolveByName } from './mesh/mesh-offer.js';
import { MeshService } from './mesh/mesh-service.js';
import type { MeshTiming } from './mesh/mesh-timing.js';
import type { OwnerPresence } from './mesh/pairing.js';
import { TOOL_NAMES } from './protocol/kernel-entities.js';
import { McpService } from './mcp/mcp-service.js';
import { AutomationService } from './gateway/automations/automation-service.js';
import type { Clock } from './base/clock.js';
import { DeviceService } from './gateway/devices/device-service.js';
import { VERSION } from './base/version.js';
import { CheckpointService } from './checkpoints/checkpoint-service.js';
import type { DesktopProbe } from './checkpoints/checkpoint.js';

export interface CoreOptions {
  dataDir: string;
  mode: 'desktop' | 'serve';
  /** Keychain service name; tests use their own so they never touch the owner's secrets. */
  keychainService?: string;
  logger?: Logger;
  /** How often a streaming reply is saved (ms). */
  flushIntervalMs?: number;
  /** Where to look for local model servers; tests point these at fakes. */
  localServers?: { ollama?: string; lmstudio?: string };
  /** Waits between retries after a rate limit (ms, before jitter); tests shorten them. */
  retryBaseMs?: number;
  /** Tools offered to models without the kernel: their calls only surface as events (tests). */
  tools?: ToolSet;
  /** What one reply may spend (steps, tokens, tool calls, wall time). */
  budget?: Partial<Budget>;
  /** Where bubblewrap is; tests point it nowhere to check that the kernel fails closed. */
  bwrapPath?: string;
  /** Memory daemon timing (tests run it faster or by hand). */
  memory?: MemoryServiceTiming;
  /** Default swarm budget (tests shrink it). */
  swarmBudget?: Partial<SwarmBudget>;
  /** Chat platform adapters instead of the real ones (tests: WhatsApp at Baileys' socket boundary). */
  channelAdapters?: Partial<Record<ChannelKind, ChannelAdapter>>;
  /** Reconnect and resend waits of the channels (tests shorten them). */
  channelBackoff?: Backoff;
  /** The mesh: how the owner confirms pairings (Touch ID on the desktop), where tests listen, timing. */
  mesh?: { presence?: OwnerPresence; listen?: string[]; timing?: Partial<MeshTiming> };
  /** Listen on the control socket for the `cell0` command (default true). */
  controlSocket?: boolean;
  /** MCP servers: how long a handshake may take, and the login shell's PATH (tests give their own). */
  mcp?: { startTimeoutMs?: number; loginPath?: () => Promise<string | null> };
  /**
   * Models on this computer: a catalog file in place of the built-in one (default
   * CELL0_MODEL_CATALOG), the runtime's GPU use (CELL0_LOCAL_GPU=0 keeps to the CPU), its CPU
   * threads (CELL0_LOCAL_THREADS), idle time and context cap; tests shrink them.
   */
  localModels?: Pick<LocalModelsOptions, 'catalogFile' | 'runtime' | 'progressEveryMs' | 'maxModelBytes'>;
  /** Webhooks and scheduled jobs: the clock they wait on (tests move one by hand), the timestamp tolerance. */
  automations?: { clock?: Clock; toleranceMs?: number; schedule?: boolean };
  /** What the desktop app tells the checkpoints about its windows and fuses (null elsewhere). */
  desktopProbe?: DesktopProbe;
}

export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Started after the core is ready (requests that need it wait); its label is what the owner reads. */
  background?: { label: string };
}

export interface Core {
  readonly dataDir: string;
  readonly router: Router;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Starts what answering needs (storage, settings) and returns; the rest starts in the background. */
  start(): Promise<void>;
  /** Resolves once every background service has started (or failed, which its status says). */
  whenStarted(): Promise<void>;
  stop(): Promise<void>;
  /** Webhooks and jobs: the gateway hands deliveries to its receiver. */
  readonly automations: AutomationService;
  /** Paired devices: the gateway checks their tokens. */
  readonly devices: DeviceService;
}

export { VERSION };

/**
 * The composition root: builds every service, starts them in order and stops them in reverse.
 * Nothing here imports Electron; the desktop app and `cell0 serve` both boot this.
 */
export function createCore(options: CoreOptions): Core {
  const logger = options.logger ?? createLogger();
  const bus = new EventBus({ logger });
  const storage = new StorageService(options.dataDir);
  const settings = new SettingsStore(options.dataDir);
  const keychain = new Keychain(options.keychainService);
  const conversations = new ConversationStore(storage.db);
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
  const providers: ProviderRegistry = new ProviderRegistry(settings, keychain, {
    ...(options.localServers ? { localServers: options.localServers } : {}),
    local: localModels,
  });
  const identity = new IdentityService({ keychain, db: storage.db, bus, logger });
  const audit = new AuditLog({ db: storage.db, identity, bus });
  const permissions = new PermissionEngine({ db: storage.db, identity, bus, audit });
  const gate = new PauseGate();
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

  let unrouteWarnings: (() => void) | null = null;
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

  const devices = new DeviceService({ db: storage.db, bus, audit });

  const checkpoints = new CheckpointService({
    dataDir: options.dataDir,
    runner: options.mode,
    ...(options.keychainService ? { keychainService: options.keychainService } : {}),
    bus,
    busy: () => chat.runningCount() + swarms.activeAgents() > 0,
    // The router is made further down from the handlers, this service's among them.
    router: () => router,
    desktop: options.desktopProbe ?? null,
  });

  const services: Service[] = [
    {
      name: 'model-warnings',
      start: async () => {
        unrouteWarnings = routeSdkWarnings(logger);
      },
      stop: async () => {
        unrouteWarnings?.();
        unrouteWarnings = null;
      },
    },
    { name: 'storage', start: () => storage.start(), stop: () => storage.stop() },
    {
      name: 'settings',
      start: async () => {
        await settings.start();
        if (settings.setAside) logger.warn(`settings.json was damaged; kept it as ${settings.setAside}`);
      },
      stop: () => settings.stop(),
    },
    {
      name: 'local-models',
      start: () => localModels.start(),
      stop: () => localModels.stop(),
      // First of the background: the providers and memory's embedder may name a model on this computer.
      background: { label: 'models on this computer' },
    },
    {
      name: 'identity',
      start: () => identity.start(),
      stop: () => identity.stop(),
      background: { label: 'identity' },
    },
    {
      name: 'audit',
      start: () => audit.start(),
      stop: () => audit.stop(),
      background: { label: 'audit log' },
    },
    {
      name: 'permissions',
      start: () => permissions.start(),
      stop: () => permissions.stop(),
      background: { label: 'permissions' },
    },
    {
      name: 'kernel',
      start: () => kernel.start(),
      stop: () => kernel.stop(),
      background: { label: 'sandbox' },
    },
    {
      name: 'memory',
      start: () => memory.start(),
      stop: () => memory.stop(),
      background: { label: 'memory' },
    },
    { name: 'chat', start: () => chat.start(), stop: () => chat.stop(), background: { label: 'chat' } },
    {
      name: 'swarms',
      start: () => swarms.start(),
      stop: () => swarms.stop(),
      background: { label: 'swarms' },
    },
    {
      name: 'agents-monitor',
      start: () => monitor.start(),
      stop: () => monitor.stop(),
      background: { label: 'agents' },
    },
    {
      name: 'channels',
      start: () => channels.start(),
      stop: () => channels.stop(),
      // Last: channels hand messages to chat; each account connects in the background.
      background: { label: 'channels' },
    },
    {
      name: 'mesh',
      start: () => mesh.start(),
      stop: () => mesh.stop(),
      // After what it serves; its node itself starts in the background of this start.
      background: { label: 'mesh' },
    },
    {
      name: 'mcp',
      start: () => mcp.start(),
      stop: () => mcp.stop(),
      // Its servers connect after it returns, each with its own status: none delays the core.
      background: { label: 'MCP servers' },
    },
    {
      name: 'devices',
      start: () => devices.start(),
      stop: () => devices.stop(),
      background: { label: 'paired devices' },
    },
    {
      name: 'automations',
      start: () => automations.start(),
      stop: () => automations.stop(),
      // Last: its runs are chat replies, and a missed run made up at start needs everything above.
      background: { label: 'automations' },
    },
  ];

  const board = new ServiceBoard((list) => bus.emit('core.status', { services: list }));
  for (const service of services)
    if (service.background) board.expect(service.name, service.background.label);

  const router = createRouter(
    createHandlers({
      board,
      mode: options.mode,
      dataDir: options.dataDir,
      version: VERSION,
      bus,
      conversations,
      chat,
      attachments,
      settings,
      providers,
      identity,
      kernel,
      labs,
      permissions,
      audit,
      gate,
      monitor,
      memory,
      swarms,
      channels,
      mesh,
      mcp,
      localModels,
      automations,
      devices,
      checkpoints,
    }),
    { onInternalError: (err, method) => logger.error(`${method} failed`, err) },
  );

  if (options.controlSocket !== false) {
    const control = new ControlSocket({ router, bus, logger, dataDir: options.dataDir });
    services.push({ name: 'control-socket', start: () => control.start(), stop: () => control.stop() });
  }

  const started: Service[] = [];
  let stopping: Promise<void> | null = null;
  let background: Promise<void> = Promise.resolve();

  const startOne = async (service: Service) => {
    await service.start();
    started.push(service);
  };

  /** One after another, in order: each may rely on those before it. A failure is its own, not the core's. */
  const startBackground = async () => {
    for (const service of services.filter((s) => s.background)) {
      if (stopping) return;
      try {
        await startOne(service);
        board.started(service.name);
      } catch (err) {
        logger.error(`${service.name} failed to start`, err);
        board.failed(service.name, err);
      }
    }
  };

  return {
    dataDir: options.dataDir,
    router,
    bus,
    logger,
    automations,
    devices,
    async start() {
      for (const service of services.filter((s) => !s.background)) {
        try {
          await startOne(service);
        } catch (err) {
          logger.error(`${service.name} failed to start`, err);
          await this.stop();
          throw err;
        }
      }
      // After this turn of the event loop: the caller opens the gateway first, so the window and
      // the first request are not kept waiting behind the background's own start-up work.
      background = new Promise<void>((resolve) => setImmediate(resolve)).then(startBackground);
    },
    whenStarted: () => background,
    stop() {
      stopping ??= (async () => {
        // A service half-way through starting finishes first, so it is stopped, not abandoned.
        await background;
        for (const service of started.reverse()) {
          board.stopped(service.name);
          try {
            await service.stop();
          } catch (err) {
            logger.error(`${service.name} failed to stop`, err);
          }
        }
        started.length = 0;
      })();
      return stopping;
    },
  };
}
