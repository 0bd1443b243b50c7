/**
 * MCP servers as tool sources: the configured servers (mcp.json, shared with `cell0 mcp`), each
 * started in the background once the core is up, their status announced, their tools offered to
 * replies through the kernel. One server's failure is its own: the others and the chat go on.
 */
import { randomUUID } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolSet } from 'ai';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { Keychain } from '../identity/keychain.js';
import type { Sandbox } from '../kernel/sandbox/sandbox.js';
import { Cell0Error } from '../protocol/errors.js';
import type {
  McpPath,
  McpServeSettings,
  McpServer,
  McpServerConfig,
  McpServerInput,
  McpTestResult,
} from '../protocol/mcp-entities.js';
import { mergePath, readLoginPath } from './command-path.js';
import { planImport } from './mcp-import.js';
import { McpSecretStore, type McpSecrets } from './mcp-secrets.js';
import { McpServerRuntime, type ServerDeps } from './mcp-server.js';
import { MCP_FILE, McpStore, type McpFile } from './mcp-store.js';
import { mcpToolSet, type HostedKernel, type ToolContext } from './mcp-tools.js';

export interface McpServiceDeps {
  dataDir: string;
  /** The kernel's workspace root: servers' homes live under it, where the sandbox user can reach. */
  workspaceRoot: string;
  sandbox: Pick<Sandbox, 'confinedCommand' | 'prepareWorkspace'>;
  kernel: HostedKernel & { workspaceFor(conversationId: string): Promise<string> };
  keychain: Pick<Keychain, 'get' | 'getExpected' | 'set' | 'delete'>;
  bus: EventBus;
  logger: Logger;
  version: string;
  /** How long a server may take to answer the handshake. */
  startTimeoutMs?: number;
  /** The login shell's PATH, read once at start (tests pass their own). */
  loginPath?: () => Promise<string | null>;
  /** Follows mcp.json for changes made by `cell0 mcp` while this runs (default on). */
  watch?: boolean;
}

export interface McpUpdate {
  id: string;
  enabled?: boolean | undefined;
  disabledTools?: string[] | undefined;
  paths?: McpPath[] | undefined;
  network?: boolean | undefined;
  confinement?: 'sandbox' | 'unconfined' | undefined;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;

/** The secrets of an input, and the config that names them without their values. */
export function splitInput(
  input: McpServerInput,
  id: string,
  now = Date.now(),
): { config: McpServerConfig; secrets: McpSecrets } {
  const { transport } = input;
  if (transport.kind === 'stdio') {
    const { env, ...rest } = transport;
    return {
      config: {
        id,
        name: input.name,
        enabled: input.enabled,
        disabledTools: [],
        createdAt: now,
        transport: { ...rest, envNames: Object.keys(env) },
      },
      secrets: { env, headers: {} },
    };
  }
  const { headers, bearerToken, ...rest } = transport;
  const all = { ...headers, ...(bearerToken ? { Authorization: `Bearer ${bearerToken}` } : {}) };
  return {
    config: {
      id,
      name: input.name,
      enabled: input.enabled,
      disabledTools: [],
      createdAt: now,
      transport: { ...rest, headerNames: Object.keys(all) },
    },
    secrets: { env: {}, headers: all },
  };
}

export class McpService {
  private readonly store: McpStore;
  private readonly secrets: McpSecretStore;
  private readonly servers = new Map<string, McpServerRuntime>();
  private serveSettings: McpServeSettings = { enabled: false };
  private searchPath: string[] = mergePath(null, process.env.PATH);
  private watcher: FSWatcher | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private background: Promise<void> = Promise.resolve();
  // Changes and reloads one at a time, so a reload never sees half of a change.
  private ops: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: McpServiceDeps) {
    this.store = new McpStore(deps.dataDir);
    this.secrets = new McpSecretStore(deps.keychain);
  }

