import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import { defaultDataDir } from '../core/base/paths.js';
import type { AccountSink, ChannelAdapter } from '../core/gateway/channels/adapter.js';
import { showCode } from '../core/gateway/channels/access-policy.js';
import {
  addChannel,
  announceChange,
  approvePairing,
  findChannel,
  removeChannel,
} from '../core/gateway/channels/channel-admin.js';
import { ChannelStore } from '../core/gateway/channels/channel-store.js';
import { SessionVault } from '../core/gateway/channels/session-vault.js';
import { Keychain } from '../core/identity/keychain.js';
import { pairingCodeParam } from '../core/protocol/channel-methods.js';
import { CHANNEL_KINDS, type ChannelKind } from '../core/protocol/channel-entities.js';
import { StorageService } from '../core/storage/storage-service.js';

const USAGE = `Usage: cell0 channels <command>

  add telegram --token-stdin [--api-root URL] [--name NAME]
                   Add a Telegram bot (token from @BotFather, read from standard input);
                   --api-root points at a self-hosted Bot API server
  add discord --token-stdin [--api-root URL] [--name NAME]
                   Add a Discord bot (token from the Developer Portal, read from standard input);
                   --api-root sets the REST base, whose /gateway/bot names the gateway
  add whatsapp [--name NAME]
                   Link a WhatsApp account: scan the QR code printed here with the phone
  list             Show the channels, who may talk on each, and pairing codes waiting
  approve CODE     Let the sender who got CODE talk to the agent (the first one becomes the owner)
  remove NAME      Remove a channel and its token (its conversations stay)

Tokens go to the system keychain. A running Cell 0 (cell0 serve or the desktop app) on the same
data directory picks up every change.`;

export interface ChannelsCommandDeps {
  /** The WhatsApp adapter to link with (tests: Baileys at its socket boundary). */
  whatsapp?: ChannelAdapter;
  stdin?: NodeJS.ReadableStream;
  out?: (text: string) => void;
}

function usageError(message: string): void {
  process.stderr.write(`cell0 channels: ${message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}

async function readToken(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** `cell0 channels …`. Sets process.exitCode rather than exiting, so tests can call it. */
export async function channelsCommand(args: string[], deps: ChannelsCommandDeps = {}): Promise<void> {
  const out = deps.out ?? ((text: string) => void process.stdout.write(text));
  const [sub, ...rest] = args;
  if (!sub || sub === '-h' || sub === '--help' || sub === 'help') {
    out(`${USAGE}\n`);
    return;
  }
  const dataDir = defaultDataDir();
  const storage = new StorageService(dataDir);
  await storage.start();
  const store = new ChannelStore(storage.db);
  const keychain = new Keychain(process.env.CELL0_KEYCHAIN_SERVICE);
  try {
    if (sub === 'list') return await list(store, out);
    if (sub === 'approve') {
      const [raw] = rest;
      if (!raw || rest.length > 1) return usageError('approve takes one pairing code');
      const code = pairingCodeParam.safeParse(raw);
      if (!code.success) return usageError(`“${raw}” is not a pairing code`);
      const { channel, pairing, role } = await approvePairing(store, code.data);
      await announceChange(dataDir);
      out(`Approved ${pairing.senderName} on ${channel.name}${role === 'owner' ? ' as the owner' : ''}.\n`);
      return;
    }
    if (sub === 'remove') {
      const [name] = rest;
      if (!name || rest.length > 1) return usageError('remove takes one channel name');
      const channel = await findChannel(store, name);
      await removeChannel(store, keychain, channel.id);
      await announceChange(dataDir);
      out(`Removed ${channel.name}.\n`);
      return;
    }
    if (sub === 'add') return await add(rest, { store, keychain, dataDir, out, deps });
    usageError(`unknown command "${sub}"`);
  } finally {
    await storage.stop();
  }
}

async function list(store: ChannelStore, out: (text: string) => void): Promise<void> {
  const channels = await store.channels();
  if (channels.length === 0) {
    out('No channels yet. Add one with `cell0 channels add telegram --token-stdin`.\n');
    return;
  }
  const pairings = await store.pairings(Date.now());
  for (const c of channels) {
    const owner = c.senders.find((s) => s.role === 'owner');
    const allowed = c.senders.filter((s) => s.role === 'allowed');
    out(
      `${c.name}\t${c.kind}\towner: ${owner ? `${owner.name} (${owner.id})` : 'none yet'}\t` +
        `approved: ${allowed.length}\tgroups: ${c.config.groups === 'mention' ? 'on mention' : 'off'}` +
        `${c.config.enabled ? '' : '\t(not linked yet)'}${c.config.apiRoot ? `\tapi: ${c.config.apiRoot}` : ''}\n`,
    );
    for (const p of pairings.filter((x) => x.channelId === c.id)) {
      out(
        `  waiting: ${showCode(p.code)} from ${p.senderName} (cell0 channels approve ${showCode(p.code)})\n`,
      );
    }
  }
}

interface AddContext {
  store: ChannelStore;
  keychain: Keychain;
  dataDir: string;
  out: (text: string) => void;
  deps: ChannelsCommandDeps;
}

async function add(args: string[], ctx: AddContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'token-stdin': { type: 'boolean' }, 'api-root': { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  const kind = positionals[0] as ChannelKind | undefined;
  if (!kind || !(CHANNEL_KINDS as readonly string[]).includes(kind) || positionals.length > 1) {
    return usageError(`add takes one of: ${CHANNEL_KINDS.join(', ')}`);
  }
  const apiRoot = values['api-root'];
  if (apiRoot !== undefined && !/^https?:\/\/\S+$/.test(apiRoot))
    return usageError('--api-root must be an http(s) URL');
  if (kind === 'whatsapp') {
    if (values['token-stdin'] || apiRoot)
      return usageError('WhatsApp takes no token or API root: it links with a QR code');
    return linkWhatsApp(ctx, values.name);
  }
  if (!values['token-stdin'])
    return usageError(`add ${kind} needs --token-stdin (the bot token on standard input)`);
  const token = await readToken(ctx.deps.stdin ?? process.stdin);
  if (!token) return usageError('no token on standard input');
  const channel = await addChannel(ctx.store, ctx.keychain, { kind, name: values.name, token, apiRoot });
  await announceChange(ctx.dataDir);
  ctx.out(
    `Added ${channel.name} (${kind}); the token is in the keychain.\n` +
      `Write to the bot: you get a pairing code; approve it with \`cell0 channels approve CODE\` to become its owner.\n`,
  );
}

