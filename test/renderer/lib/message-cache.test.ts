import { describe, expect, it } from 'vitest';
import { MessageCache } from '../../../src-renderer/lib/message-cache.js';
import { mergeMessage } from '../../../src-renderer/lib/message-merge.js';
import { message } from '../message-fixture.js';

describe('mergeMessage', () => {
  it('keeps streamed text when an older streaming snapshot (chat.send answer) arrives late', () => {
    const streamed = message(1, { status: 'streaming', content: 'Hello wor' });
    const late = message(1, { status: 'streaming', content: '' });
    expect(mergeMessage(streamed, late)).toBe(streamed);
  });

  it('lets a final state replace streaming text entirely', () => {
    const streamed = message(1, { status: 'streaming', content: 'Hello wor' });
    const done = message(1, { status: 'complete', content: 'Hello world' });
    expect(mergeMessage(streamed, done)).toBe(done);
  });

  it('never reopens a finished message from a stale streaming copy', () => {
    const done = message(1, { status: 'stopped', content: 'Hel' });
    expect(mergeMessage(done, message(1, { status: 'streaming', content: '' }))).toBe(done);
  });

  it('returns the existing object for an identical copy, so nothing re-renders', () => {
    const a = message(3);
    expect(mergeMessage(a, { ...a })).toBe(a);
  });
});

describe('MessageCache', () => {
  it('stores sparsely by index and grows the total from the highest index', () => {
    const cache = new MessageCache();
    cache.setTotal(10_000);
    expect(cache.upsert(message(9_999))).toBe(true);
    expect(cache.has(0)).toBe(false);
    expect(cache.get(9_999)?.id).toBe('m9999');
    cache.upsert(message(10_000));
    expect(cache.total).toBe(10_001);
    cache.setTotal(5);
    expect(cache.total).toBe(10_001);
  });

  it('is idempotent: the same message from an event and a response is stored once', () => {
    const cache = new MessageCache();
    const m = message(0);
    expect(cache.upsert(m)).toBe(true);
    expect(cache.upsert({ ...m })).toBe(false);
    expect(cache.total).toBe(1);
  });

  it('appends deltas to streaming messages only and tracks whether anything streams', () => {
    const cache = new MessageCache();
    cache.upsert(message(1, { status: 'streaming', content: '' }));
    expect(cache.isStreaming).toBe(true);
    expect(cache.appendDelta('m1', 'Hi')).toBe(true);
    expect(cache.appendDelta('m1', ' there')).toBe(true);
    expect(cache.byId('m1')?.content).toBe('Hi there');
    expect(cache.appendDelta('unknown', 'x')).toBe(false);
    cache.upsert(message(1, { status: 'complete', content: 'Hi there!' }));
    expect(cache.isStreaming).toBe(false);
    expect(cache.appendDelta('m1', 'late')).toBe(false);
    expect(cache.byId('m1')?.content).toBe('Hi there!');
  });
});