  /** Reads the configuration and returns; the servers start in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    const file = await this.store.read();
    if (this.store.setAside) this.deps.logger.warn(`mcp.json was damaged; kept it as ${this.store.setAside}`);
    this.serveSettings = file.serve;
    for (const config of file.servers) this.servers.set(config.id, this.runtime(config));
    this.background = (async () => {
      const login = await (this.deps.loginPath ?? (() => readLoginPath()))().catch(() => null);
      this.searchPath = mergePath(login, process.env.PATH);
      if (this.stopped) return;
      await Promise.all([...this.servers.values()].map((s) => s.start()));
    })();
    if (this.deps.watch !== false) this.follow();
  }

  /** Resolves once every server has had its first start (ready or failed). */
  whenSettled(): Promise<void> {
    return this.background;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await Promise.all([...this.servers.values()].map((s) => s.stop()));
    await this.background.catch(() => undefined);
    await this.ops.catch(() => undefined);
  }

  list(): { servers: McpServer[]; serve: McpServeSettings } {
    return { servers: [...this.servers.values()].map((s) => s.snapshot()), serve: this.serveSettings };
  }

  /** The tools of every ready server for one reply, each call through the kernel. */
  toolsFor(ctx: ToolContext): ToolSet {
    const ready = [...this.servers.values()].filter((s) => s.isReady);
    return ready.length === 0 ? {} : mcpToolSet(ready, this.deps.kernel, this.deps.bus, ctx);
  }

  add(input: McpServerInput): Promise<McpServer> {
    return this.serial(async () => {
      const { config, secrets } = splitInput(input, randomUUID());
      await this.store.update(async (file) => {
        this.checkName(file, config.name);
        await this.secrets.save(config.id, secrets);
        file.servers.push(config);
      });
      const runtime = this.runtime(config);
      this.servers.set(config.id, runtime);
      void runtime.start();
      return runtime.snapshot();
    });
  }

