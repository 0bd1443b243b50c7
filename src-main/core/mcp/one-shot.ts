/**
 * A server started once to see what it offers, then stopped: Settings' "Test connection" (a
 * server not saved yet) and `cell0 mcp tools NAME`. Started exactly as it would be for real.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { Sandbox } from '../kernel/sandbox/sandbox.js';
import type { McpServer, McpServerConfig } from '../protocol/mcp-entities.js';
import type { LaunchDeps } from './mcp-launch.js';
import type { McpSecretStore } from './mcp-secrets.js';
import { McpServerRuntime, type ServerDeps } from './mcp-server.js';

export interface ServerHomes {
  sandbox: Pick<Sandbox, 'confinedCommand' | 'prepareWorkspace'>;
  /** The kernel's workspace root: servers' homes live under it, where the sandbox user can reach. */
  workspaceRoot: string;
}

/** A server's own home (HOME inside, its caches), made for the sandbox user. */
export function homesIn(homes: ServerHomes): (serverId: string) => Promise<string> {
  const root = join(homes.workspaceRoot, '.mcp-servers');
  return async (serverId) => {
    await mkdir(root, { recursive: true, mode: 0o755 });
    const dir = join(root, serverId);
    await homes.sandbox.prepareWorkspace(dir);
    return dir;
  };
}

export interface OneShotDeps extends ServerHomes {
  logger: Logger;
  version: string;
  startTimeoutMs: number;
  searchPath: readonly string[];
  egress: LaunchDeps['egress'];
}

export async function startOnce(
  config: McpServerConfig,
  secrets: Pick<McpSecretStore, 'load'>,
  deps: OneShotDeps,
  /** A scratch home, removed afterwards (a server that is not saved). */
  scratch: boolean,
): Promise<{ server: McpServer; durationMs: number }> {
  const homeFor = homesIn(deps);
  const serverDeps: ServerDeps = {
    launch: () => ({ sandbox: deps.sandbox, searchPath: deps.searchPath, egress: deps.egress }),
    secrets,
    homeFor,
    // Listing needs no conversation: a call would be a mistake here.
    workspaceFor: () => Promise.reject(new Error('no conversation')),
    startTimeoutMs: deps.startTimeoutMs,
    version: deps.version,
    logger: deps.logger,
    onChange: () => undefined,
  };
  const runtime = new McpServerRuntime({ ...config, enabled: true }, serverDeps);
  const started = performance.now();
  try {
    await runtime.start();
    return { server: runtime.snapshot(), durationMs: Math.round(performance.now() - started) };
  } finally {
    await runtime.stop();
    if (scratch) await rm(await homeFor(config.id), { recursive: true, force: true });
  }
}
