import { Readable } from 'node:stream';
import jsQR from 'jsqr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelsCommand } from '../../src-main/cli/channels-command.js';
import { tokenAccount } from '../../src-main/core/gateway/channels/session-vault.js';
import { whatsappAdapter } from '../../src-main/core/gateway/channels/whatsapp/whatsapp-adapter.js';
import { Keychain } from '../../src-main/core/identity/keychain.js';
import type { Channel, Pairing } from '../../src-main/core/protocol/channel-entities.js';
import { FakeTelegram } from '../fixtures/fake-telegram.js';
import { FakeWhatsApp } from '../fixtures/fake-whatsapp-socket.js';
import { startTestCore, tempDir, testKeychainService, type TestCore } from '../helpers/core.js';

/** Reads a QR code printed with Unicode half blocks back into pixels and decodes it. */
function decodeTerminalQr(text: string): string | null {
  const rows = text.split('\n').filter((l) => l.length > 0);
  const width = Math.max(...rows.map((r) => [...r].length));
  const pixels: boolean[][] = [];
  for (const row of rows) {
    const chars = [...row.padEnd(width, ' ')];
    pixels.push(chars.map((c) => c === '█' || c === '▀'));
    pixels.push(chars.map((c) => c === '█' || c === '▄'));
  }
  const scale = 4;
  const w = width * scale;
  const h = pixels.length * scale;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = pixels[Math.floor(y / scale)]![Math.floor(x / scale)] ? 0 : 255;
      data.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return jsQR(data, w, h, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

describe('cell0 channels', () => {
  let home: { path: string; remove(): Promise<void> };
  let keychainService: string;
  let output: string;
  const out = (text: string) => void (output += text);
  const saved = { home: process.env.CELL0_HOME, service: process.env.CELL0_KEYCHAIN_SERVICE };

  beforeEach(async () => {
    home = await tempDir();
    keychainService = testKeychainService();
    process.env.CELL0_HOME = home.path;
    process.env.CELL0_KEYCHAIN_SERVICE = keychainService;
    output = '';
    process.exitCode = 0;
  });
  afterEach(async () => {
    process.env.CELL0_HOME = saved.home;
    process.env.CELL0_KEYCHAIN_SERVICE = saved.service;
    process.exitCode = 0;
    await home.remove();
  });

  it('adds a Telegram bot from stdin into the store a running app picks up, approves a pairing, and removes it', async () => {
    const tg = new FakeTelegram();
    await tg.start();
    let t: TestCore | null = null;
    try {
      t = await startTestCore({
        dataDir: home.path,
        keychainService,
        channelBackoff: { baseMs: 20, maxMs: 200 },
      });
      await channelsCommand(['add', 'telegram', '--token-stdin', '--api-root', tg.apiRoot], {
        stdin: Readable.from([`${tg.token}\n`]),
        out,
      });
      expect(process.exitCode).toBe(0);
      expect(output).toContain('Added telegram');
      const added = await t.waitFor(
        (f) =>
          f.event === 'channels.status' &&
          (f.payload as { status: { state: string } }).status.state === 'connected',
      );
      const channelId = (added.payload as { channelId: string }).channelId;
      expect(await new Keychain(keychainService).get(tokenAccount(channelId))).toBe(tg.token);

      tg.pushMessage({ from: { id: 42, first_name: 'Olive' }, text: 'hi' });
      const pairing = (await t.waitFor((f) => f.event === 'channels.pairing')).payload as {
        pairing: Pairing;
      };
      output = '';
      await channelsCommand(['list'], { out });
      expect(output).toMatch(/^telegram\ttelegram\towner: none yet/);
      expect(output).toContain(`${pairing.pairing.code.slice(0, 4)}-${pairing.pairing.code.slice(4)}`);

      output = '';
      await channelsCommand(['approve', pairing.pairing.code.toLowerCase()], { out });
      expect(output).toBe('Approved Olive on telegram as the owner.\n');
      // The running app hears of it and welcomes the new owner.
      await tg.waitForCall(
        (c) => c.method === 'sendMessage' && String(c.params.text).includes('paired as the owner'),
      );
      const updated = await t.waitFor(
        (f) =>
          f.event === 'channels.updated' && (f.payload as { channel: Channel }).channel.senders.length === 1,
      );
      expect((updated.payload as { channel: Channel }).channel.senders[0]).toMatchObject({
        id: '42',
        role: 'owner',
      });

      await channelsCommand(['remove', 'telegram'], { out });
      await t.waitFor((f) => f.event === 'channels.removed');
      expect(await new Keychain(keychainService).get(tokenAccount(channelId))).toBeNull();
      output = '';
      await channelsCommand(['list'], { out });
      expect(output).toContain('No channels yet');
    } finally {
      await t?.close();
      await tg.stop();
    }
  });

  it('refuses a missing token and an unknown code with a clear message and exit status', async () => {
    await channelsCommand(['add', 'discord'], { out });
    expect(process.exitCode).toBe(2);
    process.exitCode = 0;
    await expect(channelsCommand(['approve', 'ABCD-EFGH'], { out })).rejects.toThrow(
      /No pairing code like that/,
    );
  });

  it('links WhatsApp from the terminal: the QR it prints decodes to the code Baileys built', async () => {
    const wa = new FakeWhatsApp();
    let printedQr = '';
    wa.onSocket = (socket) =>
      setImmediate(() => {
        if (socket.auth.creds.me) return socket.open();
        printedQr = socket.showQr();
      });
    let shown!: () => void;
    const printed = new Promise<void>((resolve) => (shown = resolve));
    const watching = (text: string) => {
      out(text);
      if (text.includes('Scan this')) shown();
    };
    const done = channelsCommand(['add', 'whatsapp'], {
      whatsapp: whatsappAdapter(wa.boundary()),
      out: watching,
    });
    const first = await wa.socket(1);
    await printed;
    expect(decodeTerminalQr(output.split('Linked devices → Link a device):\n')[1]!)).toBe(printedQr);
    first.linked();
    await done;
    expect(output).toContain('Linked whatsapp to +4915550001111');
    output = '';
    await channelsCommand(['list'], { out });
    expect(output).toContain('owner: Olive (4915550001111@s.whatsapp.net)');
    expect(output).not.toContain('not linked yet');
  });
});
