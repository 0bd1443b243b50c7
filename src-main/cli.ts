/**
 * The `cell0` command. This entry stays small: it loads nothing but the subcommand it runs (each
 * from `cli/*-command.ts` with `await import`), so `cell0 sandbox run` does not pay for the core.
 */
import { parseArgs } from 'node:util';
import { VERSION } from './core/base/version.js';
import { DEFAULT_PORT } from './core/gateway/default-port.js';

const USAGE = `Usage: cell0 <command> [options]

Commands:
  serve            Start the core and serve the UI on http://127.0.0.1 (Ctrl-C stops it)
    --port N       Port to listen on (default ${DEFAULT_PORT})
  sandbox run [--net] [--workspace DIR] -- CMD...
                   Run one command under the tool sandbox and its limits
  audit verify     Check the audit log's hash chain and signatures (exit 1 if broken)
  channels add|list|approve|remove
                   Chat channels (Telegram, Discord, WhatsApp): \`cell0 channels --help\`
  mesh status | peers | pair ADDRESS | confirm CODE | unpair PEER | on | off
                   The mesh of the running app (\`cell0 mesh help\` for all of it)
  mcp add|list|tools|remove|serve
                   MCP servers whose tools agents may call, and Cell 0 as one: \`cell0 mcp --help\`
  models list|pull NAME|URL|remove NAME
                   Models that run on this computer: the catalog, downloads, removal
  hooks add NAME --prompt TEMPLATE [--conversation ID] [--secret-stdin] | list
                   Signed webhooks that run a prompt: \`cell0 hooks --help\`
  jobs add NAME --cron EXPR [--tz ZONE] --prompt TEXT | list | run NAME
                   Scheduled jobs: \`cell0 jobs --help\`
  pair [--name NAME] [--scope read-only|chat|full]
                   Pair another program with the gateway: prints a code to approve in the window
  ask [--model REF] [--conversation ID] [--no-tools] TEXT
                   Ask the agent once; the reply streams to stdout
  lab run [--workspace DIR] [--net-record] -- CMD... | apply ID [--only PATH]... | discard ID | list | show ID
                   Dry runs in a copy-on-write lab: see every change, then apply or discard
  checkpoints [--json] [--fix] [--only GROUP]
                   Try every security boundary on this machine: PASS, WARN, FAIL or SKIP with a fix

Options:
  -h, --help       Show this help
  -v, --version    Show the version

Environment:
  CELL0_HOME       Data directory (default: the desktop app's per-user directory)
  CELL0_KEYCHAIN_SERVICE
                   Keychain service name for secrets (default "Cell 0")
  CELL0_OLLAMA_URL Where to look for Ollama (default http://127.0.0.1:11434)
  CELL0_LMSTUDIO_URL
                   Where to look for LM Studio (default http://127.0.0.1:1234/v1)
  CELL0_MEMORY_TICK_MS, CELL0_MEMORY_IDLE_MS
                   How often the memory daemon looks for work (default 30000), and how long
                   a conversation must be quiet before it is read (default 120000)
  CELL0_MESH_LISTEN
                   Where the mesh listens, multiaddrs split by commas, e.g. a Tailscale
                   address only: /ip4/100.64.0.7/tcp/7341 (default every interface)
  CELL0_MODEL_CATALOG
                   A model catalog file in place of the built-in one
  CELL0_LOCAL_GPU  0 keeps models on this computer to the CPU
  CELL0_LOCAL_THREADS
                   CPU threads a model on this computer uses (default: the physical cores)`;

function fail(message: string): never {
  process.stderr.write(`cell0: ${message}\n`);
  process.exit(2);
}

/** A duration in ms from the environment, or undefined when unset; anything else is refused. */
function durationFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) fail(`${name} must be a whole number of milliseconds`);
  return ms;
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } }, strict: true });
  // Unset: the port in Settings (default ${DEFAULT_PORT}), where the desktop app's gateway listens too.
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    fail(`--port must be a number from 0 to 65535`);
  const started = performance.now();
  const env = process.env;
  const tickMs = durationFrom(env, 'CELL0_MEMORY_TICK_MS');
  const idleMs = durationFrom(env, 'CELL0_MEMORY_IDLE_MS');
  // Loaded here, not at the top: every other command starts without the core.
  const { startServe } = await import('./serve.js');
  const handle = await startServe({
    ...(port !== undefined ? { port } : {}),
    memory: {
      ...(tickMs !== undefined ? { tickMs } : {}),
      ...(idleMs !== undefined ? { idleMs } : {}),
    },
    ...(env.CELL0_KEYCHAIN_SERVICE ? { keychainService: env.CELL0_KEYCHAIN_SERVICE } : {}),
    localServers: {
      ...(env.CELL0_OLLAMA_URL ? { ollama: env.CELL0_OLLAMA_URL } : {}),
      ...(env.CELL0_LMSTUDIO_URL ? { lmstudio: env.CELL0_LMSTUDIO_URL } : {}),
    },
    ...(env.CELL0_MESH_LISTEN ? { meshListen: env.CELL0_MESH_LISTEN.split(',').map((a) => a.trim()) } : {}),
  });
  process.stdout.write(
    `Cell 0 is ready in ${Math.round(performance.now() - started)} ms\n` +
      `  Open: ${handle.url}\n` +
      `  Data: ${handle.core.dataDir}\n` +
      `Press Ctrl-C to stop.\n`,
  );
  void handle.core
    .whenStarted()
    .then(() =>
      handle.core.logger.info(
        `all services started ${Math.round(performance.now() - started)} ms after launch`,
      ),
    );
  let stoppingSince = 0;
  const shutdown = (signal: string) => {
    if (stoppingSince) {
      // conf's exit hook (when-exit) re-raises the signal it saw at once; only a later press forces.
      if (Date.now() - stoppingSince < 1000) return;
      process.stderr.write('Stopping anyway.\n');
      process.exit(130);
    }
    stoppingSince = Date.now();
    process.stdout.write(`\n${signal}: stopping…\n`);
    handle.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`cell0: stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  try {
    if (command === 'serve') return await serve(rest);
    if (command === 'sandbox') return await (await import('./cli/sandbox-command.js')).sandboxCommand(rest);
    if (command === 'audit') return await (await import('./cli/audit-command.js')).auditCommand(rest);
    if (command === 'channels')
      return await (await import('./cli/channels-command.js')).channelsCommand(rest);
    if (command === 'mesh') return await (await import('./cli/mesh-command.js')).meshCommand(rest);
    if (command === 'mcp') return await (await import('./cli/mcp-command.js')).mcpCommand(rest);
    if (command === 'models') return await (await import('./cli/models-command.js')).modelsCommand(rest);
    if (command === 'hooks') return await (await import('./cli/automations-command.js')).hooksCommand(rest);
    if (command === 'jobs') return await (await import('./cli/automations-command.js')).jobsCommand(rest);
    if (command === 'pair') return await (await import('./cli/pair-command.js')).pairCommand(rest);
    if (command === 'ask') return await (await import('./cli/ask-command.js')).askCommand(rest);
    if (command === 'lab') return await (await import('./cli/lab-command.js')).labCommand(rest);
    if (command === 'checkpoints')
      return await (await import('./cli/checkpoints-command.js')).checkpointsCommand(rest);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  fail(`unknown command "${command}"\n\n${USAGE}`);
}
