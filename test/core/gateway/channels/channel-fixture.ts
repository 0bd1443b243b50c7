import { afterEach, beforeEach } from 'vitest';
import type { ChannelAdapter } from '../../../../src-main/core/gateway/channels/adapter.js';
import type { ChannelKind, ChannelStatus } from '../../../../src-main/core/protocol/channel-entities.js';
import type { EventFrame } from '../../../../src-main/core/protocol/frames.js';
import { FakeOpenAI } from '../../../fixtures/fake-openai.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';

export interface ChannelTestCore {
  readonly fake: FakeOpenAI;
  readonly t: TestCore;
}

/** A core with the fake model as its provider and quick channel backoff, fresh for every test. */
export function channelCore(
  adapters: () => Partial<Record<ChannelKind, ChannelAdapter>> = () => ({}),
): ChannelTestCore {
  let fake: FakeOpenAI;
  let t: TestCore;
  beforeEach(async () => {
    fake = new FakeOpenAI();
    await fake.start();
    t = await startTestCore({
      flushIntervalMs: 20,
      channelAdapters: adapters(),
      channelBackoff: { baseMs: 20, maxMs: 200 },
    });
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-small',
    });
  });
  afterEach(async () => {
    await t.close();
    await fake.stop();
  });
  return {
    get fake() {
      return fake;
    },
    get t() {
      return t;
    },
  };
}

/** The next status of a channel in a given state (seen already or to come, after `after` events). */
export function statusEvent(
  t: TestCore,
  channelId: string,
  state: ChannelStatus['state'],
  after = 0,
): Promise<ChannelStatus> {
  return t
    .waitFor(
      (f: EventFrame) =>
        f.event === 'channels.status' &&
        t.events.indexOf(f) >= after &&
        (f.payload as { channelId: string; status: ChannelStatus }).channelId === channelId &&
        (f.payload as { status: ChannelStatus }).status.state === state,
    )
    .then((f) => (f.payload as { status: ChannelStatus }).status);
}

export function eventOf<T>(
  t: TestCore,
  name: string,
  match: (payload: T) => boolean = () => true,
): Promise<T> {
  return t.waitFor((f) => f.event === name && match(f.payload as T)).then((f) => f.payload as T);
}
