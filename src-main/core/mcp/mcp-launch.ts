/**
 * How one process (or remote session) of a configured server is started: a remote one over
 * Streamable HTTP with its headers; a local one in the kernel's sandbox with its workspace, home and
 * declared paths — or, where the owner chose it for this server, unconfined with their rights —
 * and, either way, only a minimal environment plus the server's own variables.
 */
import { homedir, userInfo } from 'node:os';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { EgressOptions, EgressRules } from '../kernel/network/egress-proxy.js';
import type { Sandbox } from '../kernel/sandbox/sandbox.js';
import type { McpServerConfig, McpStdioTransport } from '../protocol/mcp-entities.js';
import { resolveConfined, resolveUnconfined } from './command-path.js';
import type { McpSecrets } from './mcp-secrets.js';
import { ProcessTransport } from './stdio-transport.js';

/** Where one process of a server runs: the workspace it works in and its own home. */
export interface LaunchScope {
  workspace: string;
  home: string;
  /** The conversation it serves; null for the process that lists its tools. */
  conversationId: string | null;
}

export interface Launched {
  transport: Transport;
  /** The local process's transport (its stderr, its end), when there is one. */
  process: ProcessTransport | null;
  /** What the sandbox shows it, for explaining what it lacked. */
  visible: string[];
  readOnly: string[];
  release(): Promise<void>;
}

export interface LaunchDeps {
  sandbox: Pick<Sandbox, 'confinedCommand'>;
  /** The login shell's PATH merged with the app's own (see command-path.ts). */
  searchPath: readonly string[];
  /** What a confined server granted network may reach, and where its attempts are recorded. */
  egress(server: string, rules: EgressRules, conversationId: string | null): EgressOptions;
}

/** A confined server granted network may reach any public host (through the egress proxy). */
export const SERVER_NETWORK: EgressRules = { mode: 'enforce', anyPublic: true, hosts: [] };

const WORKSPACE = /\$\{workspace\}/g;

export function substitute(value: string, scope: LaunchScope): string {
  return value.replace(WORKSPACE, scope.workspace);
}

/** An unconfined server still gets no more of the app's environment than a login would give it. */
function unconfinedEnv(searchPath: readonly string[]): Record<string, string> {
  let user = process.env.USER ?? '';
  try {
    user ||= userInfo().username;
  } catch {
    // No passwd entry: leave USER empty.
  }
  return {
    HOME: homedir(),
    USER: user,
    LOGNAME: user,
    SHELL: process.env.SHELL ?? '/bin/sh',
    LANG: process.env.LANG ?? 'C.UTF-8',
    PATH: searchPath.join(':'),
  };
}

async function launchStdio(
  name: string,
  transport: McpStdioTransport,
  secrets: McpSecrets,
  scope: LaunchScope,
  deps: LaunchDeps,
): Promise<Launched> {
  const args = transport.args.map((a) => substitute(a, scope));
  const cwd = transport.cwd === null ? scope.workspace : substitute(transport.cwd, scope);
  const unconfined = transport.confinement === 'unconfined';
  const resolved = unconfined
    ? await resolveUnconfined(transport.command, deps.searchPath)
    : await resolveConfined(transport.command, deps.searchPath, transport.paths);
  const command = await deps.sandbox.confinedCommand({
    argv: [resolved.command, ...args],
    workspace: scope.workspace,
    home: scope.home,
    paths: unconfined ? [] : transport.paths,
    cwd,
    env: unconfined ? { ...unconfinedEnv(deps.searchPath), ...secrets.env } : secrets.env,
    pathDirs: resolved.pathDirs,
    network:
      transport.network && !unconfined ? deps.egress(name, SERVER_NETWORK, scope.conversationId) : null,
    unsandboxed: unconfined,
  });
  const process = new ProcessTransport(command);
  return {
    transport: process,
    process,
    visible: ['/usr', scope.workspace, scope.home, ...transport.paths.map((p) => p.path)],
    readOnly: transport.paths.filter((p) => !p.write).map((p) => p.path),
    release: () => command.release(),
  };
}

export async function launch(
  config: McpServerConfig,
  secrets: McpSecrets,
  scope: LaunchScope,
  deps: LaunchDeps,
): Promise<Launched> {
  const { transport } = config;
  if (transport.kind === 'stdio') return launchStdio(config.name, transport, secrets, scope, deps);
  const http = new StreamableHTTPClientTransport(new URL(transport.url), {
    requestInit: { headers: secrets.headers },
  });
  return { transport: http, process: null, visible: [], readOnly: [], release: async () => undefined };
}

/** Where its calls run, as every view says it. */
export function runsOf(config: McpServerConfig): 'sandboxed' | 'unconfined' | 'remote' {
  if (config.transport.kind === 'http') return 'remote';
  return config.transport.confinement === 'unconfined' ? 'unconfined' : 'sandboxed';
}