  async import(json: string): Promise<{ servers: McpServer[]; skipped: { name: string; reason: string }[] }> {
    const plan = planImport(json);
    const servers: McpServer[] = [];
    const skipped = [...plan.skipped];
    for (const input of plan.servers) {
      try {
        servers.push(await this.add(input));
      } catch (err) {
        skipped.push({ name: input.name, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return { servers, skipped };
  }

  /** Starts an unsaved server in a scratch home, lists what it offers, and stops it. */
  async test(input: Omit<McpServerInput, 'enabled'>): Promise<McpTestResult> {
    const { config, secrets } = splitInput({ ...input, enabled: true }, `test-${randomUUID()}`);
    const home = join(this.homes(), config.id);
    const runtime = new McpServerRuntime(config, {
      ...this.serverDeps(),
      secrets: { load: async () => secrets },
      onChange: () => undefined,
    });
    const started = performance.now();
    try {
      await runtime.start();
      const snapshot = runtime.snapshot();
      return {
        ok: snapshot.state === 'ready',
        error: snapshot.error,
        stderrTail: snapshot.stderrTail,
        serverInfo: snapshot.serverInfo,
        tools: snapshot.tools,
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      await runtime.stop();
      await rm(home, { recursive: true, force: true });
    }
  }

  update(change: McpUpdate): Promise<McpServer> {
    return this.serial(async () => {
      const runtime = this.require(change.id);
      const config = await this.store.update((file) => {
        const index = file.servers.findIndex((s) => s.id === change.id);
        if (index < 0) throw this.gone();
        const next = applyUpdate(file.servers[index]!, change);
        file.servers[index] = next;
        return next;
      });
      await runtime.reconfigure(config);
      return runtime.snapshot();
    });
  }

  async restart(id: string): Promise<McpServer> {
    const runtime = this.require(id);
    await runtime.restart();
    return runtime.snapshot();
  }

  remove(id: string): Promise<boolean> {
    return this.serial(async () => {
      const runtime = this.require(id);
      await this.store.update((file) => {
        file.servers = file.servers.filter((s) => s.id !== id);
      });
      this.servers.delete(id);
      await runtime.stop();
      await this.secrets
        .remove(id)
        .catch((err: unknown) => this.deps.logger.warn('could not remove MCP secrets', err));
      this.deps.bus.emit('mcp.removed', { id });
      return true;
    });
  }

  setServe(enabled: boolean): Promise<McpServeSettings> {
    return this.serial(async () => {
      this.serveSettings = await this.store.update((file) => {
        file.serve = { enabled };
        return file.serve;
      });
      this.deps.bus.emit('mcp.serve', this.serveSettings);
      return this.serveSettings;
    });
  }

  private runtime(config: McpServerConfig): McpServerRuntime {
    const runtime: McpServerRuntime = new McpServerRuntime(config, {
      ...this.serverDeps(),
      onChange: () => {
        if (this.servers.get(config.id) === runtime)
          this.deps.bus.emit('mcp.updated', { server: runtime.snapshot() });
      },
    });
    return runtime;
  }

  private serverDeps(): Omit<ServerDeps, 'onChange'> {
    return {
      launch: () => ({ sandbox: this.deps.sandbox, searchPath: this.searchPath }),
      secrets: this.secrets,
      homeFor: async (serverId) => {
        const dir = join(this.homes(), serverId);
        await mkdir(this.homes(), { recursive: true, mode: 0o755 });
        await this.deps.sandbox.prepareWorkspace(dir);
        return dir;
      },
      workspaceFor: (conversationId) => this.deps.kernel.workspaceFor(conversationId),
      startTimeoutMs: this.deps.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      version: this.deps.version,
      logger: this.deps.logger,
    };
  }

  private homes(): string {
    return join(this.deps.workspaceRoot, '.mcp-servers');
  }

  private checkName(file: McpFile, name: string): void {
    if (file.servers.some((s) => s.name.toLowerCase() === name.toLowerCase())) {
      throw new Cell0Error(
        'BAD_PARAMS',
        `There is already a server called “${name}”: choose another name, or remove that one first.`,
      );
    }
  }

  private require(id: string): McpServerRuntime {
    const runtime = this.servers.get(id);
    if (!runtime) throw this.gone();
    return runtime;
  }

  private gone(): Cell0Error {
    return new Cell0Error('NOT_FOUND', 'That MCP server is not configured any more. Refresh the list.');
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.ops.then(op);
    this.ops = run.catch(() => undefined);
    return run;
  }

  /** `cell0 mcp add|remove` while this runs: the file changes under us, and the servers follow. */
  private follow(): void {
    try {
      this.watcher = watch(this.deps.dataDir, (_event, name) => {
        if (name !== MCP_FILE || this.stopped) return;
        if (this.reloadTimer) clearTimeout(this.reloadTimer);
        // Editors and renames fire several events for one change: read once they settle.
        this.reloadTimer = setTimeout(() => void this.serial(() => this.reload()), 100);
      });
      this.watcher.on('error', (err) => this.deps.logger.warn('stopped following mcp.json', err));
    } catch (err) {
      this.deps.logger.warn('cannot follow mcp.json for changes', err);
    }
  }

  private async reload(): Promise<void> {
    if (this.stopped) return;
    const file = await this.store.read();
    const ids = new Set(file.servers.map((s) => s.id));
    for (const [id, runtime] of [...this.servers]) {
      if (ids.has(id)) continue;
      this.servers.delete(id);
      await runtime.stop();
      this.deps.bus.emit('mcp.removed', { id });
    }
    for (const config of file.servers) {
      const runtime = this.servers.get(config.id);
      if (!runtime) {
        const created = this.runtime(config);
        this.servers.set(config.id, created);
        void created.start();
      } else if (JSON.stringify(runtime.config) !== JSON.stringify(config)) {
        void runtime.reconfigure(config);
      }
    }
    if (file.serve.enabled !== this.serveSettings.enabled) {
      this.serveSettings = file.serve;
      this.deps.bus.emit('mcp.serve', this.serveSettings);
    }
  }
}

function applyUpdate(config: McpServerConfig, change: McpUpdate): McpServerConfig {
  const next: McpServerConfig = {
    ...config,
    ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
    ...(change.disabledTools !== undefined ? { disabledTools: [...new Set(change.disabledTools)] } : {}),
  };
  if (change.paths === undefined && change.network === undefined && change.confinement === undefined)
    return next;
  if (next.transport.kind !== 'stdio') {
    throw new Cell0Error(
      'BAD_PARAMS',
      'Paths, network and confinement apply to servers Cell 0 starts, not to remote ones.',
    );
  }
  return {
    ...next,
    transport: {
      ...next.transport,
      ...(change.paths !== undefined ? { paths: change.paths } : {}),
      ...(change.network !== undefined ? { network: change.network } : {}),
      ...(change.confinement !== undefined ? { confinement: change.confinement } : {}),
    },
  };
}
