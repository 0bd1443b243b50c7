/**
 * Every checkpoint against a real data directory (real SQLite, the real keychain under
 * with-keyring, real bubblewrap, a real gateway): the healthy state passes, and for each
 * checkpoint a copy of that state with its boundary broken — a planted secret, a tampered record,
 * a 777 directory, a sandbox replaced through the test seam by a bare process — fails.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { EventBus } from '../../../src-main/core/base/event-bus.js';
import { silentLogger } from '../../../src-main/core/base/logger.js';
import { keyAccount } from '../../../src-main/core/agents/provider-registry.js';
import { CHECKPOINTS } from '../../../src-main/core/checkpoints/checkpoints.js';
import type {
  DesktopProbe,
  ProbeParts,
  ProbeSandbox,
} from '../../../src-main/core/checkpoints/checkpoint.js';
import { probeParts, type OwnedParts } from '../../../src-main/core/checkpoints/probe-env.js';
import { runCheckpoints } from '../../../src-main/core/checkpoints/run-checkpoints.js';
import { controlSocketPath } from '../../../src-main/core/gateway/control-socket.js';
import { IdentityService } from '../../../src-main/core/identity/identity-service.js';
import { Keychain } from '../../../src-main/core/identity/keychain.js';
import { generateKeyPair, exportPrivateKey } from '../../../src-main/core/identity/signing.js';
import { AuditLog } from '../../../src-main/core/kernel/audit/audit-log.js';
import { headFileIn } from '../../../src-main/core/kernel/audit/audit-head.js';
import { rulePayload } from '../../../src-main/core/kernel/permissions/rule-store.js';
import type { RunResult, RunSpec } from '../../../src-main/core/kernel/types.js';
import { Database } from '../../../src-main/core/storage/database.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';
import type { CheckpointStatus } from '../../../src-main/core/protocol/checkpoint-entities.js';

const SERVICE = `cell0-checkpoints-test-${process.pid}-${randomBytes(3).toString('hex')}`;
const keychain = new Keychain(SERVICE);
const PROVIDER_KEY = `sk-test-${randomBytes(18).toString('hex')}`;
const PROVIDER_ID = 'openai-test';

let healthy: string;
let identityAccount: string;
let identitySecret: string;
const cleanups: (() => Promise<unknown>)[] = [];

async function sql(dataDir: string, statements: string, params: (string | number)[] = []): Promise<void> {
  const db = new Database(join(dataDir, 'cell0.sqlite'));
  await db.open();
  try {
    if (params.length) await db.run(statements, params);
    else await db.exec(statements);
  } finally {
    await db.close();
  }
}

/** A data directory as a real instance leaves it, with one of everything the probes look at. */
async function makeHealthy(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cell0-chk-'));
  await chmod(dataDir, 0o700);
  const storage = new StorageService(dataDir);
  await storage.start();
  const bus = new EventBus({ logger: silentLogger });
  const identity = new IdentityService({ keychain, db: storage.db, bus, logger: silentLogger });
  await identity.start();
  const audit = new AuditLog({ db: storage.db, identity, bus });
  await audit.append({
    actor: 'owner',
    kind: 'tool.call',
    tool: 'shell',
    args: { command: 'ls' },
    outcome: 'allowed',
  });
  await audit.append({ actor: 'owner', kind: 'tool.result', tool: 'shell', outcome: 'ok' });
  const [key] = await storage.db.all<{ public_key: string; keychain_account: string }>(
    'SELECT public_key, keychain_account FROM identity_keys',
  );
  identityAccount = key!.keychain_account;
  identitySecret = (await keychain.get(identityAccount))!;
  const rule = {
    id: randomUUID(),
    tool: 'shell',
    pattern: 'git status *',
    decision: 'allow',
    created_at: Date.now(),
  };
  await storage.db.run(
    'INSERT INTO permission_rules (id, tool, pattern, decision, created_at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      rule.id,
      rule.tool,
      rule.pattern,
      rule.decision,
      rule.created_at,
      key!.public_key,
      await identity.sign(rulePayload(rule)),
    ],
  );
  await storage.db.run(
    "INSERT INTO channels (id, name, kind, config, created_at) VALUES ('ch1', 'tg', 'telegram', ?, 0)",
    [
      JSON.stringify({
        groups: 'mention',
        dmApprovals: false,
        ratePerMinute: 10,
        apiRoot: null,
        hasToken: true,
        enabled: true,
      }),
    ],
  );
  await storage.db.run(
    "INSERT INTO channel_senders (channel_id, sender_id, name, role, added_at) VALUES ('ch1', '4242', 'Owner', 'owner', 0)",
  );
  await keychain.set('channel:ch1:token', `1234567890:${randomBytes(18).toString('hex')}`);
  // A webhook with its secret in the keychain, and a device paired with the chat scope.
  await storage.db.run(
    `INSERT INTO automation_hooks (id, name, prompt, conversation_id, auth, tools, budget, rate_per_minute, max_body_bytes, created_at)
     VALUES ('h1', 'gh', 'Push to {{ $.repo }}', NULL, 'hmac', 'ask', '{}', 60, 1048576, 0)`,
  );
  await keychain.set('hook:h1', randomBytes(32).toString('base64url'));
  await storage.db.run(
    `INSERT INTO paired_devices (id, name, public_key, scope, state, code, token_hash, created_at, approved_at)
     VALUES ('d1', 'editor', 'pk', 'chat', 'paired', 'ABCD-1234', 'hash1', 0, 0)`,
  );
  await identity.stop();
  await storage.stop();
  await keychain.set(keyAccount(PROVIDER_ID), PROVIDER_KEY);
  await writeFile(
    join(dataDir, 'settings.json'),
    JSON.stringify({
      providers: [
        {
          id: PROVIDER_ID,
          kind: 'openai',
          name: 'OpenAI',
          baseUrl: 'https://api.openai.com/v1',
          defaultModel: null,
          keyStored: true,
        },
        {
          id: 'ollama',
          kind: 'openai-compatible',
          name: 'Ollama',
          baseUrl: 'http://127.0.0.1:11434/v1',
          defaultModel: null,
          keyStored: false,
        },
      ],
    }),
    { mode: 0o600 },
  );
  await writeFile(
    join(dataDir, 'mcp.json'),
    JSON.stringify({
      version: 1,
      servers: [
        {
          id: 'm1',
          name: 'fs',
          enabled: true,
          disabledTools: [],
          createdAt: 0,
          transport: {
            kind: 'stdio',
            command: 'npx',
            args: [],
            cwd: null,
            envNames: ['TOKEN'],
            confinement: 'sandbox',
            paths: [],
            network: false,
          },
        },
        {
          id: 'm2',
          name: 'remote',
          enabled: true,
          disabledTools: [],
          createdAt: 0,
          transport: { kind: 'http', url: 'https://mcp.example.com/mcp', headerNames: [] },
        },
      ],
    }),
    { mode: 0o600 },
  );
  return dataDir;
}

