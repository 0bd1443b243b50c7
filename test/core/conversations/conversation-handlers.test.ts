import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src-main/core/protocol/entities.js';
import { coreWithFakeProvider } from '../../helpers/core.js';

const env = coreWithFakeProvider();

async function finished(id: string): Promise<Message> {
  const frame = await env.t.waitFor(
    (f) =>
      f.event === 'message.updated' &&
      (f.payload as { message: Message }).message.id === id &&
      (f.payload as { message: Message }).message.status !== 'streaming',
  );
  return (frame.payload as { message: Message }).message;
}

function chatBodies() {
  return env.fake.requests
    .filter((r) => r.path === '/v1/chat/completions')
    .map(
      (r) =>
        r.body as { messages: { role: string; content: unknown }[]; temperature?: number; tools?: unknown[] },
    );
}

describe('conversation handlers: regenerate, edit, versions, deletion, settings', () => {
  it('regenerates from the context before the reply and announces the reset', async () => {
    const c = await env.t.call('conversations.create', {});
    env.fake.script({ tokens: ['one'] });
    const sent = await env.t.call('chat.send', {
      conversationId: c.id,
      text: 'Q',
      clientMessageId: randomUUID(),
    });
    await finished(sent.assistantMessage.id);

    env.fake.script({ tokens: ['two'] });
    const reset = env.t.waitFor((f) => f.event === 'messages.reset');
    const { assistantMessage } = await env.t.call('chat.regenerate', {
      conversationId: c.id,
      messageId: sent.assistantMessage.id,
    });
    expect((await reset).payload).toEqual({ conversationId: c.id, total: 2 });
    const done = await finished(assistantMessage.id);
    expect(done).toMatchObject({ content: 'two', index: 1, versions: { current: 2, total: 2 } });
    // The model saw only the question, not the version set aside.
    expect(JSON.stringify(chatBodies().at(-1)!.messages)).not.toContain('one');

    await env.t.call('messages.switchVersion', { conversationId: c.id, index: 1, version: 1 });
    const page = await env.t.call('messages.page', { conversationId: c.id, offset: 0, limit: 10 });
    expect(page.messages.map((m) => m.content)).toEqual(['Q', 'one']);
    await expect(
      env.t.call('chat.regenerate', { conversationId: c.id, messageId: sent.userMessage.id }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMS' });
  });

  it('edits as a branch, is idempotent per clientMessageId, and refuses while a reply runs', async () => {
    const c = await env.t.call('conversations.create', {});
    env.fake.script({ tokens: ['a'] });
    const sent = await env.t.call('chat.send', {
      conversationId: c.id,
      text: 'first',
      clientMessageId: randomUUID(),
    });
    await finished(sent.assistantMessage.id);

    env.fake.script({ tokens: ['slow ', 'reply'], delayMs: 200 });
    const key = randomUUID();
    const edited = await env.t.call('chat.edit', {
      conversationId: c.id,
      messageId: sent.userMessage.id,
      text: 'first, better',
      clientMessageId: key,
    });
    const again = await env.t.call('chat.edit', {
      conversationId: c.id,
      messageId: sent.userMessage.id,
      text: 'first, better',
      clientMessageId: key,
    });
    expect(again.userMessage.id).toBe(edited.userMessage.id);
    await expect(
      env.t.call('messages.delete', {
        conversationId: c.id,
        messageId: edited.userMessage.id,
        scope: 'rest',
      }),
    ).rejects.toMatchObject({ code: 'BUSY' });
    await finished(edited.assistantMessage.id);

    const deleted = await env.t.call('messages.delete', {
      conversationId: c.id,
      messageId: edited.assistantMessage.id,
      scope: 'message',
    });
    expect(deleted).toEqual({ deleted: 1, total: 1 });
  });

  it('applies the conversation settings and starts new chats from the defaults', async () => {
    await env.t.call('settings.setConversationDefaults', {
      systemPrompt: 'Be terse.',
      temperature: 0.1,
      maxOutputTokens: null,
      tools: false,
      memory: true,
    });
    const c = await env.t.call('conversations.create', {});
    expect(c.settings).toMatchObject({ systemPrompt: 'Be terse.', tools: false });
    env.fake.script({ tokens: ['ok'] });
    const sent = await env.t.call('chat.send', {
      conversationId: c.id,
      text: 'hi',
      clientMessageId: randomUUID(),
    });
    await finished(sent.assistantMessage.id);
    const body = chatBodies().at(-1)!;
    expect(JSON.stringify(body.messages[0])).toContain('Be terse.');
    expect(body.temperature).toBe(0.1);
    expect(body.tools ?? []).toHaveLength(0);

    const updated = await env.t.call('conversations.configure', { id: c.id, settings: { tools: true } });
    expect(updated.settings).toMatchObject({ systemPrompt: 'Be terse.', tools: true });
    await expect(
      env.t.call('conversations.configure', { id: c.id, settings: { temperature: 5 } }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMS' });
  });

  it('refuses an image for a text-only model before storing anything', async () => {
    const c = await env.t.call('conversations.create', {});
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const { attachment } = await env.t.call('attachments.add', {
      conversationId: c.id,
      uploadId: 'u1',
      name: 'cat.png',
      mimeType: 'image/png',
      size: png.length,
      offset: 0,
      data: png.toString('base64'),
      done: true,
    });
    await expect(
      env.t.call('chat.send', {
        conversationId: c.id,
        text: 'What is this?',
        clientMessageId: randomUUID(),
        attachments: [attachment!.path],
      }),
    ).rejects.toMatchObject({ code: 'IMAGES_NOT_SUPPORTED' });
    expect((await env.t.call('conversations.get', { id: c.id })).messageCount).toBe(0);
  });
});
