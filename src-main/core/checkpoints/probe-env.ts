/**
 * The parts a checkpoint run tries, made the way the rest of Cell 0 makes them: the data
 * directory's database (read only; the writer only for a safe fix), the OS keychain, a Sandbox
 * like `cell0 sandbox run`'s, a gateway like `cell0 serve`'s. The running app passes what it has.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '../base/logger.js';
import { EventBus } from '../base/event-bus.js';
import { Keychain } from '../identity/keychain.js';
import { openReadOnly } from '../kernel/audit/read-only-database.js';
import { Sandbox } from '../kernel/sandbox/sandbox.js';
import { controlSocketPath } from '../gateway/control-socket.js';
import { newAccessToken, WsGateway } from '../gateway/ws-gateway.js';
import { createRouter, type Handlers, type Router } from '../protocol/router.js';
import { Cell0Error } from '../protocol/errors.js';
import { Database } from '../storage/database.js';
import { DATABASE_FILE } from '../storage/storage-service.js';
import type { DesktopProbe, ProbeGateway, ProbeParts, ProbeSandbox } from './checkpoint.js';

export interface ProbePartsOptions {
  dataDir: string;
  runner: ProbeParts['runner'];
  keychainService?: string;
  /** The router the probe gateway serves; default one that answers only session.hello. */
  router?: Router;
  /** The app's process (the running app passes its own pid); default: whoever holds the control socket. */
  appPid?: () => Promise<number | null>;
  busy?: () => boolean;
  desktop?: DesktopProbe | null;
}

export interface OwnedParts extends ProbeParts {
  close(): Promise<void>;
}

/** A router like the app's for what the probes ask: hello checks the token, the rest needs it first. */
function helloOnlyRouter(): Router {
  const handlers = {
    'session.hello': ({ token }: { token: string }, ctx: { authenticate?: (t: string) => boolean }) => {
      if (!ctx.authenticate?.(token)) throw new Cell0Error('UNAUTHENTICATED', 'The access token is wrong.');
      return { version: 'checkpoint' };
    },
    'app.info': () => ({ version: 'checkpoint', dataDir: '', mode: 'serve', pricesAsOf: '' }),
  };
  return createRouter(handlers as unknown as Handlers);
}

export async function startProbeGateway(router: Router, host?: string): Promise<ProbeGateway> {
  const token = newAccessToken();
  const gateway = new WsGateway({
    router,
    bus: new EventBus({ logger: silentLogger }),
    logger: silentLogger,
    token,
    port: 0,
    staticDir: null,
    ...(host ? { host } : {}),
  });
  await gateway.start();
  return { host: gateway.host, port: gateway.port, token, close: () => gateway.stop() };
}

/** Who listens on the data directory's control socket: its inode in /proc/net/unix, then whose fd it is. */
export async function controlSocketOwner(dataDir: string): Promise<number | null> {
  if (process.platform !== 'linux') return null;
  const path = controlSocketPath(dataDir);
  const table = await readFile('/proc/net/unix', 'utf8').catch(() => '');
  const inodes = new Set(
    table
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[7] === path)
      .map((f) => f[6]!),
  );
  if (inodes.size === 0) return null;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return Number(pid);
    }
  }
  return null;
}

function sandboxParts(sandbox: Sandbox): ProbeSandbox {
  return {
    status: () => sandbox.status(),
    prepareWorkspace: (dir) => sandbox.prepareWorkspace(dir),
    run: (spec) => sandbox.run(spec),
  };
}

export async function probeParts(options: ProbePartsOptions): Promise<OwnedParts> {
  const file = join(options.dataDir, DATABASE_FILE);
  const db = existsSync(file) ? await openReadOnly(file) : null;
  const sandbox = new Sandbox({ logger: silentLogger });
  const missing: Sandbox[] = [];
  let writer: Database | null = null;
  const keychain = new Keychain(options.keychainService);
  return {
    dataDir: options.dataDir,
    runner: options.runner,
    db,
    async writeDb() {
      if (!writer) {
        writer = new Database(file);
        await writer.open();
        await writer.exec('PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
      }
      const w = writer;
      return { run: (sql, params) => w.run(sql, params ?? []) };
    },
    keychain,
    sandbox: sandboxParts(sandbox),
    missingSandbox() {
      const none = new Sandbox({ logger: silentLogger, bwrapPath: '/nonexistent/bwrap' });
      missing.push(none);
      return sandboxParts(none);
    },
    startGateway: () => startProbeGateway(options.router ?? helloOnlyRouter()),
    appPid: options.appPid ?? (() => controlSocketOwner(options.dataDir)),
    busy: options.busy ?? (() => false),
    desktop: options.desktop ?? null,
    async close() {
      await Promise.all([sandbox.stop(), ...missing.map((s) => s.stop())]);
      await db?.close();
      await writer?.close();
    },
  };
}
