/**
 * `cell0 mcp …`: the MCP servers whose tools agents may call, in the same store as the window
 * (mcp.json in the data directory, secrets in the keychain). A running Cell 0 on the same data
 * directory follows the file and picks up every change.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/base/paths.js';
import { silentLogger } from '../core/base/logger.js';
import { Keychain } from '../core/identity/keychain.js';
import { defaultWorkspaceRoot } from '../core/kernel/kernel.js';
import { visibleText } from '../core/kernel/permissions/visible.js';
import { Sandbox } from '../core/kernel/sandbox/sandbox.js';
import { mergePath } from '../core/mcp/command-path.js';
import { McpConfigs } from '../core/mcp/mcp-configs.js';
import { runsOf } from '../core/mcp/mcp-launch.js';
import { auditedEgress } from '../core/mcp/mcp-egress.js';
import { startOnce } from '../core/mcp/one-shot.js';
import { VERSION } from '../core/base/version.js';
import { isCell0Error } from '../core/protocol/errors.js';
import { mcpServerInputSchema, type McpPath, type McpServerConfig } from '../core/protocol/mcp-entities.js';
import { openAuditTrail } from './audit-trail.js';

export const MCP_USAGE = `Usage: cell0 mcp <command>

  add NAME [--env K=V]... [--allow-path PATH[:rw]]... [--net] [--unconfined] [--cwd DIR] -- COMMAND [ARGS...]
                   Add a server Cell 0 starts. It runs in the tool sandbox: it sees /usr, the
                   conversation's workspace (\${workspace} in ARGS stands for it) and the paths
                   given with --allow-path (read-only, or read-write with :rw); no network
                   unless --net; --unconfined runs it with your full rights instead
  add NAME --url URL [--header K=V]... [--bearer-token-stdin]
                   Add a remote server (Streamable HTTP); the token is read from standard input
  list             Show the servers and how each runs
  tools NAME       Start the server, print its tools and stop it (exit 1 with the reason if it
                   cannot start)
  remove NAME      Remove a server and its secrets
  serve            Speak MCP on standard input and output: memory search and conversation
                   search for other MCP clients, read-only, each call audited (turn it on in
                   Settings → MCP servers first)

Variables and headers go to the system keychain; the rest to mcp.json in the data directory.`;

export interface McpCommandDeps {
  stdin?: NodeJS.ReadableStream;
  out?: (text: string) => void;
  /** How long a server may take to start for `tools` (tests shorten it). */
  startTimeoutMs?: number;
}

function usageError(message: string): void {
  process.stderr.write(`cell0 mcp: ${message}\n\n${MCP_USAGE}\n`);
  process.exitCode = 2;
}

function fail(message: string): void {
  process.stderr.write(`cell0 mcp: ${message}\n`);
  process.exitCode = 1;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}

function pairs(values: string[] | undefined, what: string): Record<string, string> | string {
  const result: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0) return `${what} “${value}” is not NAME=VALUE`;
    result[value.slice(0, at)] = value.slice(at + 1);
  }
  return result;
}

/** PATH, PATH:ro or PATH:rw, made absolute. */
export function allowedPath(value: string): McpPath {
  const match = /^(.*):(rw|ro)$/.exec(value);
  const path = match ? match[1]! : value;
  return { path: resolve(path), write: match?.[2] === 'rw' };
}

