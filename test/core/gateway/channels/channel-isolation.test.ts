import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pairing } from '../../../../src-main/core/protocol/channel-entities.js';
import { FakeDiscord } from '../../../fixtures/fake-discord.js';
import { FakeTelegram } from '../../../fixtures/fake-telegram.js';
import { channelCore, eventOf, statusEvent } from './channel-fixture.js';

describe('channels fail alone', () => {
  const ctx = channelCore();
  let tg: FakeTelegram;
  let dc: FakeDiscord;
  beforeEach(async () => {
    tg = new FakeTelegram();
    dc = new FakeDiscord();
    await Promise.all([tg.start(), dc.start()]);
  });
  afterEach(async () => {
    await Promise.all([tg.stop(), dc.stop()]);
  });

  it('a revoked Telegram token leaves Discord answering, and removing a channel stops only it', async () => {
    const telegram = await ctx.t.call('channels.add', {
      kind: 'telegram',
      token: tg.token,
      apiRoot: tg.apiRoot,
    });
    const discord = await ctx.t.call('channels.add', {
      kind: 'discord',
      token: dc.token,
      apiRoot: dc.apiRoot,
    });
    await statusEvent(ctx.t, telegram.id, 'connected');
    await statusEvent(ctx.t, discord.id, 'connected');
    dc.message({ id: '100000000000000042', username: 'olive' }, 'hi');
    const { pairing } = await eventOf<{ pairing: Pairing }>(ctx.t, 'channels.pairing');
    await ctx.t.call('channels.approve', { code: pairing.code });

    tg.revoke();
    expect((await statusEvent(ctx.t, telegram.id, 'failed')).error?.code).toBe('CHANNEL_AUTH');
    ctx.fake.script({ tokens: ['Still here.'] });
    dc.message({ id: '100000000000000042', username: 'olive' }, 'are you there?');
    await dc.waitForCreated((m) => m.content === 'Still here.');

    expect(await ctx.t.call('channels.remove', { id: telegram.id })).toEqual({ removed: true });
    const { channels } = await ctx.t.call('channels.list', {});
    expect(channels.map((c) => [c.kind, c.status.state])).toEqual([['discord', 'connected']]);
  });
});
