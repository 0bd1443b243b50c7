import { PauseGate } from './base/pause-gate.js';
import { ProviderRegistry } from './agents/provider-registry.js';
import { createHandlers } from './handlers.js';
import { ConversationStore } from './conversations/store.js';
import { EventBus } from './base/event-bus.js';
import { Keychain } from './identity/keychain.js';
import { createRouter, type Router } from './protocol/router.js';
import { SettingsStore } from './settings/settings-store.js';
import { StorageService } from './storage/storage-service.js';
import { createLogger, type Logger } from './base/logger.js';
import { ServiceBoard } from './base/service-board.js';
import { lateBound } from './base/late-bound.js';
import { routeSdkWarnings } from './agents/sdk-warnings.js';
import { ControlSocket } from './gateway/control-socket.js';
import { DeviceService } from './gateway/devices/device-service.js';
import type { GatewayCore } from './gateway/open-gateway.js';
import type { HookEndpoint } from './gateway/ws-gateway.js';
import { VERSION } from './base/version.js';
import { CheckpointService } from './checkpoints/checkpoint-service.js';
import type { Background } from './background.js';
import { BACKGROUND, type CoreOptions } from './core-options.js';

export type { CoreOptions };

export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Core extends GatewayCore {
  readonly dataDir: string;
  readonly router: Router;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Starts what answering needs (storage, settings) and returns; the rest starts in the background. */
  start(): Promise<void>;
  /** Resolves once every background service has started (or failed, which its status says). */
  whenStarted(): Promise<void>;
  stop(): Promise<void>;
}

export { VERSION };

/**
 * The composition root. What answering needs (storage, settings, conversations, the providers,
 * the router) is made and started here; everything else is built by background.ts once this core
 * is ready, and requests that need it wait on the service board. Nothing here imports Electron;
 * the desktop app and `cell0 serve` both boot this.
 */
export function createCore(options: CoreOptions): Core {
  const logger = options.logger ?? createLogger();
  const bus = new EventBus({ logger });
  const storage = new StorageService(options.dataDir);
  const settings = new SettingsStore(options.dataDir);
  const keychain = new Keychain(options.keychainService);
  const conversations = new ConversationStore(storage.db);
  const gate = new PauseGate();
  const board = new ServiceBoard((list) => bus.emit('core.status', { services: list }));
  for (const [name, label] of BACKGROUND) board.expect(name, label);

  /** The background's services, once built (requests for them wait on the board until then). */
  let parts: Background | null = null;
  const late = <K extends keyof Background>(key: K): Background[K] =>
    lateBound(key, () => (parts ? parts[key] : null));

  const providers: ProviderRegistry = new ProviderRegistry(settings, keychain, {
    ...(options.localServers ? { localServers: options.localServers } : {}),
    // Until the models on this computer are read there are none; requests naming one wait for them.
    local: {
      readyModels: (kind) => parts?.localModels.readyModels(kind) ?? [],
      languageModel: (name, supportsTools) => late('localModels').languageModel(name, supportsTools),
    },
  });
  // Read and written before the background is up: the gateway checks device tokens from the start.
  const devices = new DeviceService({ db: storage.db, bus, audit: late('audit') });
  const running = () => (parts ? parts.chat.runningCount() + parts.swarms.activeAgents() : 0);
  const checkpoints = new CheckpointService({
    dataDir: options.dataDir,
    runner: options.mode,
    ...(options.keychainService ? { keychainService: options.keychainService } : {}),
    bus,
    busy: () => running() > 0,
    // The router is made further down from the handlers, this service's among them.
    router: () => router,
    desktop: options.desktopProbe ?? null,
  });

  let unrouteWarnings: (() => void) | null = null;
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
  ];

  const router = createRouter(
    createHandlers({
      board,
      mode: options.mode,
      dataDir: options.dataDir,
      version: VERSION,
      bus,
      conversations,
      chat: late('chat'),
      attachments: late('attachments'),
      settings,
      providers,
      identity: late('identity'),
      kernel: late('kernel'),
      labs: late('labs'),
      permissions: late('permissions'),
      audit: late('audit'),
      gate,
      monitor: late('monitor'),
      memory: late('memory'),
      swarms: late('swarms'),
      channels: late('channels'),
      mesh: late('mesh'),
      mcp: late('mcp'),
      localModels: late('localModels'),
      automations: late('automations'),
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
  let listening: string | null = null;

  const startOne = async (service: Service) => {
    await service.start();
    started.push(service);
  };

  /** Builds the background's services, then starts them one after another. A failure is its own, not the core's. */
  const startBackground = async () => {
    try {
      const { buildBackground } = await import('./background.js');
      parts = buildBackground(
        { logger, bus, storage, settings, keychain, conversations, providers, gate, devices },
        options,
      );
      parts.automations.setListening(listening);
    } catch (err) {
      logger.error('the background services could not be built', err);
      for (const [name] of BACKGROUND) board.failed(name, err);
      return;
    }
    for (const [name] of BACKGROUND) {
      if (stopping) return;
      try {
        const service = parts.services[name];
        await startOne({ name, start: () => service.start(), stop: () => service.stop() });
        board.started(name);
      } catch (err) {
        logger.error(`${name} failed to start`, err);
        board.failed(name, err);
      }
    }
  };

  // Deliveries that come before the automations are built wait for them (and for the rest).
  const hooks: HookEndpoint = {
    limitFor: async (name) => {
      await background;
      return parts ? parts.automations.receiver.limitFor(name) : null;
    },
    receive: async (name, headers, body) => {
      await background;
      return late('automations').receiver.receive(name, headers, body);
    },
  };

  return {
    dataDir: options.dataDir,
    router,
    bus,
    logger,
    devices,
    hooks,
    gatewaySettings: () => settings.gateway(),
    listening: () => listening,
    setListening(origin) {
      listening = origin;
      parts?.automations.setListening(origin);
    },
    async start() {
      for (const service of services) {
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
