import { beforeEach, describe, expect, it } from 'vitest';
import { useMessages } from '../../../src-renderer/stores/messages.js';
import { message } from '../message-fixture.js';

const store = () => useMessages.getState();

beforeEach(() => {
  store().reset('c1', null);
  store().setTotal('c1', 2);
});

describe('messages store', () => {
  it('shows a pending user message until its stored twin arrives as an event', () => {
    store().addPending({ clientMessageId: 'k1', conversationId: 'c1', text: 'hello', createdAt: 0 });
    expect(store().pending).toHaveLength(1);
    store().upsertMessages('c1', [message(2, { role: 'user', content: 'hello' })]);
    expect(store().pending).toHaveLength(0);
    expect(store().total).toBe(3);
  });

  it('does not duplicate a message delivered by both an event and the chat.send answer', () => {
    const user = message(2, { role: 'user', content: 'hi' });
    const assistant = message(3, { role: 'assistant', status: 'streaming', content: '' });
    store().upsertMessages('c1', [user]);
    store().upsertMessages('c1', [assistant]);
    store().applyDeltas(new Map([['m3', 'Hey']]));
    store().upsertMessages('c1', [user, assistant]);
    expect(store().total).toBe(4);
    expect(store().cache.get(3)?.content).toBe('Hey');
    expect(store().streaming).toBe(true);
    store().upsertMessages('c1', [message(3, { role: 'assistant', status: 'complete', content: 'Hey you' })]);
    expect(store().streaming).toBe(false);
    expect(store().cache.get(3)?.content).toBe('Hey you');
  });

  it('ignores updates for a conversation that is not on screen', () => {
    const before = store().version;
    store().upsertMessages('other', [message(5, { conversationId: 'other' })]);
    expect(store().version).toBe(before);
    expect(store().total).toBe(2);
  });

  it('keeps an older message with the same text from clearing a new pending one', () => {
    store().addPending({ clientMessageId: 'k1', conversationId: 'c1', text: 'text 0', createdAt: 0 });
    store().upsertMessages('c1', [message(0)]);
    expect(store().pending).toHaveLength(1);
  });

  it('shows a retry wait until text arrives, and each tool call once', () => {
    const retry = {
      conversationId: 'c1',
      messageId: 'm3',
      attempt: 2,
      maxAttempts: 3,
      waitMs: 4000,
      error: { code: 'PROVIDER_RATE_LIMITED' as const, message: 'Slow down.' },
    };
    store().noteRetrying(retry, 1000);
    expect(store().live['m3']?.retrying?.retryAt).toBe(5000);
    const call = { conversationId: 'c1', messageId: 'm3', toolCallId: 't1', toolName: 'f', input: {} };
    store().noteToolCall(call);
    store().noteToolCall(call);
    expect(store().live['m3']?.toolCalls).toHaveLength(1);
    store().endRetrying('m3');
    expect(store().live['m3']?.retrying).toBeNull();
    expect(store().live['m3']?.toolCalls).toHaveLength(1);
  });

  it('keeps live activity when another conversation opens, since its events are not sent again', () => {
    store().noteToolCall({ conversationId: 'c1', messageId: 'm9', toolCallId: 't', toolName: 'f', input: 1 });
    store().reset('c2', null);
    expect(store().live['m9']?.toolCalls).toHaveLength(1);
  });
});
