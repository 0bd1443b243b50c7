import { describe, expect, it } from 'vitest';
import { whatsappAdapter } from '../../../../../src-main/core/gateway/channels/whatsapp/whatsapp-adapter.js';
import { Database } from '../../../../../src-main/core/storage/database.js';
import { DATABASE_FILE } from '../../../../../src-main/core/storage/storage-service.js';
import { FakeWhatsApp } from '../../../../fixtures/fake-whatsapp-socket.js';
import { channelCore, eventOf, statusEvent } from '../channel-fixture.js';
import { join } from 'node:path';

const wa = new FakeWhatsApp();

describe('WhatsApp channel (Baileys at its socket boundary)', () => {
  const ctx = channelCore(() => ({ whatsapp: whatsappAdapter(wa.boundary()) }));

  it('shows the QR code Baileys builds, links, keeps the session sealed across a restart, and answers the owner in "message yourself"', async () => {
    const before = wa.sockets.length;
    const channel = await ctx.t.call('channels.add', { kind: 'whatsapp' });
    const qr = (await wa.socket(before + 1)).showQr();
    const waiting = await statusEvent(ctx.t, channel.id, 'needs-login');
    expect(waiting.qr).toBe(qr);
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
    const noiseKey = Buffer.from(wa.current.auth.creds.noiseKey.private).toString('base64');

    wa.current.linked();
    // A fresh socket after linking, with the account named.
    (await wa.socket(before + 2)).open();
    const connected = await statusEvent(ctx.t, channel.id, 'connected');
    expect(connected.account).toBe('+4915550001111');
    const updated = await eventOf<{ channel: { senders: { id: string; role: string }[] } }>(
      ctx.t,
      'channels.updated',
      (p) => p.channel.senders.some((s) => s.role === 'owner'),
    );
    expect(updated.channel.senders[0]!.id).toBe('4915550001111@s.whatsapp.net');

    // Sealed at rest: nothing of the session's private keys is readable in the database.
    const db = new Database(join(ctx.t.dataDir, DATABASE_FILE));
    await db.open();
    const rows = await db.all<{ data: Buffer }>('SELECT data FROM channel_sessions');
    await db.close();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.data.toString('latin1')).not.toContain(noiseKey);
      expect(row.data.toString('utf8')).not.toContain('noiseKey');
    }

    // After a restart the stored session is used: no QR, the same keys, the same account.
    // Messages Baileys emits before the connection opens are not lost.
    wa.onSocket = (socket) =>
      setImmediate(() =>
        socket.receive({
          key: { remoteJid: '4915550001111@s.whatsapp.net', fromMe: true, id: 'M1' },
          message: { conversation: 'Hi from my phone' },
          pushName: 'Olive',
        }),
      );
    ctx.fake.script({ tokens: ['Hello *you*.'] });
    await ctx.t.restart();
    await wa.socket(before + 3);
    wa.onSocket = null;
    expect(Buffer.from(wa.current.auth.creds.noiseKey.private).toString('base64')).toBe(noiseKey);
    expect(wa.current.auth.creds.me?.id).toBe('4915550001111:3@s.whatsapp.net');

    wa.current.open();
    await statusEvent(ctx.t, channel.id, 'connected');
    const reply = await wa.waitForSent((sent) => String(sent.content.text).includes('Hello'));
    expect(reply.jid).toBe('4915550001111@s.whatsapp.net');
    expect(reply.content.text).toBe('Hello _you_.');
    expect(reply.messageId).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(wa.current.presence.some((p) => p.type === 'composing')).toBe(true);
    // Its own reply comes back as the owner's message: ignored, not answered.
    wa.current.receive({
      key: { remoteJid: '4915550001111@s.whatsapp.net', fromMe: true, id: reply.messageId! },
      message: { conversation: 'Hello _you_.' },
    });
    await ctx.t.call('channels.list', {});
    expect(ctx.fake.requests).toHaveLength(1);
  });

  it('a phone that logs out ends in "needs login" with the session cleared', async () => {
    const before = wa.sockets.length;
    const channel = await ctx.t.call('channels.add', { kind: 'whatsapp' });
    (await wa.socket(before + 1)).showQr();
    await statusEvent(ctx.t, channel.id, 'needs-login');
    wa.current.close(401);
    const status = await eventOf<{
      channelId: string;
      status: { state: string; error: { code: string } | null };
    }>(
      ctx.t,
      'channels.status',
      (p) => p.channelId === channel.id && p.status.state === 'needs-login' && p.status.error !== null,
    );
    expect(status.status.error?.code).toBe('CHANNEL_NEEDS_LOGIN');
  });
});
