/**
 * MCP servers as tool sources: the configured servers (mcp.json, shared with `cell0 mcp`), each
 * started in the background once the core is up, their status announced, their tools offered to
 * replies through the kernel. One server's failure is its own: the others and the chat go on.
 */
import { randomUUID } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import type { ToolSet } from 'ai';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { Keychain } from '../identity/keychain.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
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
import { gone, McpConfigs, sameConfig, splitInput } from './mcp-configs.js';
import { planImport } from './mcp-import.js';
import type { LaunchDeps } from './mcp-launch.js';
import { auditedEgress } from './mcp-egress.js';
import type { McpServerRuntime } from './mcp-server.js';
import { MCP_FILE } from './mcp-store.js';
import type { HostedKernel, mcpToolSet, ToolContext } from './mcp-tools.js';

export interface McpServiceDeps {
  dataDir: string;
  /** The kernel's workspace root: servers' homes live under it, where the sandbox user can reach. */
  workspaceRoot: string;
  sandbox: Pick<Sandbox, 'confinedCommand' | 'prepareWorkspace'>;
  kernel: HostedKernel & { workspaceFor(conversationId: string): Promise<string> };
  keychain: Pick<Keychain, 'get' | 'getExpected' | 'set' | 'delete'>;
  /** Where a granted server's network attempts are recorded. */
  audit: Pick<AuditLog, 'append'>;
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

export class McpService {
  /** The AI SDK side of servers' tools, loaded with the first server (see runtime()). */
  private toolModule: { mcpToolSet: typeof mcpToolSet } | null = null;
  private readonly configs: McpConfigs;
  private readonly servers = new Map<string, McpServerRuntime>();
  private serveSettings: McpServeSettings = { enabled: false };
  private searchPath: string[] = mergePath(null, process.env.PATH);
  private watcher: FSWatcher | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private background: Promise<void> = Promise.resolve();
  // Changes and reloads one at a time, so a reload never sees half of a change.
  private ops: Promise<unknown> = Promise.resolve();
  private stopped = false;

  private readonly egress: LaunchDeps['egress'];

  constructor(private readonly deps: McpServiceDeps) {
    this.egress = auditedEgress(deps.audit, deps.logger);
    this.configs = new McpConfigs(deps.dataDir, deps.keychain);
  }

  /** Reads the configuration and returns; the servers start in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    const file = await this.configs.read();
    const { setAside } = this.configs.store;
    if (setAside) this.deps.logger.warn(`mcp.json was damaged; kept it as ${setAside}`);
    this.serveSettings = file.serve;
    for (const config of file.servers) this.servers.set(config.id, await this.runtime(config));
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
    await Promise.all([...this.servers.values()].map((s) => s.dispose()));
    await this.background.catch(() => undefined);
    await this.ops.catch(() => undefined);
  }

  list(): { servers: McpServer[]; serve: McpServeSettings } {
    return { servers: [...this.servers.values()].map((s) => s.snapshot()), serve: this.serveSettings };
  }

  /** The tools of every ready server for one reply, each call through the kernel. */
  toolsFor(ctx: ToolContext): ToolSet {
    const ready = [...this.servers.values()].filter((s) => s.isReady);
    // A ready server's runtime was made by runtime(), which loaded the tool module with it.
    return ready.length === 0 || !this.toolModule
      ? {}
      : this.toolModule.mcpToolSet(ready, this.deps.kernel, this.deps.bus, ctx);
  }

  add(input: McpServerInput): Promise<McpServer> {
    return this.serial(async () => {
      const config = await this.configs.add(input);
      const runtime = await this.runtime(config);
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
    const { startOnce } = await import('./one-shot.js');
    const { server, durationMs } = await startOnce(
      config,
      { load: async () => secrets },
      this.oneShotDeps(),
      true,
    );
    return {
      ok: server.state === 'ready',
      error: server.error,
      stderrTail: server.stderrTail,
      serverInfo: server.serverInfo,
      tools: server.tools,
      durationMs,
    };
  }

  update(change: McpUpdate): Promise<McpServer> {
    return this.serial(async () => {
      const runtime = this.require(change.id);
      const config = await this.configs.change(change.id, (current) => applyUpdate(current, change));
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
      await this.configs.remove(id);
      this.servers.delete(id);
      await runtime.dispose();
      this.deps.bus.emit('mcp.removed', { id });
      return true;
    });
  }

  setServe(enabled: boolean): Promise<McpServeSettings> {
    return this.serial(async () => {
      this.serveSettings = await this.configs.setServe(enabled);
      this.deps.bus.emit('mcp.serve', this.serveSettings);
      return this.serveSettings;
    });
  }

  /**
   * A server's runtime. Its modules (the MCP SDK, its transports) load with the first server, not
   * with the core: with none configured they never load.
   */
  private async runtime(config: McpServerConfig): Promise<McpServerRuntime> {
    const [{ McpServerRuntime }, { homesIn }, toolModule] = await Promise.all([
      import('./mcp-server.js'),
      import('./one-shot.js'),
      import('./mcp-tools.js'),
    ]);
    this.toolModule = toolModule;
    const runtime: McpServerRuntime = new McpServerRuntime(config, {
      launch: () => ({ sandbox: this.deps.sandbox, searchPath: this.searchPath, egress: this.egress }),
      secrets: this.configs.secrets,
      homeFor: homesIn(this.deps),
      workspaceFor: (conversationId) => this.deps.kernel.workspaceFor(conversationId),
      startTimeoutMs: this.deps.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      version: this.deps.version,
      logger: this.deps.logger,
      onChange: () => {
        if (this.servers.get(config.id) === runtime)
          this.deps.bus.emit('mcp.updated', { server: runtime.snapshot() });
      },
    });
    return runtime;
  }

  private oneShotDeps() {
    return {
      sandbox: this.deps.sandbox,
      workspaceRoot: this.deps.workspaceRoot,
      logger: this.deps.logger,
      version: this.deps.version,
      startTimeoutMs: this.deps.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      searchPath: this.searchPath,
      egress: this.egress,
    };
  }

  private require(id: string): McpServerRuntime {
    const runtime = this.servers.get(id);
    if (!runtime) throw gone();
    return runtime;
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
    const file = await this.configs.read();
    const ids = new Set(file.servers.map((s) => s.id));
    for (const [id, runtime] of [...this.servers]) {
      if (ids.has(id)) continue;
      this.servers.delete(id);
      await runtime.dispose();
      this.deps.bus.emit('mcp.removed', { id });
    }
    for (const config of file.servers) {
      const runtime = this.servers.get(config.id);
      if (!runtime) {
        const created = await this.runtime(config);
        this.servers.set(config.id, created);
        void created.start();
      } else if (!sameConfig(runtime.config, config)) {
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
