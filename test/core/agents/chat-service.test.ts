import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';

let fake: FakeOpenAI;
let t: TestCore;

beforeEach(async () => {
  fake = new FakeOpenAI();
  await fake.start();
  t = await startTestCore({ flushIntervalMs: 20 });
});

afterEach(async () => {
  await t.close();
  await fake.stop();
});

async function configure(apiKey: string | null = 'sk-test-key-123') {
  fake.apiKey = apiKey;
  return t.call('providers.save', {
    kind: 'openai-compatible',
    name: 'Fake',
    baseUrl: fake.baseUrl,
    defaultModel: 'fake-small',
    ...(apiKey ? { apiKey } : {}),
  });
}

function finalOf(messageId: string) {
  return t
    .waitFor(
      (f) => f.event === 'message.updated' && (f.payload as { message: Message }).message.id === messageId,
    )
    .then((f) => (f.payload as { message: Message }).message);
}

describe('chat', () => {
  it('streams a reply token by token and stores it', async () => {
    await configure();
    const conv = await t.call('conversations.create', {});
    fake.script({ tokens: ['Hi', ' there', ', owner', '.'] });
    const sent = await t.call('chat.send', { conversationId: conv.id, text: 'Hello', clientMessageId: 'c1' });
    expect(sent.userMessage).toMatchObject({ role: 'user', content: 'Hello', status: 'complete', index: 0 });
    expect(sent.assistantMessage).toMatchObject({ role: 'assistant', status: 'streaming', index: 1 });

    const final = await finalOf(sent.assistantMessage.id);
    expect(final).toMatchObject({ content: 'Hi there, owner.', status: 'complete', error: null });
    const deltas = t.events
      .filter((f) => f.event === 'message.delta')
      .map((f) => (f.payload as { text: string }).text);
    expect(deltas).toEqual(['Hi', ' there', ', owner', '.']);

    const page = await t.call('messages.page', { conversationId: conv.id, offset: 0, limit: 10 });
    expect(page.total).toBe(2);
    expect(page.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Hi there, owner.'],
    ]);
    const request = fake.requests.find((r) => r.path === '/v1/chat/completions');
    expect(request?.authorization).toBe('Bearer sk-test-key-123');
    expect(request?.body).toMatchObject({
      model: 'fake-small',
      stream: true,
      // The persona comes first, as the system prompt; then the conversation.
      messages: [
        { role: 'system', content: expect.stringContaining('You are Cell 0.') },
        { role: 'user', content: 'Hello' },
      ],
    });
  });

  it('titles a new conversation from its first message', async () => {
    await configure();
    const conv = await t.call('conversations.create', {});
    expect(conv.title).toBe('New chat');
    const sent = await t.call('chat.send', {
      conversationId: conv.id,
      text: 'Plan my trip to Lisbon\nin May',
      clientMessageId: 'c1',
    });
    await finalOf(sent.assistantMessage.id);
    expect((await t.call('conversations.get', { id: conv.id })).title).toBe('Plan my trip to Lisbon');
  });

  it('sends earlier turns as context', async () => {
    await configure();
    const conv = await t.call('conversations.create', {});
    fake.script({ tokens: ['Nice to meet you, Ada.'] }, { tokens: ['Ada.'] });
    const first = await t.call('chat.send', {
      conversationId: conv.id,
      text: 'I am Ada',
      clientMessageId: 'a',
    });
    await finalOf(first.assistantMessage.id);
    const second = await t.call('chat.send', {
      conversationId: conv.id,
      text: 'Who am I?',
      clientMessageId: 'b',
    });
    await finalOf(second.assistantMessage.id);
    const last = fake.requests.filter((r) => r.path === '/v1/chat/completions').at(-1);
    expect((last?.body as { messages: unknown[] }).messages).toEqual([
      { role: 'system', content: expect.stringContaining('You are Cell 0.') },
      { role: 'user', content: 'I am Ada' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
      { role: 'user', content: 'Who am I?' },
    ]);
  });

  it('stop cancels the stream and keeps the partial reply, marked stopped', async () => {
    await configure();
    const conv = await t.call('conversations.create', {});
    fake.script({ tokens: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 10 });
    const sent = await t.call('chat.send', {
      conversationId: conv.id,
      text: 'Tell me a long story',
      clientMessageId: 'c1',
    });
    await t.waitFor((f) => f.event === 'message.delta');
    await t.waitFor(() => t.events.filter((f) => f.event === 'message.delta').length >= 3);
    const { stopped } = await t.call('chat.stop', { conversationId: conv.id });
    expect(stopped).toBe(true);
    const final = await finalOf(sent.assistantMessage.id);
    expect(final.status).toBe('stopped');
    expect(final.content.startsWith('w0 w1 w2 ')).toBe(true);
    expect(final.content.length).toBeLessThan(200 * 4);
    const stored = await t.call('messages.page', { conversationId: conv.id, offset: 1, limit: 1 });
    expect(stored.messages[0]).toMatchObject({ status: 'stopped', content: final.content });
    expect((await t.call('chat.stop', { conversationId: conv.id })).stopped).toBe(false);
  });

  it('a resent clientMessageId returns the stored message instead of a twin', async () => {
    await configure();
    const conv = await t.call('conversations.create', {});
    const a = await t.call('chat.send', { conversationId: conv.id, text: 'Once', clientMessageId: 'same' });
    const b = await t.call('chat.send', { conversationId: conv.id, text: 'Once', clientMessageId: 'same' });
    expect(b.userMessage.id).toBe(a.userMessage.id);
    await finalOf(a.assistantMessage.id);
    const page = await t.call('messages.page', { conversationId: conv.id, offset: 0, limit: 10 });
    expect(page.total).toBe(2);
  });

  it('refuses a second message while a reply streams, with BUSY', async () => {
    await configure();
    const conv = await t.call('conversations.create', {});
    fake.script({ tokens: ['slow', ' reply'], delayMs: 200 });
    await t.call('chat.send', { conversationId: conv.id, text: 'one', clientMessageId: '1' });
    await expect(
      t.call('chat.send', { conversationId: conv.id, text: 'two', clientMessageId: '2' }),
    ).rejects.toMatchObject({
      code: 'BUSY',
    });
  });

  it('without a provider, says how to set one up', async () => {
    const conv = await t.call('conversations.create', {});
    await expect(
      t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: '1' }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_NOT_CONFIGURED',
    });
    const page = await t.call('messages.page', { conversationId: conv.id, offset: 0, limit: 10 });
    expect(page.total).toBe(0);
  });

  it('a refused key shows a clear message in the conversation, without the key', async () => {
    await configure('sk-wrong-key-999');
    fake.apiKey = 'sk-the-right-one';
    const conv = await t.call('conversations.create', {});
    const sent = await t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: '1' });
    const final = await finalOf(sent.assistantMessage.id);
    expect(final.status).toBe('error');
    expect(final.error?.code).toBe('PROVIDER_AUTH');
    expect(final.error?.message).toMatch(/refused the API key/);
    expect(final.error?.message).not.toContain('sk-wrong-key-999');
  });

  it('a wrong URL (nothing listening) says the server cannot be reached', async () => {
    const closed = new FakeOpenAI();
    await closed.start();
    await closed.stop();
    const deadUrl = closed.baseUrl;
    await t.call('providers.save', { kind: 'openai-compatible', baseUrl: deadUrl, defaultModel: 'm' });
    const conv = await t.call('conversations.create', {});
    const sent = await t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: '1' });
    const final = await finalOf(sent.assistantMessage.id);
    expect(final.error?.code).toBe('PROVIDER_UNREACHABLE');
    expect(final.error?.message).toContain(deadUrl);
  });

  it('a wrong path (404) points at the base URL and model', async () => {
    await t.call('providers.save', {
      kind: 'openai-compatible',
      baseUrl: `http://127.0.0.1:${fake.port}/nope`,
      defaultModel: 'm',
    });
    const conv = await t.call('conversations.create', {});
    const sent = await t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: '1' });
    const final = await finalOf(sent.assistantMessage.id);
    expect(final.error?.code).toBe('PROVIDER_NOT_FOUND');
  });

  it('a dropped stream keeps the partial text and says the connection dropped', async () => {
    await configure();
    fake.script({ tokens: ['Part', 'ial', ' answer', ' never', ' ends'], dropAfter: 3 });
    const conv = await t.call('conversations.create', {});
    const sent = await t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: '1' });
    const final = await finalOf(sent.assistantMessage.id);
    expect(final.status).toBe('error');
    expect(final.error?.code).toBe('PROVIDER_STREAM_CUT');
    expect(final.content).toBe('Partial answer');
  });

  it('a reply streaming when the process dies is kept and marked interrupted on restart', async () => {
    await configure();
    fake.script({ tokens: Array.from({ length: 100 }, (_, i) => `t${i} `), delayMs: 15 });
    const conv = await t.call('conversations.create', {});
    const sent = await t.call('chat.send', { conversationId: conv.id, text: 'go', clientMessageId: '1' });
    await t.waitFor(() => t.events.filter((f) => f.event === 'message.delta').length >= 10);
    // Read the file as a restarted process would (stop() would mark it stopped, so open the store
    // directly) once a periodic save has landed some of the text.
    const { ConversationStore } = await import('../../../src-main/core/conversations/store.js');
    const { StorageService } = await import('../../../src-main/core/storage/storage-service.js');
    const storage = new StorageService(t.dataDir);
    await storage.start();
    const mid = await vi.waitFor(async () => {
      const saved = await new ConversationStore(storage.db).message(sent.assistantMessage.id);
      expect(saved.content.length).toBeGreaterThan(0);
      return saved;
    });
    expect(mid.status).toBe('streaming');
    const marked = await new ConversationStore(storage.db).markInterrupted();
    expect(marked).toBe(1);
    await storage.stop();
  });
});