async function copyOf(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cell0-chk-case-'));
  await cp(source, dir, { recursive: true });
  await chmod(dir, 0o700);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A control socket like the app's (0600), so gateway.control-socket has one to look at. */
async function listenControl(dataDir: string, mode = 0o600): Promise<Server> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(controlSocketPath(dataDir), resolve));
  await chmod(controlSocketPath(dataDir), mode);
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return server;
}

const GOOD_WINDOW = {
  role: 'main',
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
  navigationGuarded: true,
};
const GOOD_FUSES = {
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
};
const desktop = (window = GOOD_WINDOW, fuses: Record<string, boolean> = GOOD_FUSES): DesktopProbe => ({
  windows: () => [window],
  fuses: async () => fuses,
});

async function parts(dataDir: string, overrides: Partial<ProbeParts> = {}): Promise<OwnedParts> {
  const base = await probeParts({
    dataDir,
    runner: 'cli',
    keychainService: SERVICE,
    appPid: async () => process.pid,
    desktop: desktop(),
  });
  cleanups.push(() => base.close());
  return Object.assign(base, overrides);
}

async function statusOf(
  id: string,
  dataDir: string,
  overrides: Partial<ProbeParts> = {},
): Promise<{ status: CheckpointStatus; detail: string }> {
  const checkpoint = CHECKPOINTS.find((c) => c.id === id)!;
  const report = await runCheckpoints(await parts(dataDir, overrides), { checkpoints: [checkpoint] });
  return report.checkpoints[0]!;
}

