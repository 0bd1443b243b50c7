import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdown } from '../../../../src-main/core/gateway/channels/markdown.js';
import type {
  AccountSink,
  ChannelAdapter,
  InboundMessage,
} from '../../../../src-main/core/gateway/channels/adapter.js';
import { discordAdapter } from '../../../../src-main/core/gateway/channels/discord/discord-adapter.js';
import { telegramAdapter } from '../../../../src-main/core/gateway/channels/telegram/telegram-adapter.js';
import { whatsappAdapter } from '../../../../src-main/core/gateway/channels/whatsapp/whatsapp-adapter.js';
import { FakeDiscord } from '../../../fixtures/fake-discord.js';
import { FakeTelegram } from '../../../fixtures/fake-telegram.js';
import { FakeWhatsApp } from '../../../fixtures/fake-whatsapp-socket.js';

/** One platform behind the contract: its fake, the adapter pointed at it, and how a person writes to it. */
interface Platform {
  adapter: ChannelAdapter;
  start(): Promise<{ token: string | null; apiRoot: string | null }>;
  /** After connecting: a person named Olive writes `text` in a direct chat. */
  write(text: string): void;
  /** What the platform received as the text of sent messages, in order. */
  received(): string[];
  typed(): number;
  stop(): Promise<void>;
}

const sessions = new Map<string, string>();
const memorySession = {
  read: (n: string) => Promise.resolve(sessions.get(n) ?? null),
  write: (n: string, v: string | null) =>
    Promise.resolve(void (v === null ? sessions.delete(n) : sessions.set(n, v))),
  clear: () => Promise.resolve(sessions.clear()),
};

function telegram(): Platform {
  const tg = new FakeTelegram();
  return {
    adapter: telegramAdapter,
    start: async () => (await tg.start(), { token: tg.token, apiRoot: tg.apiRoot }),
    write: (text) => tg.pushMessage({ from: { id: 42, first_name: 'Olive' }, text }),
    received: () => tg.sent('sendMessage').map((c) => String(c.params.text)),
    typed: () => tg.sent('sendChatAction').length,
    stop: () => tg.stop(),
  };
}

function discord(): Platform {
  const dc = new FakeDiscord();
  return {
    adapter: discordAdapter,
    start: async () => (await dc.start(), { token: dc.token, apiRoot: dc.apiRoot }),
    write: (text) =>
      void dc.message({ id: '100000000000000042', username: 'olive', global_name: 'Olive' }, text),
    received: () => dc.created.map((m) => String(m.content)),
    typed: () => dc.calls.filter((c) => /\/typing$/.test(c.path)).length,
    stop: () => dc.stop(),
  };
}

function whatsapp(): Platform {
  const wa = new FakeWhatsApp();
  return {
    adapter: whatsappAdapter(wa.boundary()),
    start: () => {
      // Linked before: the stored session names the account, so the socket opens without a QR.
      wa.onSocket = (s) => {
        s.auth.creds.me = { ...wa.me };
        setImmediate(() => s.open());
      };
      return Promise.resolve({ token: null, apiRoot: null });
    },
    write: (text) =>
      wa.current.receive({
        key: { remoteJid: '4917000000042@s.whatsapp.net', fromMe: false, id: `W${Date.now()}` },
        message: { conversation: text },
        pushName: 'Olive',
      }),
    received: () => wa.current.sent.map((s) => String(s.content.text)),
    typed: () => wa.current.presence.length,
    stop: () => Promise.resolve(),
  };
}

const PLATFORMS: [string, () => Platform][] = [
  ['telegram', telegram],
  ['discord', discord],
  ['whatsapp', whatsapp],
];

async function connect(p: Platform) {
  const { token, apiRoot } = await p.start();
  const account = p.adapter.open({ channelId: 'contract', token, apiRoot });
  const controller = new AbortController();
  const inbound: InboundMessage[] = [];
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  let got!: () => void;
  const arrived = new Promise<void>((r) => (got = r));
  const sink: AccountSink = {
    status: (s) => s.state === 'connected' && connected(),
    inbound: (m) => (inbound.push(m), got(), Promise.resolve()),
    press: () => undefined,
    skipped: () => undefined,
    session: memorySession,
  };
  const run = account.run(controller.signal, sink);
  await ready;
  return { account, controller, inbound, arrived, run };
}

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

describe.each(PLATFORMS)('the %s adapter keeps the channel contract', (_name, make) => {
  it('connects, turns an inbound message into the internal message, sends, shows typing, and ends when its signal aborts', async () => {
    const p = make();
    const { account, controller, inbound, arrived, run } = await connect(p);
    running.push({
      stop: async () => (controller.abort(), await run.catch(() => undefined), await p.stop()),
    });
    p.write('hello from the phone');
    await arrived;
    const [m] = inbound;
    // The same internal message whatever the platform: only the ids are the platform's own.
    const { platformId, chat, sender, sentAt, ...rest } = m!;
    expect(rest).toEqual({
      mentioned: true,
      fromSelf: false,
      text: 'hello from the phone',
      attachments: [],
      unsupported: null,
    });
    expect({ type: chat.type, title: chat.title, name: sender.name }).toEqual({
      type: 'direct',
      title: 'Olive',
      name: 'Olive',
    });
    expect(platformId).toBeTruthy();
    expect(sentAt).toBeGreaterThan(0);

    await account.typing(chat.id);
    expect(p.typed()).toBe(1);
    const sent = await account.send({
      chatId: chat.id,
      text: p.adapter.format('**done**'),
      idempotencyKey: 'k1',
    });
    expect(sent.platformMessageId).toBeTruthy();
    expect(p.received().at(-1)).toBe(p.adapter.format('**done**'));
    controller.abort();
    await expect(run).resolves.toBeUndefined();
  });
});

beforeAll(() => loadMarkdown());

describe('what the adapters declare', () => {
  it('gives each platform its limit and its own rendering of the same Markdown', () => {
    const md = '**bold** _it_ `x<y` [link](https://example.com)';
    expect(telegramAdapter.format(md)).toBe(
      '<b>bold</b> <i>it</i> <code>x&lt;y</code> <a href="https://example.com">link</a>',
    );
    expect(discordAdapter.format(md)).toBe('**bold** *it* `x<y` [link](<https://example.com>)');
    expect(whatsappAdapter().format(md)).toBe('*bold* _it_ `x<y` link (https://example.com)');
    expect([telegramAdapter.maxText, discordAdapter.maxText, whatsappAdapter().maxText]).toEqual([
      4096, 2000, 4000,
    ]);
  });
});
