import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, Pairing } from '../../../../../src-main/core/protocol/channel-entities.js';
import type { PermissionRequest } from '../../../../../src-main/core/protocol/kernel-entities.js';
import { FakeDiscord, type DiscordUser } from '../../../../fixtures/fake-discord.js';
import { channelCore, eventOf, statusEvent } from '../channel-fixture.js';

const owner: DiscordUser = { id: '100000000000000042', username: 'olive', global_name: 'Olive' };
const stranger: DiscordUser = { id: '100000000000000666', username: 'sam' };

describe('Discord channel (discord.js against a fake REST API and gateway WebSocket)', () => {
  const ctx = channelCore();
  let dc: FakeDiscord;

  beforeEach(async () => {
    dc = new FakeDiscord();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  async function addPaired(): Promise<Channel> {
    const channel = await ctx.t.call('channels.add', {
      kind: 'discord',
      token: dc.token,
      apiRoot: dc.apiRoot,
    });
    const status = await statusEvent(ctx.t, channel.id, 'connected');
    expect(status.account).toBe('cell0');
    expect(dc.identified[0]).toMatchObject({ token: dc.token });
    dc.message(owner, 'hello');
    const { pairing } = await eventOf<{ pairing: Pairing }>(ctx.t, 'channels.pairing');
    await ctx.t.call('channels.approve', { code: pairing.code });
    await dc.waitForCreated((m) => String(m.content).includes('paired as the owner'));
    return channel;
  }

  it('identifies, pairs the owner from a DM, answers in the DM with typing shown, and the reply fits 2000 characters a message', async () => {
    const channel = await addPaired();
    const long = Array.from({ length: 5 }, (_, i) => `Part ${i + 1} — ${'word '.repeat(150).trim()}.`).join(
      '\n\n',
    );
    ctx.fake.script({ tokens: long.match(/[\s\S]{1,50}/g)! });
    dc.message(owner, 'tell me a lot');
    await dc.waitForCall((c) => c.method === 'POST' && /\/typing$/.test(c.path));
    const parts = await dc.waitForCreated((m) => String(m.content).startsWith('Part'), 3);
    for (const p of parts) expect(String(p.content).length).toBeLessThanOrEqual(2000);
    expect(parts.map((p) => p.channel_id)).toEqual(parts.map(() => dc.dmWith(owner.id)));
    expect(channel.kind).toBe('discord');
  });

  it('answers in a guild channel only when mentioned, and never a stranger there', async () => {
    await addPaired();
    ctx.fake.script({ tokens: ['Answer in the guild.'] });
    dc.message(owner, 'not for the bot', { guild: true });
    dc.message(stranger, 'hey bot', { guild: true, mention: true });
    dc.message(owner, 'what is up', { guild: true, mention: true });
    const [reply] = await dc.waitForCreated((m) => m.content === 'Answer in the guild.');
    expect(reply!.channel_id).toBe(dc.guild.channelId);
    expect(ctx.fake.requests).toHaveLength(1);
    const prompt = JSON.stringify(ctx.fake.requests[0]!.body);
    expect(prompt).toContain('what is up');
    expect(prompt).not.toContain('not for the bot');
    expect(prompt).not.toContain('hey bot');
    expect(
      dc.created.some(
        (m) => String(m.content).includes('pairing code') && m.channel_id === dc.guild.channelId,
      ),
    ).toBe(false);
  });

  it('a send whose answer was lost is retried with the same enforced nonce: one message, not two', async () => {
    await addPaired();
    ctx.fake.script({ tokens: ['Exactly one.'] });
    dc.dropNextSendResponse = true;
    dc.message(owner, 'once please');
    const sends = await new Promise<number>((resolve) => {
      const check = () => {
        const attempts = dc.calls.filter(
          (c) => c.method === 'POST' && /\/messages$/.test(c.path) && c.body.content === 'Exactly one.',
        );
        if (attempts.length >= 2) {
          dc.off('call', check);
          resolve(attempts.length);
        }
      };
      dc.on('call', check);
      check();
    });
    expect(sends).toBe(2);
    expect(dc.created.filter((m) => m.content === 'Exactly one.')).toHaveLength(1);
  });

  it('offers approvals to the owner with buttons and takes only the owner’s press', async () => {
    const channel = await addPaired();
    await ctx.t.call('channels.update', { id: channel.id, dmApprovals: true });
    ctx.fake.script(
      { toolCalls: [{ id: 'c1', name: 'shell', input: { command: 'ls' } }] },
      { tokens: ['ok'] },
    );
    dc.message(owner, 'list files');
    const { request } = await eventOf<{ request: PermissionRequest }>(ctx.t, 'permission.requested');
    const [offer] = await dc.waitForCreated(
      (m) => Array.isArray(m.components) && (m.components as unknown[]).length > 0,
    );
    const buttons = (offer!.components as { components: { custom_id: string; label: string }[] }[])[0]!
      .components;
    expect(buttons.map((b) => b.label)).toEqual(['Allow once', 'Deny']);
    dc.press(stranger, buttons[0]!.custom_id, String(offer!.id), String(offer!.channel_id));
    await dc.waitForCall(
      (c) => /\/callback$/.test(c.path) && JSON.stringify(c.body).includes('Only the owner'),
    );
    expect(ctx.t.events.some((f) => f.event === 'permission.resolved')).toBe(false);
    dc.press(owner, buttons[0]!.custom_id, String(offer!.id), String(offer!.channel_id));
    const resolved = await eventOf<{ requestId: string; decision: string }>(ctx.t, 'permission.resolved');
    expect(resolved).toEqual({ requestId: request.id, decision: 'allow-once' });
    const update = await dc.waitForCall((c) => /\/callback$/.test(c.path) && c.body.type === 7);
    expect(JSON.stringify(update.body)).toContain('Allowed once.');
  });

  it('a reset token closes the gateway with 4004 and the channel fails with the reason', async () => {
    const channel = await addPaired();
    dc.revoke();
    const failed = await statusEvent(ctx.t, channel.id, 'failed');
    expect(failed.error?.code).toBe('CHANNEL_AUTH');
    expect(failed.error?.message).toContain('Developer Portal');
  });
});