/** The sandbox made weaker through the seam: each "confined" run is a bare host process, no limits. */
function bareSandbox(real: ProbeSandbox): ProbeSandbox {
  return {
    status: () => real.status(),
    prepareWorkspace: (dir) => mkdir(dir, { recursive: true }).then(() => undefined),
    run: (spec: RunSpec) =>
      new Promise<RunResult>((resolve, reject) => {
        const started = Date.now();
        const child = spawn(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.workspace, env: process.env });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('error', reject);
        child.on('close', (exitCode, signal) =>
          resolve({
            exitCode,
            signal,
            output,
            truncated: false,
            limit: null,
            durationMs: Date.now() - started,
            sandboxed: false,
          }),
        );
      }),
  };
}

const weakSandbox = async (dir: string): Promise<Partial<ProbeParts>> => {
  const real = (await parts(dir)).sandbox;
  const bare = bareSandbox(real);
  return { sandbox: bare, missingSandbox: () => bare };
};

/** A gateway that checks nothing: answers every Host, every Origin, every request. */
async function carelessGateway(host = '127.0.0.1', token = randomBytes(24).toString('base64url')) {
  const server = createHttpServer((_req, res) => res.writeHead(200).end('ok'));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { id: string };
      ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, result: {} }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        wss.close();
        server.close(() => resolve());
      }),
  };
}

type Provoke = (dir: string) => Promise<Partial<ProbeParts> | void>;

const leakyKeychain = (account: (a: string) => boolean, value: (a: string) => string | null) => ({
  get: async (a: string) => (account(a) ? value(a) : keychain.get(a)),
  getExpected: async (a: string) => (account(a) ? value(a) : keychain.getExpected(a)),
  set: (a: string, s: string) => keychain.set(a, s),
  delete: (a: string) => keychain.delete(a),
});
const otherKey = exportPrivateKey(generateKeyPair().privateKey);