/** Runs the WhatsApp account here until the phone has scanned the code, then hands it to the app. */
async function linkWhatsApp(ctx: AddContext, name: string | undefined): Promise<void> {
  const adapter =
    ctx.deps.whatsapp ??
    (await import('../core/gateway/channels/whatsapp/whatsapp-adapter.js')).whatsappAdapter();
  // Not enabled until linked: a running app leaves it alone meanwhile.
  const channel = await addChannel(ctx.store, ctx.keychain, { kind: 'whatsapp', name, enabled: false });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let owner: { id: string; name: string } | null = null;
  let failure: string | null = null;
  const sink: AccountSink = {
    session: new SessionVault(channel.id, ctx.store, ctx.keychain),
    status: (s) => {
      if (s.qr) {
        void QRCode.toString(s.qr, { type: 'utf8' }).then((art) =>
          ctx.out(`\nScan this with WhatsApp (Settings → Linked devices → Link a device):\n${art}\n`),
        );
      }
      if (s.state === 'connected' && owner) controller.abort();
    },
    owner: (o) => {
      owner = o;
      controller.abort();
    },
    inbound: () => Promise.resolve(),
    press: () => undefined,
    skipped: () => undefined,
  };
  try {
    await adapter.open({ channelId: channel.id, token: null, apiRoot: null }).run(controller.signal, sink);
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  } finally {
    process.off('SIGINT', onSigint);
  }
  const linked = owner as { id: string; name: string } | null;
  if (!linked) {
    await removeChannel(ctx.store, ctx.keychain, channel.id);
    process.stderr.write(`cell0 channels: WhatsApp was not linked${failure ? `: ${failure}` : ''}\n`);
    process.exitCode = 1;
    return;
  }
  await ctx.store.setSender(channel.id, { ...linked, role: 'owner' }, Date.now());
  const record = (await ctx.store.channel(channel.id))!;
  await ctx.store.setConfig(channel.id, { ...record.config, enabled: true });
  await announceChange(ctx.dataDir);
  ctx.out(
    `Linked ${channel.name} to +${linked.id.split('@')[0]}. Write to yourself on WhatsApp to reach the agent.\n`,
  );
}
