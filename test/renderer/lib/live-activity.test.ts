import { describe, expect, it } from 'vitest';
import {
  applyRetrying,
  applyToolCall,
  clearRetrying,
  describeRetry,
  formatToolCall,
} from '../../../src-renderer/lib/live-activity.js';

const retry = {
  conversationId: 'c',
  messageId: 'm',
  attempt: 2,
  maxAttempts: 3,
  waitMs: 4000,
  error: { code: 'PROVIDER_RATE_LIMITED' as const, message: 'Too many requests.' },
};

describe('live activity', () => {
  it('counts down to the next attempt', () => {
    const map = applyRetrying({}, retry, 10_000);
    const notice = map['m']?.retrying;
    if (!notice) throw new Error('no notice');
    expect(describeRetry(notice, 10_000)).toBe('Rate limited — retrying in 4 s (attempt 2 of 3)');
    expect(describeRetry(notice, 12_500)).toBe('Rate limited — retrying in 2 s (attempt 2 of 3)');
    expect(describeRetry(notice, 14_000)).toBe('Rate limited — retrying now (attempt 2 of 3)');
    expect(describeRetry(notice)).toBe('Rate limited — retrying shortly (attempt 2 of 3)');
  });

  it('names an overloaded provider differently from a rate limit', () => {
    const map = applyRetrying({}, { ...retry, error: { code: 'PROVIDER_SERVER_ERROR', message: 'x' } }, 0);
    expect(describeRetry(map['m']!.retrying!, 0)).toMatch(/^The provider is busy/);
  });

  it('clears a retry and leaves the map untouched when there is nothing to clear', () => {
    const map = applyRetrying({}, retry, 0);
    expect(clearRetrying(map, 'm')['m']?.retrying).toBeNull();
    const empty = {};
    expect(clearRetrying(empty, 'm')).toBe(empty);
  });

  it('records each tool call once, in order', () => {
    const call = (toolCallId: string) => ({
      conversationId: 'c',
      messageId: 'm',
      toolCallId,
      toolName: 'f',
      input: {},
    });
    let map = applyToolCall({}, call('a'));
    map = applyToolCall(map, call('b'));
    expect(applyToolCall(map, call('a'))).toBe(map);
    expect(map['m']?.toolCalls.map((t) => t.toolCallId)).toEqual(['a', 'b']);
  });

  it('shows a tool call as name(json input), clipped for the card', () => {
    const call = { toolCallId: 't', toolName: 'get_weather', input: { city: 'Lisbon' } };
    expect(formatToolCall(call).short).toBe('get_weather({"city":"Lisbon"})');
    const long = formatToolCall({ ...call, input: 'x'.repeat(500) }, 10);
    expect(long.short).toBe(`get_weather("xxxxxxxxx…)`);
    expect(long.full).toHaveLength('get_weather()'.length + 502);
    expect(formatToolCall({ ...call, input: undefined }).short).toBe('get_weather()');
  });
});
