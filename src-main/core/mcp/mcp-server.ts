/**
 * One configured server while Cell 0 runs: the process (or remote session) that lists its tools
 * and shows its status, and — for a confined server — one more process per conversation that calls
 * them, confined to that conversation's workspace. A failure stays with this server.
 */
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../base/logger.js';
import { canonicalJson } from '../identity/canonical-json.js';
import { visibleText } from '../kernel/permissions/visible.js';
import { Cell0Error, isCell0Error, type ErrorShape } from '../protocol/errors.js';
import type { McpServer, McpServerConfig, McpState } from '../protocol/mcp-entities.js';
import { describeFailure } from './diagnose.js';
import { McpConnection, type CallOptions, type Catalog } from './mcp-connection.js';
import { launch, runsOf, type Launched, type LaunchDeps } from './mcp-launch.js';
import type { McpSecretStore } from './mcp-secrets.js';

export interface ServerDeps {
  launch(): LaunchDeps;
  secrets: Pick<McpSecretStore, 'load'>;
  /** The server's own home (created for the sandbox user): HOME inside, and where it lists from. */
  homeFor(serverId: string): Promise<string>;
  workspaceFor(conversationId: string): Promise<string>;
  startTimeoutMs: number;
  version: string;
  logger: Logger;
  onChange(): void;
}

interface Instance {
  connection: McpConnection;
  launched: Launched;
  busy: number;
  idle: NodeJS.Timeout | null;
  lastUsed: number;
}

/** A conversation's process is stopped after this long without a call. */
const IDLE_MS = 10 * 60_000;
/** Conversations' processes per server at once; the least recently used idle one makes room. */
const MAX_INSTANCES = 4;
const STDERR_SHOWN = 2000;
const EMPTY: Catalog = { serverInfo: null, tools: [], resources: [], prompts: [] };

/** Key order aside: a config read back from mcp.json lists its keys in the schema's order. */
function sameLaunch(a: McpServerConfig, b: McpServerConfig): boolean {
  return canonicalJson(a.transport) === canonicalJson(b.transport) && a.name === b.name;
}

export class McpServerRuntime {
  private state: McpState;
  private error: ErrorShape | null = null;
  private stderrTail = '';
  private catalog: Catalog = EMPTY;
  private primary: Instance | null = null;
  private readonly instances = new Map<string, Promise<Instance>>();
  /** Processes between launch and handshake. */
  private readonly pending = new Set<Launched>();
  private lastProblem: string | null = null;
  private generation = 0;
  /** Stopped for good (the app stops, the server was removed): nothing starts it again. */
  private disposed = false;
  private starting: Promise<void> | null = null;
  private relisting: Promise<void> = Promise.resolve();
  private updatedAt = Date.now();

  constructor(
    public config: McpServerConfig,
    private readonly deps: ServerDeps,
  ) {
    this.state = config.enabled ? 'starting' : 'disabled';
  }

  get name(): string {
    return this.config.name;
  }

  get runs(): McpServer['runs'] {
    return runsOf(this.config);
  }

