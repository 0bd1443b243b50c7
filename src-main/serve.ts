import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCore, type Core, type CoreOptions } from './core/app.js';
import { newAccessToken, type WsGateway } from './core/gateway/ws-gateway.js';
import { openGateway } from './core/gateway/open-gateway.js';
import { createLogger, type Logger } from './core/base/logger.js';
import type { LocalServerUrls } from './core/agents/local-servers.js';
import type { MemoryServiceTiming } from './core/memory/memory-service.js';
import { defaultDataDir } from './core/base/paths.js';
import { DEFAULT_PORT } from './core/gateway/default-port.js';

export { DEFAULT_PORT };

export interface ServeOptions {
  port?: number;
  dataDir?: string;
  /** The built renderer; defaults to out/renderer beside the built main. */
  rendererDir?: string | null;
  token?: string;
  logger?: Logger;
  keychainService?: string;
  localServers?: LocalServerUrls;
  /** How often the memory daemon looks for work and how long a conversation must be quiet first. */
  memory?: MemoryServiceTiming;
  /** Where the mesh node listens (multiaddrs); default every interface on the mesh port. */
  meshListen?: string[];
  /** Webhooks and jobs: the clock, the timestamp tolerance (tests and benches). */
  automations?: CoreOptions['automations'];
}

export interface ServeHandle {
  core: Core;
  url: string;
  token: string;
  port: number;
  stop(): Promise<void>;
}

/** out/renderer, seen from the built main: this file is out/main/cli.js's or one of out/main/chunks/. */
function builtRendererDir(): string {
  const candidates = ['../renderer/', '../../renderer/'].map((c) =>
    fileURLToPath(new URL(c, import.meta.url)),
  );
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0]!;
}

/** Headless mode: the core plus the built renderer over HTTP and WebSocket on 127.0.0.1. */
export async function startServe(options: ServeOptions = {}): Promise<ServeHandle> {
  const logger = options.logger ?? createLogger();
  const dataDir = options.dataDir ?? defaultDataDir();
  const token = options.token ?? newAccessToken();
  const rendererDir = options.rendererDir === undefined ? builtRendererDir() : options.rendererDir;
  if (rendererDir && !existsSync(rendererDir)) {
    throw new Error(`The UI is not built (${rendererDir} is missing). Run \`npm run build\` first.`);
  }
  const core = createCore({
    dataDir,
    mode: 'serve',
    logger,
    ...(options.keychainService ? { keychainService: options.keychainService } : {}),
    ...(options.localServers ? { localServers: options.localServers } : {}),
    ...(options.memory ? { memory: options.memory } : {}),
    ...(options.meshListen ? { mesh: { listen: options.meshListen } } : {}),
    ...(options.automations ? { automations: options.automations } : {}),
  });
  await core.start();
  let gateway: WsGateway;
  try {
    gateway = await openGateway({
      core,
      logger,
      token,
      ...(options.port !== undefined ? { port: options.port } : {}),
      staticDir: rendererDir,
    });
  } catch (err) {
    await core.stop();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${options.port ?? core.gatewaySettings().port} is already in use (another cell0 serve?). Pick another with --port.`,
        { cause: err },
      );
    }
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    core,
    token,
    port: gateway.port,
    url: `${core.listening() ?? `http://127.0.0.1:${gateway.port}`}/#token=${token}`,
    stop() {
      stopping ??= gateway.stop().then(() => core.stop());
      return stopping;
    },
  };
}
