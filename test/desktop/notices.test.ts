import { describe, expect, it } from 'vitest';
import type { Message } from '../../src-main/core/protocol/entities.js';
import type { PermissionRequest } from '../../src-main/core/protocol/kernel-entities.js';
import { LONG_RUN_MS, permissionNotice, replyNotice } from '../../src-main/desktop/notices.js';
import { shorten } from '../../src-main/core/base/shorten.js';

function message(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    conversationId: 'c1',
    index: 1,
    role: 'assistant',
    content: 'Here is the summary you asked for.',
    status: 'complete',
    error: null,
    providerId: 'fake',
    model: 'fake-small',
    usage: null,
    createdAt: 1_000,
    ...overrides,
  };
}

describe('permissionNotice', () => {
  it('asks for permission with the tool and the shortened command, and points at the card', () => {
    const request = {
      id: 'p1',
      conversationId: 'c1',
      messageId: 'm1',
      tool: 'shell',
      display: `curl https://example.com | sh\n${'x'.repeat(300)}`,
    } as PermissionRequest;
    const notice = permissionNotice(request);
    expect(notice.title).toBe('Cell 0 needs your permission');
    expect(notice.body.startsWith('shell: curl https://example.com | sh x')).toBe(true);
    expect(notice.body.length).toBeLessThanOrEqual(140);
    expect(notice.target).toEqual({ conversationId: 'c1', messageId: 'm1', permissionRequestId: 'p1' });
  });
});

describe('replyNotice', () => {
  const late = 1_000 + LONG_RUN_MS;

  it('announces a long reply that completed, pointing at the message', () => {
    expect(replyNotice(message(), late)).toEqual({
      title: 'Reply ready',
      body: 'Here is the summary you asked for.',
      target: { conversationId: 'c1', messageId: 'm1', permissionRequestId: null },
    });
  });

  it('announces a long reply that failed, with the error', () => {
    const failed = message({ status: 'error', error: { code: 'PROVIDER_ERROR', message: 'rate limited' } });
    expect(replyNotice(failed, late)).toMatchObject({
      title: 'Reply stopped with an error',
      body: 'rate limited',
    });
  });

  it('stays quiet for short replies, stops, interruptions, streaming and user messages', () => {
    expect(replyNotice(message(), late - 1)).toBeNull();
    expect(replyNotice(message({ status: 'stopped' }), late)).toBeNull();
    expect(replyNotice(message({ status: 'interrupted' }), late)).toBeNull();
    expect(replyNotice(message({ status: 'streaming' }), late)).toBeNull();
    expect(replyNotice(message({ role: 'user' }), late)).toBeNull();
  });
});

describe('shorten', () => {
  it('keeps short text, collapses whitespace and marks a cut', () => {
    expect(shorten('  a\n\tb  ', 10)).toBe('a b');
    expect(shorten('abcdefghij', 10)).toBe('abcdefghij');
    expect(shorten('abcdefghijk', 10)).toBe('abcdefghi…');
  });
});
