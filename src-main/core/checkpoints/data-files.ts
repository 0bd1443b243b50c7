/**
 * What the data directory holds, read once per run for the probes that look at files: every
 * regular file (symlinks are not followed), and the secrets from the keychain whose values must
 * never appear in one of them.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { keyAccount } from '../agents/provider-registry.js';
import { sessionKeyAccount, tokenAccount } from '../gateway/channels/session-vault.js';
import { mcpSecretAccount } from '../mcp/mcp-secrets.js';
import { MCP_FILE } from '../mcp/mcp-store.js';
import type { ProbeEnv } from './checkpoint.js';

export interface DataFile {
  path: string;
  /** Relative to the data directory, as reports show it. */
  name: string;
  mode: number;
  uid: number;
  size: number;
  directory: boolean;
}

/** Larger files (downloaded models) are looked at for their mode but not read. */
export const MAX_SCANNED_BYTES = 64 * 1024 * 1024;

export function dataFiles(env: ProbeEnv): Promise<DataFile[]> {
  return env.once('data-files', async () => {
    const found: DataFile[] = [];
    const walk = async (dir: string): Promise<void> => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      await Promise.all(
        names.map(async (entry) => {
          const path = join(dir, entry);
          const info = await lstat(path).catch(() => null);
          if (!info || info.isSymbolicLink()) return;
          const file = {
            path,
            name: relative(env.dataDir, path),
            mode: info.mode & 0o777,
            uid: info.uid,
            size: info.size,
            directory: info.isDirectory(),
          };
          if (info.isDirectory()) {
            found.push(file);
            await walk(path);
          } else if (info.isFile()) found.push(file);
        }),
      );
    };
    await walk(env.dataDir);
    return found.sort((a, b) => a.name.localeCompare(b.name));
  });
}

export interface KnownSecret {
  label: string;
  value: string;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

export function settingsFile(env: ProbeEnv): Promise<Record<string, unknown> | null> {
  return env.once('settings-json', async () => {
    const raw = await readJson(join(env.dataDir, 'settings.json'));
    return raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : null;
  });
}

export interface RawProvider {
  id: string;
  name: string;
  kind: string;
  baseUrl: string;
  keyStored: boolean;
}

export async function providersIn(env: ProbeEnv): Promise<RawProvider[]> {
  const settings = await settingsFile(env);
  const list = Array.isArray(settings?.providers) ? (settings.providers as unknown[]) : [];
  return list.filter(
    (p): p is RawProvider => !!p && typeof p === 'object' && typeof (p as RawProvider).id === 'string',
  );
}

export interface RawMcpServer {
  id: string;
  name: string;
  transport: Record<string, unknown> & { kind?: string };
}

export function mcpServersIn(env: ProbeEnv): Promise<RawMcpServer[] | null> {
  return env.once('mcp-json', async () => {
    const raw = (await readJson(join(env.dataDir, MCP_FILE))) as { servers?: unknown } | null;
    if (!raw) return null;
    const list = Array.isArray(raw.servers) ? raw.servers : [];
    return list.filter(
      (s): s is RawMcpServer =>
        !!s &&
        typeof s === 'object' &&
        typeof (s as RawMcpServer).id === 'string' &&
        !!(s as RawMcpServer).transport,
    );
  });
}

export interface RawChannel {
  id: string;
  name: string;
  kind: string;
  config: string;
}

export function channelsIn(env: ProbeEnv): Promise<RawChannel[] | null> {
  return env.once('channels', async () => {
    if (!env.db || !(await hasTable(env, 'channels'))) return null;
    return env.db.all<RawChannel>('SELECT id, name, kind, config FROM channels ORDER BY name');
  });
}

export async function hasTable(env: ProbeEnv, name: string): Promise<boolean> {
  const tables = await env.once('tables', async () =>
    env.db
      ? (await env.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map(
          (r) => r.name,
        )
      : [],
  );
  return tables.includes(name);
}

/**
 * Every secret of this instance the keychain holds: the identity keys, the providers' API keys,
 * the channels' tokens and session keys, the MCP servers' environment and headers.
 */
export function knownSecrets(env: ProbeEnv): Promise<KnownSecret[]> {
  return env.once('known-secrets', async () => {
    const accounts: { label: string; account: string; json?: boolean }[] = [];
    if (env.db && (await hasTable(env, 'identity_keys'))) {
      for (const row of await env.db.all<{ keychain_account: string }>(
        'SELECT keychain_account FROM identity_keys',
      ))
        accounts.push({ label: 'the identity key', account: row.keychain_account });
    }
    for (const p of await providersIn(env))
      if (p.keyStored) accounts.push({ label: `the API key of ${p.name}`, account: keyAccount(p.id) });
    for (const c of (await channelsIn(env)) ?? []) {
      accounts.push({ label: `the token of channel ${c.name}`, account: tokenAccount(c.id) });
      accounts.push({ label: `the session key of channel ${c.name}`, account: sessionKeyAccount(c.id) });
    }
    for (const s of (await mcpServersIn(env)) ?? [])
      accounts.push({
        label: `the secrets of MCP server ${s.name}`,
        account: mcpSecretAccount(s.id),
        json: true,
      });
    const secrets: KnownSecret[] = [];
    await Promise.all(
      accounts.map(async ({ label, account, json }) => {
        const value = await env.keychain.get(account).catch(() => null);
        if (!value) return;
        if (!json) return void secrets.push({ label, value });
        try {
          const parsed = JSON.parse(value) as {
            env?: Record<string, string>;
            headers?: Record<string, string>;
          };
          for (const [name, v] of Object.entries({ ...parsed.env, ...parsed.headers }))
            secrets.push({ label: `${label} (${name})`, value: v });
        } catch {
          secrets.push({ label, value });
        }
      }),
    );
    // Short values ("1", "true") would match by chance: they are not what a leak looks like.
    return secrets.filter((s) => s.value.length >= 12);
  });
}

/** Where each secret appears in the given files: [file name, secret label]. */
export async function findSecrets(files: DataFile[], secrets: KnownSecret[]): Promise<[string, string][]> {
  if (secrets.length === 0) return [];
  const needles = secrets.map((s) => ({ label: s.label, bytes: Buffer.from(s.value) }));
  const hits: [string, string][] = [];
  for (const file of files) {
    if (file.directory || file.size > MAX_SCANNED_BYTES) continue;
    const content = await readFile(file.path).catch(() => null);
    if (!content) continue;
    for (const needle of needles) if (content.includes(needle.bytes)) hits.push([file.name, needle.label]);
  }
  return hits;
}

/** What a secret looks like when nobody told us its value: API keys, tokens, private keys. */
export const SECRET_PATTERNS: { label: string; pattern: RegExp }[] = [
  { label: 'an OpenAI-style API key', pattern: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{24,}/ },
  { label: 'a private key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/ },
  { label: 'a Telegram bot token', pattern: /\b\d{8,10}:[A-Za-z0-9_-]{35}\b/ },
  { label: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { label: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/ },
  { label: 'an AWS access key', pattern: /\bAKIA[0-9A-Z]{16}\b/ },
];

export async function findPatterns(files: DataFile[]): Promise<[string, string][]> {
  const hits: [string, string][] = [];
  for (const file of files) {
    if (file.directory || file.size > MAX_SCANNED_BYTES) continue;
    const text = await readFile(file.path, 'utf8').catch(() => null);
    if (text === null) continue;
    for (const { label, pattern } of SECRET_PATTERNS) if (pattern.test(text)) hits.push([file.name, label]);
  }
  return hits;
}
