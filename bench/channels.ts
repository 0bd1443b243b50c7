/**
 * bench:channels — inbound messages routed from the three adapters (Telegram through grammY,
 * Discord through discord.js, WhatsApp at Baileys' socket boundary) to the agent and back, against
 * the fake model: messages per second, and p50/p99 from the platform update to the first reply
 * chunk arriving at the platform. The last line is one JSON object with the figures.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../src-main/core/app.js';
import { silentLogger } from '../src-main/core/base/logger.js';
import { callCore } from './core-call.js';
import { whatsappAdapter } from '../src-main/core/gateway/channels/whatsapp/whatsapp-adapter.js';
import type { ChannelKind, Pairing } from '../src-main/core/protocol/channel-entities.js';
import { FakeDiscord } from '../test/fixtures/fake-discord.js';
import { FakeOpenAI } from '../test/fixtures/fake-openai.js';
import { FakeTelegram } from '../test/fixtures/fake-telegram.js';
import { FakeWhatsApp } from '../test/fixtures/fake-whatsapp-socket.js';
import { promptText } from '../test/fixtures/scripted-reply.js';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 15);
const IDLE = Number(process.env.BENCH_IDLE ?? 10);

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function nextEvent<T>(core: Core, name: string, match: (p: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const off = core.bus.subscribe((f) => {
      if (f.event === name && match(f.payload as T)) {
        off();
        resolve(f.payload as T);
      }
    });
  });
}

interface Platform {
  kind: ChannelKind;
  add: { token?: string; apiRoot?: string };
  /** Sender n writes `text` in their own direct chat. */
  write(n: number, text: string): void;
  /** Calls back with the text of every message the bot sends. */
  onSent(listener: (text: string) => void): void;
}

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'cell0-bench-channels-'));
  const model = new FakeOpenAI();
  model.responder = (body) => {
    const prompt = promptText((body as { messages?: unknown }).messages).join(' ');
    const ids = prompt.match(/bench-\w+-\d+-(?:idle)?\d+/g) ?? [];
    return { tokens: [`Got ${ids.at(-1) ?? 'it'}.`, ' Here is the answer.'] };
  };
  const tg = new FakeTelegram();
  const dc = new FakeDiscord();
  const wa = new FakeWhatsApp();
  await Promise.all([model.start(), tg.start(), dc.start()]);
  wa.onSocket = (s) => {
    s.auth.creds.me = { ...wa.me };
    setImmediate(() => s.open());
  };
  const core = createCore({
    dataDir: home,
    mode: 'serve',
    keychainService: `Cell 0 bench ${randomUUID()}`,
    logger: silentLogger,
    flushIntervalMs: 50,
    channelAdapters: { whatsapp: whatsappAdapter(wa.boundary()) },
  });
  await core.start();
  try {
    await callCore(core, 'providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: model.baseUrl,
      defaultModel: 'fake-small',
    });
    const platforms: Platform[] = [
      {
        kind: 'telegram',
        add: { token: tg.token, apiRoot: tg.apiRoot },
        write: (n, text) => tg.pushMessage({ from: { id: 5000 + n, first_name: `T${n}` }, text }),
        onSent: (l) =>
          tg.on(
            'call',
            (c: { method: string; params: { text?: unknown }; ok: boolean }) =>
              c.method === 'sendMessage' && c.ok && l(String(c.params.text)),
          ),
      },
      {
        kind: 'discord',
        add: { token: dc.token, apiRoot: dc.apiRoot },
        write: (n, text) =>
          void dc.message({ id: String(300000000000000000n + BigInt(n)), username: `d${n}` }, text),
        onSent: (l) => dc.on('message', (m: { content?: unknown }) => l(String(m.content))),
      },
      {
        kind: 'whatsapp',
        add: {},
        write: (n, text) =>
          wa.current.receive({
            key: {
              remoteJid: `4917000${String(n).padStart(5, '0')}@s.whatsapp.net`,
              fromMe: false,
              id: `B${randomUUID().slice(0, 12)}`,
            },
            message: { conversation: text },
            pushName: `W${n}`,
          }),
        onSent: () => undefined,
      },
    ];
    // WhatsApp's fake socket is made when its channel starts: its sends are read from there.
    const firstChunk = new Map<string, number>();
    const sentAt = new Map<string, number>();
    const record = (text: string) => {
      const id = /bench-\w+-\d+-(?:idle)?\d+/.exec(text)?.[0];
      if (id && !firstChunk.has(id)) firstChunk.set(id, performance.now());
    };
    for (const p of platforms) p.onSent(record);

    for (const p of platforms) {
      const channel = await callCore(core, 'channels.add', { kind: p.kind, ...p.add });
      if (core.bus && (await channelState(core, channel.id)) !== 'connected') {
        await nextEvent<{ channelId: string; status: { state: string } }>(
          core,
          'channels.status',
          (e) => e.channelId === channel.id && e.status.state === 'connected',
        );
      }
      if (p.kind === 'whatsapp') {
        const socket = wa.current;
        const send = socket.sendMessage.bind(socket);
        socket.sendMessage = (jid, content, options) => {
          record(String(content.text));
          return send(jid, content, options);
        };
      }
      await callCore(core, 'channels.update', { id: channel.id, ratePerMinute: 600 });
      for (let n = 0; n < SENDERS; n++) {
        const asked = nextEvent<{ pairing: Pairing }>(
          core,
          'channels.pairing',
          (e) => e.pairing.channelId === channel.id,
        );
        p.write(n, 'hello');
        await callCore(core, 'channels.approve', { code: (await asked).pairing.code });
      }
    }

    const total = platforms.length * SENDERS * MESSAGES;
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      for (const p of platforms) {
        for (let n = 0; n < SENDERS; n++) {
          const id = `bench-${p.kind}-${n}-${i}`;
          sentAt.set(id, performance.now());
          p.write(n, `Question ${id}`);
        }
      }
    }
    await new Promise<void>((resolve) => {
      const check = () => (firstChunk.size >= total ? resolve() : setTimeout(check, 20));
      check();
    });
    const seconds = (performance.now() - started) / 1000;

    // Idle: one message at a time, so the figure is the path's own latency, not the queue's.
    const idle: number[] = [];
    const waitFor = (id: string) =>
      new Promise<void>((resolve) => {
        const check = () => (firstChunk.has(id) ? resolve() : setTimeout(check, 1));
        check();
      });
    for (let i = 0; i < IDLE; i++) {
      for (const p of platforms) {
        const id = `bench-${p.kind}-0-idle${i}`;
        const at = performance.now();
        p.write(0, `Question ${id}`);
        await waitFor(id);
        idle.push(firstChunk.get(id)! - at);
      }
    }
    const latencies = [...sentAt]
      .filter(([id]) => !id.includes('idle'))
      .map(([id, at]) => firstChunk.get(id)! - at);
    const byPlatform = Object.fromEntries(
      platforms.map((p) => {
        const mine = [...sentAt]
          .filter(([id]) => id.startsWith(`bench-${p.kind}-`))
          .map(([id, at]) => firstChunk.get(id)! - at);
        return [p.kind, { p50Ms: Math.round(percentile(mine, 50)), p99Ms: Math.round(percentile(mine, 99)) }];
      }),
    );
    const result = {
      messages: total,
      senders: platforms.length * SENDERS,
      inboundPerSecond: Math.round((total / seconds) * 10) / 10,
      firstChunkP50Ms: Math.round(percentile(latencies, 50)),
      firstChunkP99Ms: Math.round(percentile(latencies, 99)),
      idleFirstChunkP50Ms: Math.round(percentile(idle, 50)),
      idleFirstChunkP99Ms: Math.round(percentile(idle, 99)),
      byPlatform,
    };
    process.stdout.write(
      `${total} messages from ${result.senders} senders on Telegram, Discord and WhatsApp, answered in ${seconds.toFixed(2)} s\n` +
        `  routed: ${result.inboundPerSecond} messages/s\n` +
        `  platform update → first reply chunk (all sent at once): p50 ${result.firstChunkP50Ms} ms, p99 ${result.firstChunkP99Ms} ms\n` +
        `  one at a time: p50 ${result.idleFirstChunkP50Ms} ms, p99 ${result.idleFirstChunkP99Ms} ms\n` +
        Object.entries(byPlatform)
          .map(([k, v]) => `    ${k}: p50 ${v.p50Ms} ms, p99 ${v.p99Ms} ms\n`)
          .join(''),
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await core.stop();
    await Promise.all([model.stop(), tg.stop(), dc.stop()]);
    await rm(home, { recursive: true, force: true });
  }
}

async function channelState(core: Core, id: string): Promise<string | undefined> {
  const { channels } = await callCore(core, 'channels.list', {});
  return channels.find((c) => c.id === id)?.status.state;
}

await main();