async function add(
  configs: McpConfigs,
  args: string[],
  stdin: NodeJS.ReadableStream,
  out: (t: string) => void,
) {
  const dashes = args.indexOf('--');
  const options = dashes < 0 ? args : args.slice(0, dashes);
  const command = dashes < 0 ? [] : args.slice(dashes + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: options,
      allowPositionals: true,
      strict: true,
      options: {
        env: { type: 'string', multiple: true },
        'allow-path': { type: 'string', multiple: true },
        net: { type: 'boolean' },
        unconfined: { type: 'boolean' },
        cwd: { type: 'string' },
        url: { type: 'string' },
        header: { type: 'string', multiple: true },
        'bearer-token-stdin': { type: 'boolean' },
      },
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    return usageError('add takes one NAME, then -- COMMAND [ARGS...] or --url URL');
  const name = positionals[0]!;
  let transport;
  if (values.url !== undefined) {
    if (command.length > 0) return usageError('give either --url or -- COMMAND, not both');
    const headers = pairs(values.header, 'header');
    if (typeof headers === 'string') return usageError(headers);
    const bearerToken = values['bearer-token-stdin'] ? await readAll(stdin) : null;
    transport = { kind: 'http' as const, url: values.url, headers, bearerToken: bearerToken || null };
  } else {
    if (command.length === 0) return usageError('no command given after --');
    const env = pairs(values.env, '--env');
    if (typeof env === 'string') return usageError(env);
    transport = {
      kind: 'stdio' as const,
      command: command[0]!,
      args: command.slice(1),
      cwd: values.cwd === undefined ? null : resolve(values.cwd),
      env,
      confinement: values.unconfined ? ('unconfined' as const) : ('sandbox' as const),
      paths: (values['allow-path'] ?? []).map(allowedPath),
      network: values.net === true,
    };
  }
  const input = mcpServerInputSchema.safeParse({ name, transport, enabled: true });
  if (!input.success) {
    const issue = input.error.issues[0];
    return usageError(`${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  const config = await configs.add(input.data);
  out(`Added ${config.name} (${describeRuns(config)}). Its tools: cell0 mcp tools ${config.name}\n`);
}

function describeRuns(config: McpServerConfig): string {
  const runs = runsOf(config);
  if (config.transport.kind === 'http') return `remote, ${config.transport.url}`;
  if (runs === 'unconfined') return 'UNCONFINED: it runs with your full rights';
  const t = config.transport;
  const paths = t.paths.map((p) => `${p.path}${p.write ? ' (rw)' : ''}`).join(', ');
  return `confined${paths ? `, sees ${paths}` : ''}${t.network ? ', network' : ', no network'}`;
}

function list(configs: McpServerConfig[], out: (t: string) => void): void {
  if (configs.length === 0) {
    out('No MCP servers. Add one: cell0 mcp add NAME -- COMMAND [ARGS...]\n');
    return;
  }
  for (const c of configs) {
    const what =
      c.transport.kind === 'http' ? c.transport.url : [c.transport.command, ...c.transport.args].join(' ');
    const off = c.enabled ? '' : ' · disabled';
    out(`${c.name}\t${describeRuns(c)}${off}\n  ${visibleText(what)}\n`);
  }
}

async function tools(configs: McpConfigs, name: string, deps: McpCommandDeps, out: (t: string) => void) {
  const config = await configs.find(name);
  if (!config) return fail(`there is no server called “${name}” (cell0 mcp list shows them)`);
  const dataDir = defaultDataDir();
  const workspaceRoot = defaultWorkspaceRoot(dataDir);
  const sandbox = new Sandbox({ logger: silentLogger, workspaceRoots: [workspaceRoot] });
  const t = config.transport;
  // A server granted network gets the egress proxy, whose every attempt goes to the audit log.
  const trail = t.kind === 'stdio' && t.network ? await openAuditTrail(dataDir, silentLogger) : null;
  try {
    const { server } = await startOnce(
      config,
      configs.secrets,
      {
        sandbox,
        workspaceRoot,
        logger: silentLogger,
        version: VERSION,
        startTimeoutMs: deps.startTimeoutMs ?? 30_000,
        searchPath: mergePath(null, process.env.PATH),
        egress: trail ? auditedEgress(trail.audit, silentLogger) : noNetwork,
      },
      false,
    );
    if (server.state !== 'ready') return fail(server.error?.message ?? `${name} could not start`);
    if (server.tools.length === 0) out(`${name} offers no tools.\n`);
    for (const tool of server.tools) {
      const description = visibleText(tool.description.split('\n')[0] ?? '');
      const note = tool.problem ? ` [not offered: ${tool.problem}]` : tool.enabled ? '' : ' [switched off]';
      out(`${tool.name}\t${description}${note}\n`);
    }
  } finally {
    await sandbox.stop();
    await trail?.close();
  }
}

const noNetwork = (): never => {
  throw new Error('this server was not granted network');
};

/** `cell0 mcp …`. Sets process.exitCode rather than exiting, so tests can call it. */
export async function mcpCommand(args: string[], deps: McpCommandDeps = {}): Promise<void> {
  const out = deps.out ?? ((text: string) => void process.stdout.write(text));
  const [sub, ...rest] = args;
  if (!sub || sub === '-h' || sub === '--help' || sub === 'help') {
    out(`${MCP_USAGE}\n`);
    return;
  }
  if (sub === 'serve') {
    if (rest.length > 0) return usageError('serve takes no arguments');
    return (await import('./mcp-serve.js')).mcpServe();
  }
  const configs = new McpConfigs(defaultDataDir(), new Keychain(process.env.CELL0_KEYCHAIN_SERVICE));
  try {
    if (sub === 'add') return await add(configs, rest, deps.stdin ?? process.stdin, out);
    if (sub === 'list') {
      if (rest.length > 0) return usageError('list takes no arguments');
      return list((await configs.read()).servers, out);
    }
    if (sub === 'tools' || sub === 'remove') {
      if (rest.length !== 1) return usageError(`${sub} takes one NAME`);
      if (sub === 'tools') return await tools(configs, rest[0]!, deps, out);
      const config = await configs.find(rest[0]!);
      if (!config) return fail(`there is no server called “${rest[0]}”`);
      await configs.remove(config.id);
      out(`Removed ${config.name}.\n`);
      return;
    }
    return usageError(`unknown command “${sub}”`);
  } catch (err) {
    fail(isCell0Error(err) ? err.message : `${String(err)}`);
  }
}