const CASES: Record<string, { provoke: Provoke; expect?: CheckpointStatus }> = {
  'sandbox.available': {
    provoke: async () => ({
      sandbox: {
        ...bareSandbox((await parts(healthy)).sandbox),
        status: async () => ({ kind: 'none', available: false, detail: 'bubblewrap is not installed' }),
      },
    }),
  },
  ...Object.fromEntries(
    CHECKPOINTS.filter((c) => c.group === 'sandbox' && c.id !== 'sandbox.available').map((c) => [
      c.id,
      { provoke: weakSandbox },
    ]),
  ),
  'secrets.keychain-reachable': {
    provoke: async () => ({
      keychain: {
        ...keychain,
        get: async () => null,
        getExpected: async () => null,
        set: async () => undefined,
        delete: async () => true,
      },
    }),
  },
  'secrets.keychain-locked-handled': {
    provoke: async () => ({
      keychain: {
        ...leakyKeychain(
          () => false,
          () => null,
        ),
        getExpected: async () => {
          throw new Error('DBus: no reply');
        },
      },
    }),
  },
  'secrets.data-dir-scan': {
    provoke: async (dir) => writeFile(join(dir, 'notes.txt'), `my key is ${PROVIDER_KEY}\n`, { mode: 0o600 }),
  },
  'secrets.pattern-scan': {
    provoke: async (dir) =>
      writeFile(join(dir, 'extra.json'), JSON.stringify({ key: `sk-proj-${'a1B2'.repeat(10)}` }), {
        mode: 0o600,
      }),
  },
  'secrets.logs': {
    provoke: async (dir) => {
      await mkdir(join(dir, 'logs'), { mode: 0o700 });
      await writeFile(join(dir, 'logs', 'cell0.log'), `calling with key ${PROVIDER_KEY}\n`, { mode: 0o600 });
    },
  },
  'secrets.settings-file': {
    provoke: async (dir) => {
      const settings = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as {
        providers: Record<string, unknown>[];
      };
      settings.providers[0]!.apiKey = 'typed-by-hand';
      await writeFile(join(dir, 'settings.json'), JSON.stringify(settings));
    },
  },
  'identity.key-in-keychain': {
    provoke: async () => ({
      keychain: leakyKeychain(
        (a) => a === identityAccount,
        () => null,
      ),
    }),
  },
  'identity.key-matches': {
    provoke: async () => ({
      keychain: leakyKeychain(
        (a) => a === identityAccount,
        () => otherKey,
      ),
    }),
  },
  'identity.key-only-in-keychain': {
    provoke: async (dir) => writeFile(join(dir, 'backup.txt'), identitySecret, { mode: 0o600 }),
  },
  'identity.signature': {
    provoke: async () => ({
      keychain: leakyKeychain(
        (a) => a === identityAccount,
        () => otherKey,
      ),
    }),
  },
  'identity.card': {
    provoke: async () => ({
      keychain: leakyKeychain(
        (a) => a === identityAccount,
        () => otherKey,
      ),
    }),
  },
  'identity.rotation-chain': {
    provoke: (dir) =>
      sql(dir, 'INSERT INTO identity_rotations (record, created_at) VALUES (?, 0)', [
        JSON.stringify({ type: 'cell0.key-rotation', forged: true }),
      ]),
  },
  'audit.chain': { provoke: (dir) => sql(dir, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 1") },
  'audit.head': { provoke: (dir) => rm(headFileIn(dir)) },
  'audit.trusted-keys': {
    provoke: (dir) =>
      sql(
        dir,
        "INSERT INTO identity_keys (public_key, keychain_account, created_at, retired_at) VALUES ('planted', 'identity:planted', 0, 1)",
      ),
  },
  'storage.integrity': {
    provoke: async (dir) => {
      // An index that disagrees with its table: what a torn write or a hand edit leaves behind.
      await sql(dir, 'CREATE INDEX probe_idx ON permission_rules(pattern)');
      const db = new Database(join(dir, 'cell0.sqlite'));
      await db.open();
      const [index] = await db.all<{ rootpage: number }>(
        "SELECT rootpage FROM sqlite_master WHERE name = 'probe_idx'",
      );
      await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      await db.close();
      const file = join(dir, 'cell0.sqlite');
      const bytes = await readFile(file);
      const page = (index!.rootpage - 1) * 4096;
      bytes.fill(0x5a, page + 8, page + 200);
      await writeFile(file, bytes);
    },
  },
  'storage.foreign-keys': {
    provoke: (dir) =>
      sql(
        dir,
        "PRAGMA foreign_keys = OFF; INSERT INTO channel_senders (channel_id, sender_id, name, role, added_at) VALUES ('gone', 'x', 'x', 'allowed', 0);",
      ),
  },
  'storage.migrations': { provoke: (dir) => sql(dir, 'PRAGMA user_version = 5') },
  'storage.wal': { provoke: (dir) => sql(dir, 'PRAGMA journal_mode = DELETE'), expect: 'WARN' },
  'storage.data-dir-mode': { provoke: (dir) => chmod(dir, 0o777) },
  'storage.file-modes': {
    provoke: async (dir) => {
      await chmod(dir, 0o777);
      await chmod(join(dir, 'settings.json'), 0o644);
    },
  },
  'storage.owner': { provoke: (dir) => chown(join(dir, 'settings.json'), 65534, 65534) },
  'gateway.loopback-bind': {
    provoke: async () => {
      const { startProbeGateway } = await import('../../../src-main/core/checkpoints/probe-env.js');
      const { createRouter } = await import('../../../src-main/core/protocol/router.js');
      return { startGateway: () => startProbeGateway(createRouter({} as never), '0.0.0.0') };
    },
  },
  'gateway.host-check': { provoke: async () => ({ startGateway: () => carelessGateway() }) },
  'gateway.origin-check': { provoke: async () => ({ startGateway: () => carelessGateway() }) },
  'gateway.token-required': { provoke: async () => ({ startGateway: () => carelessGateway() }) },
  'gateway.token-strength': {
    provoke: async () => ({ startGateway: () => carelessGateway('127.0.0.1', 'cell0cell0cell0') }),
  },
  'gateway.security-headers': { provoke: async () => ({ startGateway: () => carelessGateway() }) },
  'gateway.control-socket': { provoke: async (dir) => void (await listenControl(dir, 0o666)) },
  // A second hook whose secret is not in the keychain.
  'gateway.webhook-secrets': {
    provoke: (dir) =>
      sql(
        dir,
        `INSERT INTO automation_hooks (id, name, prompt, conversation_id, auth, tools, budget, rate_per_minute, max_body_bytes, created_at)
         VALUES ('h2', 'open', 'x', NULL, 'bearer', 'ask', '{}', 60, 1048576, 0)`,
      ),
  },
  // A revoked device that still holds a token.
  'gateway.device-scopes': {
    provoke: (dir) => sql(dir, `UPDATE paired_devices SET state = 'revoked', revoked_at = 1 WHERE id = 'd1'`),
  },
  'channels.no-open-policy': {
    provoke: (dir) => sql(dir, `UPDATE channels SET config = '{"dmPolicy":"open","hasToken":true}'`),
  },
  'channels.groups-on-mention': {
    provoke: (dir) => sql(dir, `UPDATE channels SET config = '{"groups":"all","hasToken":true}'`),
  },
  'channels.no-wildcard-senders': {
    provoke: (dir) =>
      sql(
        dir,
        "INSERT INTO channel_senders (channel_id, sender_id, name, role, added_at) VALUES ('ch1', '*', 'everyone', 'allowed', 0)",
      ),
  },
  'channels.token-in-keychain': {
    provoke: (dir) => sql(dir, `UPDATE channels SET config = '{"token":"123456789:abc","hasToken":true}'`),
  },
  'mcp.confined': {
    provoke: (dir) => editMcp(dir, (s) => s.name === 'fs' && (s.transport.confinement = 'unconfined')),
  },
  'mcp.remote-https': {
    provoke: (dir) =>
      editMcp(dir, (s) => s.name === 'remote' && (s.transport.url = 'http://mcp.example.com/mcp')),
  },
  'mcp.no-inline-secrets': {
    provoke: (dir) =>
      editMcp(dir, (s) => s.name === 'fs' && (s.transport.env = { TOKEN: 'value-in-the-file' })),
  },
  'permissions.rules-signed': {
    provoke: (dir) => insertRule(dir, 'read_file', '/etc/*', 'allow', 'unsigned'),
  },
  'permissions.no-allow-all-shell': { provoke: (dir) => insertRule(dir, 'shell', '*', 'allow') },
  'permissions.no-allow-all-files': { provoke: (dir) => insertRule(dir, 'write_file', '*', 'allow') },
  'permissions.no-allow-any-host': { provoke: (dir) => insertRule(dir, 'network', '*', 'allow') },
  'providers.https': {
    provoke: (dir) =>
      editSettings(dir, (p) => p.id === PROVIDER_ID && (p.baseUrl = 'http://models.example.com/v1')),
  },
  'providers.keys-in-keychain': {
    provoke: async () => ({
      keychain: leakyKeychain(
        (a) => a === keyAccount(PROVIDER_ID),
        () => null,
      ),
    }),
    expect: 'WARN',
  },
  'network.idle-outbound': {
    provoke: async (dir) => {
      const address = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
      expect(address, 'a non-loopback IPv4 address to connect to').toBeDefined();
      const server = createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
      const socket: Socket = connect((server.address() as { port: number }).port, address!);
      await new Promise((resolve) => socket.once('connect', resolve));
      cleanups.push(async () => {
        socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      });
      // The copy has a channel, which would explain traffic: take it away so nothing does.
      await sql(dir, 'DELETE FROM channels');
      return { appPid: async () => process.pid };
    },
  },
  'desktop.context-isolation': {
    provoke: async () => ({ desktop: desktop({ ...GOOD_WINDOW, contextIsolation: false }) }),
  },
  'desktop.renderer-sandbox': {
    provoke: async () => ({ desktop: desktop({ ...GOOD_WINDOW, sandbox: false }) }),
  },
  'desktop.node-integration': {
    provoke: async () => ({ desktop: desktop({ ...GOOD_WINDOW, nodeIntegration: true }) }),
  },
  'desktop.web-security': {
    provoke: async () => ({ desktop: desktop({ ...GOOD_WINDOW, webSecurity: false }) }),
  },
  'desktop.navigation': {
    provoke: async () => ({ desktop: desktop({ ...GOOD_WINDOW, navigationGuarded: false }) }),
  },
  'desktop.fuses': {
    provoke: async () => ({ desktop: desktop(GOOD_WINDOW, { ...GOOD_FUSES, RunAsNode: true }) }),
  },
};

async function editMcp(
  dir: string,
  change: (s: { name: string; transport: Record<string, unknown> }) => unknown,
): Promise<void> {
  const file = join(dir, 'mcp.json');
  const data = JSON.parse(await readFile(file, 'utf8')) as {
    servers: { name: string; transport: Record<string, unknown> }[];
  };
  data.servers.forEach(change);
  await writeFile(file, JSON.stringify(data));
}

async function editSettings(dir: string, change: (p: Record<string, unknown>) => unknown): Promise<void> {
  const file = join(dir, 'settings.json');
  const data = JSON.parse(await readFile(file, 'utf8')) as { providers: Record<string, unknown>[] };
  data.providers.forEach(change);
  await writeFile(file, JSON.stringify(data));
}

async function insertRule(
  dir: string,
  tool: string,
  pattern: string,
  decision: string,
  signature = 'unsigned',
): Promise<void> {
  await sql(
    dir,
    'INSERT INTO permission_rules (id, tool, pattern, decision, created_at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [randomUUID(), tool, pattern, decision, Date.now(), 'someone-else', signature],
  );
}

beforeAll(async () => {
  healthy = await makeHealthy();
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await rm(healthy, { recursive: true, force: true });
  for (const account of [identityAccount, keyAccount(PROVIDER_ID), 'channel:ch1:token', 'hook:h1'])
    await keychain.delete(account).catch(() => false);
});

describe('the checkpoint audit', () => {
  it('has at least 64 checkpoints with stable unique ids, a why and a fix each, and a provoked failure for every one', () => {
    expect(CHECKPOINTS.length).toBeGreaterThanOrEqual(64);
    const ids = CHECKPOINTS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKPOINTS) {
      expect(c.id).toMatch(new RegExp(`^${c.group}\\.[a-z0-9-]+$`));
      expect(c.why.length, c.id).toBeGreaterThan(10);
      expect(c.fix.length, c.id).toBeGreaterThan(10);
    }
    expect(Object.keys(CASES).sort()).toEqual([...ids].sort());
  });

  it('passes every checkpoint on a healthy data directory', async () => {
    const dir = await copyOf(healthy);
    await listenControl(dir);
    const report = await runCheckpoints(await parts(dir));
    const notPassing = report.checkpoints
      .filter((c) => c.status !== 'PASS')
      .map((c) => `${c.id}: ${c.status} ${c.detail}`);
    expect(notPassing).toEqual([]);
    expect(report.counts.PASS).toBe(CHECKPOINTS.length);
  }, 60_000);

  for (const [id, { provoke, expect: expected = 'FAIL' }] of Object.entries(CASES)) {
    it(`${id}: ${expected} once its boundary is broken`, async () => {
      const dir = await copyOf(healthy);
      const overrides = (await provoke(dir)) ?? {};
      const result = await statusOf(id, dir, overrides);
      expect(result.status, result.detail).toBe(expected);
    }, 30_000);
  }

  it('--fix repairs modes and open channel policies, says what it changed, and they pass again', async () => {
    const dir = await copyOf(healthy);
    await chmod(dir, 0o777);
    await chmod(join(dir, 'settings.json'), 0o644);
    await sql(dir, `UPDATE channels SET config = '{"dmPolicy":"open","groups":"all","hasToken":true}'`);
    const report = await runCheckpoints(await parts(dir), {
      only: null,
      fix: true,
      checkpoints: CHECKPOINTS.filter((c) => c.group === 'storage' || c.group === 'channels'),
    });
    expect(report.fixed.join('\n')).toMatch(/chmod 700 .*was 777/);
    expect(report.fixed.join('\n')).toMatch(/chmod 600 settings.json \(was 644\)/);
    expect(report.fixed.join('\n')).toMatch(/channel tg: open policy removed/);
    expect(report.fixed.join('\n')).toMatch(/channel tg: groups "all" → "mention"/);
    expect(report.checkpoints.filter((c) => c.status === 'FAIL').map((c) => `${c.id}: ${c.detail}`)).toEqual(
      [],
    );
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  }, 30_000);
});
