/**
 * bench:mcp — what Cell 0 adds to an MCP server. (1) From `mcp add` to its tools listed, confined
 * (bubblewrap, the unprivileged uid, limits) and unconfined, through the same service the window
 * uses. (2) One `echo` call of server-everything through the whole law — permission engine,
 * signed audit before and after, the tool-call ledger, a confined conversation process — against
 * the same call made straight to the server with the SDK's own client. Last line: one JSON object.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ToolExecutionOptions } from 'ai';
import { EventBus } from '../src-main/core/base/event-bus.js';
import { silentLogger } from '../src-main/core/base/logger.js';
import { ConversationStore } from '../src-main/core/conversations/store.js';
import { IdentityService } from '../src-main/core/identity/identity-service.js';
import { Keychain } from '../src-main/core/identity/keychain.js';
import { AuditLog } from '../src-main/core/kernel/audit/audit-log.js';
import { Kernel, defaultWorkspaceRoot } from '../src-main/core/kernel/kernel.js';
import { PermissionEngine } from '../src-main/core/kernel/permissions/permission-engine.js';
import { Sandbox } from '../src-main/core/kernel/sandbox/sandbox.js';
import { McpService } from '../src-main/core/mcp/mcp-service.js';
import { ProcessTransport } from '../src-main/core/mcp/stdio-transport.js';
import type { McpServer, McpServerInput, PermissionRequest } from '../src-main/core/protocol/index.js';
import { StorageService } from '../src-main/core/storage/storage-service.js';

const ROOT = resolve(import.meta.dirname, '..');
const NODE_MODULES = join(ROOT, 'node_modules');
const EVERYTHING = join(NODE_MODULES, '@modelcontextprotocol/server-everything/dist/index.js');
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 100);
const WARMUP = 10;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
function p90(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]!;
}
const round = (ms: number) => Math.round(ms * 100) / 100;

function input(name: string, confinement: 'sandbox' | 'unconfined'): McpServerInput {
  return {
    name,
    enabled: true,
    transport: {
      kind: 'stdio',
      command: 'node',
      args: [EVERYTHING, 'stdio'],
      cwd: null,
      env: {},
      confinement,
      paths: confinement === 'sandbox' ? [{ path: NODE_MODULES, write: false }] : [],
      network: false,
    },
  };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cell0-bench-mcp-'));
  await chmod(dataDir, 0o700);
  const bus = new EventBus({ logger: silentLogger });
  const storage = new StorageService(dataDir);
  const keychain = new Keychain(`Cell 0 bench ${randomUUID()}`);
  const identity = new IdentityService({ keychain, db: storage.db, bus, logger: silentLogger });
  const audit = new AuditLog({ db: storage.db, identity, bus });
  const permissions = new PermissionEngine({ db: storage.db, identity, bus, audit });
  const workspaceRoot = defaultWorkspaceRoot(dataDir);
  const sandbox = new Sandbox({ logger: silentLogger, workspaceRoots: [workspaceRoot] });
  const kernel = new Kernel({
    sandbox,
    permissions,
    audit,
    db: storage.db,
    bus,
    dataDir,
    logger: silentLogger,
    workspaceRoot,
  });
  const mcp = new McpService({
    dataDir,
    workspaceRoot,
    sandbox,
    kernel,
    keychain,
    audit,
    bus,
    logger: silentLogger,
    version: 'bench',
    watch: false,
  });
  const conversations = new ConversationStore(storage.db);
  const direct = new Client({ name: 'bench-direct', version: '1' });
  const confinedDirect = new Client({ name: 'bench-confined', version: '1' });
  try {
    await storage.start();
    await identity.start();
    await permissions.start();
    await kernel.start();
    const status = await sandbox.status();
    if (!status.available) throw new Error(`the sandbox is unavailable here: ${status.detail}`);
    await mcp.start();
    await mcp.whenSettled();

    // (1) From add to tools listed.
    const ready = (id: string) =>
      new Promise<McpServer>((done) => {
        const stop = bus.subscribe((frame) => {
          if (frame.event !== 'mcp.updated') return;
          const { server } = frame.payload as { server: McpServer };
          if (server.config.id === id && server.state !== 'starting') {
            stop();
            done(server);
          }
        });
      });
    const startOnce = async (name: string, confinement: 'sandbox' | 'unconfined') => {
      const started = performance.now();
      const added = await mcp.add(input(name, confinement));
      const server = added.state === 'starting' ? await ready(added.config.id) : added;
      const ms = performance.now() - started;
      if (server.state !== 'ready' || server.tools.length === 0) {
        throw new Error(`${name} did not start: ${server.error?.message ?? 'no tools'}`);
      }
      await mcp.remove(server.config.id);
      return ms;
    };
    const confinedStarts: number[] = [];
    const unconfinedStarts: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      confinedStarts.push(await startOnce(`confined-${i}`, 'sandbox'));
      unconfinedStarts.push(await startOnce(`unconfined-${i}`, 'unconfined'));
    }

    // (2) One echo call: through the law and a confined conversation process...
    const server = await mcp.add(input('bench', 'sandbox'));
    if (server.state === 'starting') await ready(server.config.id);
    const conversation = await conversations.create('bench');
    const messageId = randomUUID();
    // The owner allows echo for this conversation once; every later call passes the engine unasked.
    const unsubscribe = bus.subscribe((frame) => {
      if (frame.event !== 'permission.requested') return;
      const { request } = frame.payload as { request: PermissionRequest };
      void permissions.respond(request.id, 'allow-conversation');
    });
    const tools = mcp.toolsFor({
      conversationId: conversation.id,
      messageId,
      signal: new AbortController().signal,
    });
    const echo = tools['mcp__bench__echo']!;
    const viaCell0 = async () => {
      const options = { toolCallId: randomUUID(), messages: [] } as ToolExecutionOptions;
      const out = (await echo.execute!({ message: 'ping' }, options)) as string;
      if (!out.includes('Echo: ping')) throw new Error(`unexpected answer: ${out}`);
    };
    // ...against the same server, unconfined, called with the SDK's own client and nothing between.
    await direct.connect(
      new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' }),
    );
    const straight = async () => {
      const result = await direct.callTool({ name: 'echo', arguments: { message: 'ping' } });
      if (!JSON.stringify(result.content).includes('Echo: ping')) throw new Error('unexpected direct answer');
    };
    // ...and the same server confined, called with the SDK's client over Cell 0's transport: the
    // sandbox's share of the difference (after start, only pipes), the rest being the law's.
    const home = join(workspaceRoot, 'bench-confined');
    await sandbox.prepareWorkspace(home);
    const command = await sandbox.confinedCommand({
      argv: ['node', EVERYTHING, 'stdio'],
      workspace: home,
      home,
      paths: [{ path: NODE_MODULES, write: false }],
      env: {},
      network: null,
    });
    await confinedDirect.connect(new ProcessTransport(command));
    const confinedStraight = async () => {
      const result = await confinedDirect.callTool({ name: 'echo', arguments: { message: 'ping' } });
      if (!JSON.stringify(result.content).includes('Echo: ping'))
        throw new Error('unexpected confined answer');
    };
    const time = async (runs: number, once: () => Promise<void>) => {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await once();
        samples.push(performance.now() - started);
      }
      return samples;
    };
    await time(WARMUP, viaCell0);
    await time(WARMUP, straight);
    await time(WARMUP, confinedStraight);
    // Interleaved halves, so drift in machine load touches every side alike.
    const governed = [...(await time(CALLS / 2, viaCell0))];
    const plain = [...(await time(CALLS / 2, straight))];
    const confined = [...(await time(CALLS / 2, confinedStraight))];
    governed.push(...(await time(CALLS / 2, viaCell0)));
    plain.push(...(await time(CALLS / 2, straight)));
    confined.push(...(await time(CALLS / 2, confinedStraight)));
    unsubscribe();

    const figures = {
      start_ms: round(median(confinedStarts)),
      start_unconfined_ms: round(median(unconfinedStarts)),
      call_ms: round(median(governed)),
      call_p90_ms: round(p90(governed)),
      direct_call_ms: round(median(plain)),
      direct_call_p90_ms: round(p90(plain)),
      confined_direct_call_ms: round(median(confined)),
      call_overhead_ms: round(median(governed) - median(plain)),
    };
    process.stdout.write(
      `${status.detail}\n` +
        `mcp add to tools listed, confined   (N=${STARTS}): median ${figures.start_ms} ms\n` +
        `mcp add to tools listed, unconfined (N=${STARTS}): median ${figures.start_unconfined_ms} ms\n` +
        `echo through Cell 0 (engine, audit x2, ledger, confined process; N=${governed.length}): ` +
        `median ${figures.call_ms} ms, p90 ${figures.call_p90_ms} ms\n` +
        `echo straight to the server with the SDK (N=${plain.length}): ` +
        `median ${figures.direct_call_ms} ms, p90 ${figures.direct_call_p90_ms} ms\n` +
        `echo to the same server confined, SDK client, no law (N=${confined.length}): ` +
        `median ${figures.confined_direct_call_ms} ms\n` +
        `added per call: ${figures.call_overhead_ms} ms (the sandbox's share: ` +
        `${round(median(confined) - median(plain))} ms; the rest is the permission engine, two signed ` +
        `audit records and the tool-call record)\n` +
        `${JSON.stringify(figures)}\n`,
    );
  } finally {
    await direct.close().catch(() => undefined);
    await confinedDirect.close().catch(() => undefined);
    await mcp.stop();
    await kernel.stop();
    await permissions.stop();
    await audit.stop();
    await identity.stop();
    await storage.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workspaceRoot, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:mcp failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