  /**
   * Calls run in a process of their conversation's own when the server is confined (its walls are
   * that workspace) or works in `${workspace}`; otherwise in the one process that lists its tools.
   */
  private get perConversation(): boolean {
    const t = this.config.transport;
    if (t.kind !== 'stdio') return false;
    return this.runs === 'sandboxed' || [...t.args, t.cwd ?? ''].some((a) => a.includes('${workspace}'));
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  snapshot(): McpServer {
    const live = this.primary?.launched.process?.stderr.toString();
    const tail = (live ?? this.stderrTail).slice(-STDERR_SHOWN);
    return {
      config: this.config,
      state: this.state,
      error: this.error,
      stderrTail: visibleText(tail),
      runs: this.runs,
      serverInfo: this.catalog.serverInfo,
      tools: this.catalog.tools.map((t) => ({
        ...t,
        enabled: t.problem === null && !this.config.disabledTools.includes(t.name),
      })),
      resources: this.catalog.resources,
      prompts: this.catalog.prompts,
      instances: this.instances.size,
      lastProblem: this.lastProblem,
      updatedAt: this.updatedAt,
    };
  }

  /** The tools a model may be offered now. */
  offered(): Catalog['tools'] {
    if (this.state !== 'ready') return [];
    return this.catalog.tools.filter(
      (t) => t.problem === null && !this.config.disabledTools.includes(t.name),
    );
  }

  /** Starts the listing process; resolves once it is ready or has failed (never throws). */
  start(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (!this.config.enabled) {
      this.set('disabled', null);
      return Promise.resolve();
    }
    if (this.starting) return this.starting;
    const generation = ++this.generation;
    this.set('starting', null);
    const run = async () => {
      let instance: Instance | null = null;
      try {
        instance = await this.open(null);
        const catalog = await instance.connection.catalog();
        if (generation !== this.generation) throw new Error('superseded');
        this.primary = instance;
        this.catalog = catalog;
        this.set('ready', null);
      } catch (err) {
        if (instance && this.primary !== instance) await this.closeInstance(instance);
        if (generation !== this.generation) return;
        if (instance?.launched.process) this.stderrTail = instance.launched.process.stderr.toString();
        this.set('failed', this.explain(err, 'start', instance?.launched ?? null).toShape());
      }
    };
    this.starting = run().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    this.generation++;
    // A process still in its handshake is ended now rather than waited for (it may hang).
    for (const launched of this.pending) {
      launched.process?.kill();
      void launched.transport.close().catch(() => undefined);
    }
    await this.starting;
    const all = [
      this.primary,
      ...(await Promise.allSettled(this.instances.values())).flatMap((r) =>
        r.status === 'fulfilled' ? [r.value] : [],
      ),
    ];
    this.primary = null;
    this.instances.clear();
    await Promise.all(all.flatMap((i) => (i ? [this.closeInstance(i)] : [])));
  }

  /** The last stop: a restart or a new config still on its way (reconfigure) does not start it. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.lastProblem = null;
    await this.start();
  }

  /** A new config: started again when what it runs changed, otherwise only its switches change. */
  async reconfigure(config: McpServerConfig): Promise<void> {
    const relaunch = !sameLaunch(this.config, config) || config.enabled !== this.config.enabled;
    this.config = config;
    if (!relaunch) return this.touch();
    await this.stop();
    if (config.enabled) await this.start();
    else this.set('disabled', null);
  }

  /** Calls one of its tools for a conversation; throws a Cell0Error saying what went wrong. */
  async call(
    conversationId: string,
    tool: string,
    args: unknown,
    options: CallOptions,
  ): Promise<CallToolResult> {
    if (this.state !== 'ready') {
      throw new Cell0Error(
        'MCP_SERVER_FAILED',
        `${this.name} is not running (${this.state}${this.error ? `: ${this.error.message}` : ''}).`,
      );
    }
    const instance = this.perConversation ? await this.instanceFor(conversationId) : this.primary;
    if (!instance) throw new Cell0Error('MCP_SERVER_FAILED', `${this.name} stopped.`);
    instance.busy++;
    if (instance.idle) clearTimeout(instance.idle);
    try {
      return await instance.connection.call(tool, args, options);
    } catch (err) {
      if (options.signal.aborted) throw err;
      const problem = this.explain(err, 'call', instance.launched);
      this.lastProblem = problem.message;
      this.touch();
      throw problem;
    } finally {
      instance.busy--;
      instance.lastUsed = Date.now();
      if (instance !== this.primary && instance.busy === 0 && !instance.connection.isClosed)
        this.scheduleIdle(conversationId, instance);
    }
  }

  private async instanceFor(conversationId: string): Promise<Instance> {
    const existing = this.instances.get(conversationId);
    if (existing) {
      const instance = await existing;
      if (!instance.connection.isClosed) return instance;
    }
    await this.makeRoom();
    const opening = this.open(conversationId);
    this.instances.set(conversationId, opening);
    opening.then(
      () => this.touch(),
      (err: unknown) => {
        if (this.instances.get(conversationId) === opening) this.instances.delete(conversationId);
        this.lastProblem = isCell0Error(err) ? err.message : String(err);
        this.touch();
      },
    );
    return opening;
  }

  private async makeRoom(): Promise<void> {
    if (this.instances.size < MAX_INSTANCES) return;
    const settled = await Promise.allSettled(
      [...this.instances.entries()].map(async ([id, p]) => [id, await p] as const),
    );
    const idle = settled
      .flatMap((r) => (r.status === 'fulfilled' && r.value[1].busy === 0 ? [r.value] : []))
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
    if (!idle) return;
    this.instances.delete(idle[0]);
    await this.closeInstance(idle[1]);
  }

  private scheduleIdle(conversationId: string, instance: Instance): void {
    instance.idle = setTimeout(() => {
      if (instance.busy > 0) return;
      void this.instances.get(conversationId)?.then((current) => {
        if (current !== instance) return;
        this.instances.delete(conversationId);
        this.touch();
        return this.closeInstance(instance);
      });
    }, IDLE_MS);
    instance.idle.unref();
  }

  /** Starts one process (or remote session) and completes the handshake. */
  private async open(conversationId: string | null): Promise<Instance> {
    const generation = this.generation;
    const home = await this.deps.homeFor(this.config.id);
    const workspace = conversationId === null ? home : await this.deps.workspaceFor(conversationId);
    const secrets = await this.deps.secrets.load(this.config);
    const launched = await launch(
      this.config,
      secrets,
      { workspace, home, conversationId },
      this.deps.launch(),
    );
    const holder: { instance: Instance | null } = { instance: null };
    let connection: McpConnection;
    this.pending.add(launched);
    try {
      connection = await McpConnection.open(launched.transport, {
        timeoutMs: this.deps.startTimeoutMs,
        version: this.deps.version,
        events: {
          onListChanged: () => {
            if (holder.instance && holder.instance === this.primary) this.relist();
          },
          onClosed: () => {
            if (holder.instance) this.closed(holder.instance, conversationId);
          },
        },
      });
    } catch (err) {
      launched.process?.kill();
      await launched.release();
      if (conversationId === null) this.stderrTail = launched.process?.stderr.toString() ?? '';
      throw this.explain(err, 'start', launched);
    } finally {
      this.pending.delete(launched);
    }
    holder.instance = { connection, launched, busy: 0, idle: null, lastUsed: Date.now() };
    if (generation !== this.generation) {
      await this.closeInstance(holder.instance);
      throw new Cell0Error('MCP_SERVER_FAILED', `${this.name} was stopped while it started.`);
    }
    return holder.instance;
  }

  /** A session ended on its own (a crash, the remote hung up) or because it was closed. */
  private closed(instance: Instance, conversationId: string | null): void {
    if (instance.idle) clearTimeout(instance.idle);
    void instance.launched.release();
    if (instance === this.primary) {
      this.primary = null;
      this.stderrTail = instance.launched.process?.stderr.toString() ?? '';
      this.set('failed', this.explain(new Error('closed'), 'running', instance.launched).toShape());
      return;
    }
    if (conversationId !== null) {
      void this.instances.get(conversationId)?.then((current) => {
        if (current === instance) {
          this.instances.delete(conversationId);
          this.touch();
        }
      });
    }
  }

  /** notifications/tools/list_changed: the lists are read again (one reading at a time). */
  private relist(): void {
    this.relisting = this.relisting.then(async () => {
      const primary = this.primary;
      if (!primary) return;
      try {
        this.catalog = await primary.connection.catalog();
        this.touch();
      } catch (err) {
        this.deps.logger.warn(`MCP server ${this.name}: could not read its changed lists`, err);
      }
    });
  }

  private async closeInstance(instance: Instance): Promise<void> {
    if (instance.idle) clearTimeout(instance.idle);
    await instance.connection.close();
    await instance.launched.release();
  }

  private explain(err: unknown, phase: 'start' | 'call' | 'running', launched: Launched | null): Cell0Error {
    if (isCell0Error(err)) return err;
    const process = launched?.process ?? null;
    const timedOut = err instanceof McpError && err.code === (ErrorCode.RequestTimeout as number);
    const closed = err instanceof McpError && err.code === (ErrorCode.ConnectionClosed as number);
    if (phase === 'call' && err instanceof McpError && !timedOut && !closed) {
      // The server answered the call with a JSON-RPC error: its words, as an error of the tool.
      return new Cell0Error(
        'MCP_TOOL_ERROR',
        `${this.name} refused the call: ${visibleText(err.message.slice(0, 1000))}`,
      );
    }
    if (phase === 'call' && timedOut && !process?.end) {
      return new Cell0Error(
        'MCP_SERVER_FAILED',
        `${this.name} did not answer the call in time (2 minutes without progress); Cell 0 cancelled it.`,
      );
    }
    const transport = this.config.transport;
    return describeFailure({
      server: this.name,
      phase,
      end: process?.end ?? null,
      stderr: process?.stderr.toString() ?? '',
      malformed: process?.malformed ?? [],
      overflowed: process?.overflowed ?? false,
      timedOutMs: timedOut ? this.deps.startTimeoutMs : null,
      cause: err,
      confined: this.runs === 'sandboxed',
      network: transport.kind === 'stdio' && transport.network,
      visible: launched?.visible ?? [],
      readOnly: launched?.readOnly ?? [],
      command: transport.kind === 'stdio' ? transport.command : null,
    });
  }

  private set(state: McpState, error: ErrorShape | null): void {
    this.state = state;
    this.error = error;
    this.touch();
  }

  private touch(): void {
    this.updatedAt = Date.now();
    this.deps.onChange();
  }
}
