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
import { Kernel } from './kernel/kernel.js';
import { PermissionEngine } from './kernel/permissions/permission-engine.js';
import { Sandbox } from './kernel/sandbox/sandbox.js';
import { createHandlers } from './handlers.js';
import { SwarmService } from './swarms/swarm-service.js';
import type { SwarmBudget } from './protocol/swarm-entities.js';
import { ConversationStore } from './conversations/store.js';
import { EventBus } from './base/event-bus.js';
import { Keychain } from './identity/keychain.js';
import { createRouter, type Router } from './protocol/router.js';
import { SettingsStore } from './settings/settings-store.js';
import { StorageService } from './storage/storage-service.js';
import { createLogger, type Logger } from './base/logger.js';

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
  /**
   * Models on this computer: a catalog file in place of the built-in one (default
   * CELL0_MODEL_CATALOG), the runtime's GPU use (CELL0_LOCAL_GPU=0 keeps to the CPU), its CPU
   * threads (CELL0_LOCAL_THREADS), idle time and context cap; tests shrink them.
   */
  localModels?: Pick<LocalModelsOptions, 'catalogFile' | 'runtime' | 'progressEveryMs' | 'maxModelBytes'>;
}

export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Core {
  readonly dataDir: string;
  readonly router: Router;
  readonly bus: EventBus;
  readonly logger: Logger;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const VERSION = '0.1.0';

/**
 * The composition root: builds every service, starts them in order and stops them in reverse.
 * Nothing here imports Electron; the desktop app and `cell0 serve` both boot this.
 */
export function createCore(options: CoreOptions): Core {
  const logger = options.logger ?? createLogger();
  const bus = new EventBus();
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
  const sandbox = new Sandbox({ logger, ...(options.bwrapPath ? { bwrapPath: options.bwrapPath } : {}) });
  const kernel = new Kernel({
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
  });
  const chat: ChatService = new ChatService(conversations, providers, bus, {
    kernel,
    memory,
    swarms,
    gate,
    ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    logger,
    onStreamFailure: (err) => logger.warn('reply could not be saved', err),
  });
  const monitor = new AgentsMonitor({
    bus,
    runningAgents: () => chat.runningCount() + swarms.activeAgents(),
    kernel,
    permissions,
    gate,
  });

  const services: Service[] = [
    { name: 'storage', start: () => storage.start(), stop: () => storage.stop() },
    {
      name: 'settings',
      start: async () => {
        await settings.start();
        if (settings.setAside) logger.warn(`settings.json was damaged; kept it as ${settings.setAside}`);
      },
      stop: () => settings.stop(),
    },
    { name: 'local-models', start: () => localModels.start(), stop: () => localModels.stop() },
    { name: 'identity', start: () => identity.start(), stop: () => identity.stop() },
    { name: 'audit', start: () => audit.start(), stop: () => audit.stop() },
    { name: 'permissions', start: () => permissions.start(), stop: () => permissions.stop() },
    { name: 'kernel', start: () => kernel.start(), stop: () => kernel.stop() },
    { name: 'memory', start: () => memory.start(), stop: () => memory.stop() },
    { name: 'chat', start: () => chat.start(), stop: () => chat.stop() },
    { name: 'swarms', start: () => swarms.start(), stop: () => swarms.stop() },
    { name: 'agents-monitor', start: () => monitor.start(), stop: () => monitor.stop() },
  ];

  const router = createRouter(
    createHandlers({
      mode: options.mode,
      dataDir: options.dataDir,
      version: VERSION,
      bus,
      conversations,
      chat,
      providers,
      identity,
      kernel,
      permissions,
      audit,
      gate,
      monitor,
      memory,
      swarms,
      localModels,
    }),
    { onInternalError: (err, method) => logger.error(`${method} failed`, err) },
  );

  const started: Service[] = [];
  let stopping: Promise<void> | null = null;

  return {
    dataDir: options.dataDir,
    router,
    bus,
    logger,
    async start() {
      for (const service of services) {
        try {
          await service.start();
        } catch (err) {
          logger.error(`${service.name} failed to start`, err);
          await this.stop();
          throw err;
        }
        started.push(service);
      }
    },
    stop() {
      stopping ??= (async () => {
        for (const service of started.reverse()) {
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
