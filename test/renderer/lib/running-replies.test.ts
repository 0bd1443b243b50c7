import { describe, expect, it } from 'vitest';
import { applyReplyStatus, runningConversationCount } from '../../../src-renderer/lib/running-replies.js';
import { message } from '../message-fixture.js';

describe('running replies', () => {
  it('tracks streaming replies per conversation until they end', () => {
    let map = applyReplyStatus({}, message(1, { role: 'assistant', status: 'streaming' }));
    map = applyReplyStatus(map, message(2, { conversationId: 'c2', role: 'assistant', status: 'streaming' }));
    expect(runningConversationCount(map)).toBe(2);
    map = applyReplyStatus(map, message(1, { role: 'assistant', status: 'complete' }));
    expect(runningConversationCount(map)).toBe(1);
  });

  it('ignores user messages and repeated events', () => {
    const map = applyReplyStatus({}, message(1, { role: 'assistant', status: 'streaming' }));
    expect(applyReplyStatus(map, message(1, { role: 'assistant', status: 'streaming' }))).toBe(map);
    expect(applyReplyStatus(map, message(3, { role: 'user', status: 'streaming' }))).toBe(map);
  });
});
