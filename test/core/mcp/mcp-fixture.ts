/**
 * Real MCP servers for the tests, run the way Cell 0 runs them: the official test peers
 * (@modelcontextprotocol/server-everything, server-filesystem) and test/fixtures/mcp/peer.mjs,
 * started confined by the real sandbox. Their packages are root's files under the repository, so
 * a confined server is given node_modules (and the fixture folder) as read-only declared paths.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { silentLogger } from '../../../src-main/core/base/logger.js';
import type { EgressAttempt, EgressRules } from '../../../src-main/core/kernel/network/egress-proxy.js';
import { Sandbox } from '../../../src-main/core/kernel/sandbox/sandbox.js';
import { mergePath } from '../../../src-main/core/mcp/command-path.js';
import { McpServerRuntime } from '../../../src-main/core/mcp/mcp-server.js';
import type {
  McpPath,
  McpServerConfig,
  McpStdioTransport,
} from '../../../src-main/core/protocol/mcp-entities.js';

export const REPO = resolve(import.meta.dirname, '../../..');
export const NODE_MODULES = join(REPO, 'node_modules');
export const FIXTURES = join(REPO, 'test/fixtures/mcp');
export const EVERYTHING = join(NODE_MODULES, '@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM = join(NODE_MODULES, '@modelcontextprotocol/server-filesystem/dist/index.js');
export const PEER = join(FIXTURES, 'peer.mjs');

/** What a confined test server may read besides its workspace: the packages and the fixture. */
export const PACKAGES: McpPath[] = [
  { path: NODE_MODULES, write: false },
  { path: FIXTURES, write: false },
];

export function stdio(args: string[], more: Partial<McpStdioTransport> = {}): McpStdioTransport {
  return {
    kind: 'stdio',
    command: 'node',
    args,
    cwd: null,
    envNames: [],
    confinement: 'sandbox',
    paths: PACKAGES,
    network: false,
    ...more,
  };
}

export function config(name: string, transport: McpServerConfig['transport']): McpServerConfig {
  return { id: randomUUID(), name, transport, enabled: true, disabledTools: [], createdAt: Date.now() };
}

export interface Harness {
  sandbox: Sandbox;
  base: string;
  /** A runtime with real deps; `changes` counts its announcements. */
  runtime(
    config: McpServerConfig,
    options?: {
      env?: Record<string, string>;
      headers?: Record<string, string>;
      startTimeoutMs?: number;
      onChange?: () => void;
      /** What a server granted network may reach (default: what Cell 0 grants, any public host). */
      egressRules?: EgressRules;
    },
  ): McpServerRuntime;
  workspaceFor(conversationId: string): Promise<string>;
  /** Every connection a granted server tried through the egress proxy. */
  attempts: EgressAttempt[];
  close(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const sandbox = new Sandbox({ logger: silentLogger });
  await sandbox.start();
  // Outside /tmp, like the workspaces Cell 0 makes as root (/var/lib/cell0): the sandbox's /tmp is private.
  const base = await mkdtemp(join(process.getuid?.() === 0 ? '/var/tmp' : tmpdir(), 'cell0-mcp-test-'));
  await chmod(base, 0o711);
  const runtimes: McpServerRuntime[] = [];
  const attempts: EgressAttempt[] = [];
  const workspaceFor = async (conversationId: string) => {
    const dir = join(base, 'workspaces', conversationId);
    await mkdir(join(base, 'workspaces'), { recursive: true, mode: 0o755 });
    await sandbox.prepareWorkspace(dir);
    return dir;
  };
  return {
    sandbox,
    base,
    workspaceFor,
    attempts,
    runtime(cfg, options = {}) {
      const runtime = new McpServerRuntime(cfg, {
        launch: () => ({
          sandbox,
          searchPath: mergePath(null, process.env.PATH),
          egress: (_server, rules) => ({
            rules: options.egressRules ?? rules,
            onAttempt: (attempt) => attempts.push(attempt),
          }),
        }),
        secrets: { load: async () => ({ env: options.env ?? {}, headers: options.headers ?? {} }) },
        homeFor: async (id) => {
          const dir = join(base, 'homes', id);
          await mkdir(join(base, 'homes'), { recursive: true, mode: 0o755 });
          await sandbox.prepareWorkspace(dir);
          return dir;
        },
        workspaceFor,
        startTimeoutMs: options.startTimeoutMs ?? 20_000,
        version: 'test',
        logger: silentLogger,
        onChange: options.onChange ?? (() => undefined),
      });
      runtimes.push(runtime);
      return runtime;
    },
    async close() {
      await Promise.all(runtimes.map((r) => r.stop()));
      await sandbox.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** A runtime's announcements, to wait on: `until(check)` resolves once check() holds after one. */
export function announcements(): { onChange: () => void; until(check: () => boolean): Promise<void> } {
  const listeners = new Set<() => void>();
  return {
    onChange: () => {
      for (const listener of [...listeners]) listener();
    },
    until(check) {
      return new Promise((done) => {
        if (check()) return done();
        const listener = () => {
          if (!check()) return;
          listeners.delete(listener);
          done();
        };
        listeners.add(listener);
      });
    },
  };
}

/** Every process on the host whose command line contains `marker`. */
export async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(marker)) found.push(Number(name));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}
