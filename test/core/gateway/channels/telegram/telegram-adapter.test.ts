import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultWorkspaceRoot } from '../../../../../src-main/core/kernel/kernel.js';
import type { Channel, Pairing } from '../../../../../src-main/core/protocol/channel-entities.js';
import type { PermissionRequest } from '../../../../../src-main/core/protocol/kernel-entities.js';
import { FakeTelegram, type TelegramUser } from '../../../../fixtures/fake-telegram.js';
import { channelCore, eventOf, statusEvent } from '../channel-fixture.js';

const owner: TelegramUser = { id: 42, first_name: 'Olive', username: 'olive' };
const stranger: TelegramUser = { id: 666, first_name: 'Sam' };

describe('Telegram channel (grammY against a fake Bot API over HTTP)', () => {
  const ctx = channelCore();
  let tg: FakeTelegram;

  beforeEach(async () => {
    tg = new FakeTelegram();
    await tg.start();
  });
  afterEach(async () => {
    await tg.stop();
  });

  async function addChannel(): Promise<Channel> {
    const channel = await ctx.t.call('channels.add', {
      kind: 'telegram',
      token: tg.token,
      apiRoot: tg.apiRoot,
    });
    await statusEvent(ctx.t, channel.id, 'connected');
    return channel;
  }

  /** The owner writes first, gets a code, and approves it as the owner would in the window. */
  async function pairOwner(channel: Channel): Promise<void> {
    tg.pushMessage({ from: owner, text: 'hi' });
    const { pairing } = await eventOf<{ pairing: Pairing }>(ctx.t, 'channels.pairing');
    expect(pairing.asOwner).toBe(true);
    const approved = await ctx.t.call('channels.approve', { code: pairing.code });
    expect(approved.role).toBe('owner');
    expect(approved.channel.id).toBe(channel.id);
    await tg.waitForCall(
      (c) => c.method === 'sendMessage' && String(c.params.text).includes('paired as the owner'),
    );
  }

  it('connects, names the bot, and gives an unknown sender only a one-time pairing code', async () => {
    const channel = await addChannel();
    const listed = await ctx.t.call('channels.list', {});
    expect(listed.channels[0]?.status).toMatchObject({ state: 'connected', account: '@cell0_test_bot' });
    expect(channel.hasToken).toBe(true);

    tg.pushMessage({ from: stranger, text: 'run rm -rf / please' });
    const { pairing } = await eventOf<{ pairing: Pairing }>(ctx.t, 'channels.pairing');
    const codeMessage = await tg.waitForCall((c) => c.method === 'sendMessage');
    expect(String(codeMessage.params.text)).toContain(`${pairing.code.slice(0, 4)}-${pairing.code.slice(4)}`);
    expect(codeMessage.params.chat_id).toBe(String(stranger.id));

    // More from the stranger: stored, never answered, never a conversation or a model call.
    tg.pushMessage({ from: stranger, text: 'hello??' });
    tg.pushMessage({ from: owner, text: 'me too' });
    await eventOf<{ pairing: Pairing }>(
      ctx.t,
      'channels.pairing',
      (p) => p.pairing.senderId === String(owner.id),
    );
    expect(tg.sent('sendMessage').filter((c) => c.params.chat_id === String(stranger.id))).toHaveLength(1);
    expect(ctx.fake.requests).toHaveLength(0);
    expect((await ctx.t.call('conversations.list', {})).conversations).toHaveLength(0);
  });

  it('an owner who writes the moment "paired as the owner" arrives reaches the agent, not a second code', async () => {
    await addChannel();
    tg.pushMessage({ from: owner, text: 'hi' });
    const { pairing } = await eventOf<{ pairing: Pairing }>(ctx.t, 'channels.pairing');
    ctx.fake.script({ tokens: ['Hello, Olive.'] });
    // The owner's phone shows the welcome and they type at once: the message is queued the moment
    // Telegram took the welcome, before the approval's answer has even reached the window.
    tg.on('call', (c: { method: string; params: Record<string, unknown> }) => {
      if (c.method === 'sendMessage' && String(c.params.text).includes('paired as the owner')) {
        tg.pushMessage({ from: owner, text: 'are you there?' });
      }
    });
    await ctx.t.call('channels.approve', { code: pairing.code });
    const { chat } = await eventOf<{ chat: { title: string } }>(ctx.t, 'channels.chat');
    expect(chat.title).toBe('Olive');
    await tg.waitForCall(
      (c) => c.method === 'sendMessage' && String(c.params.text).includes('Hello, Olive.'),
    );
    const codes = tg
      .sent('sendMessage')
      .filter((c) => String(c.params.text).includes('talks only with people its owner approved'));
    expect(codes).toHaveLength(1);
    expect((await ctx.t.call('channels.list', {})).pairings).toHaveLength(0);
  });

  it("routes the owner's message to the agent and sends the reply back in chunks at paragraph and fence boundaries", async () => {
    const channel = await addChannel();
    await pairOwner(channel);
    const paragraphs = Array.from(
      { length: 6 },
      (_, i) => `Paragraph ${i + 1}: ${'lorem ipsum '.repeat(60).trim()}.`,
    );
    const code = '```ts\nconst x = 1 < 2;\n\nconsole.log(x);\n```';
    const reply = [
      paragraphs[0],
      '**Bold** and `code`.',
      ...paragraphs.slice(1, 3),
      code,
      ...paragraphs.slice(3),
    ].join('\n\n');
    ctx.fake.script({ tokens: reply.match(/[\s\S]{1,80}/g)! });
    tg.pushMessage({ from: owner, text: 'Write me something long' });

    const { chat } = await eventOf<{ chat: { conversationId: string; title: string } }>(
      ctx.t,
      'channels.chat',
    );
    expect(chat.title).toBe('Olive');
    const conversation = await ctx.t.call('conversations.get', { id: chat.conversationId });
    expect(conversation.title).toBe('Telegram · Olive');
    await tg.waitForCall((c) => c.method === 'sendChatAction' && c.params.action === 'typing');
    await tg.waitForCall((c) => c.method === 'sendMessage' && String(c.params.text).includes('Paragraph 6'));
    await ctx.t.core.stop();
    const chunks = tg
      .sent('sendMessage')
      .filter(
        (c) => c.params.chat_id === String(owner.id) && /Paragraph|Bold|<pre>/.test(String(c.params.text)),
      );
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.params.parse_mode).toBe('HTML');
      expect(String(c.params.text).length).toBeLessThanOrEqual(4096);
    }
    const all = chunks.map((c) => String(c.params.text)).join('\n\n');
    expect(all).toContain('<b>Bold</b> and <code>code</code>.');
    // The code block arrives whole, in one chunk, escaped, with its blank line.
    expect(all).toContain(
      '<pre><code class="language-ts">const x = 1 &lt; 2;\n\nconsole.log(x);</code></pre>',
    );
    // Every chunk ends at a paragraph end: none starts or stops mid-paragraph.
    for (const c of chunks) expect(String(c.params.text)).toMatch(/(\.|<\/pre>)$/);
    // The agent saw the owner's words unchanged (no "not the owner" note).
    const body = JSON.stringify(ctx.fake.requests.at(-1)?.body);
    expect(body).toContain('Write me something long');
    expect(body).not.toContain('not the owner');
  });

  it('a message the owner types in the window into a Telegram conversation is answered there and in the chat', async () => {
    const channel = await addChannel();
    await pairOwner(channel);
    ctx.fake.script({ tokens: ['First answer.'] }, { tokens: ['Answer to the window.'] });
    tg.pushMessage({ from: owner, text: 'from the phone' });
    const { chat } = await eventOf<{ chat: { conversationId: string } }>(ctx.t, 'channels.chat');
    await tg.waitForCall((c) => c.method === 'sendMessage' && c.params.text === 'First answer.');
    const done = ctx.t.events.length;
    await ctx.t.call('chat.send', {
      conversationId: chat.conversationId,
      text: 'from the window',
      clientMessageId: 'w-1',
    });
    await ctx.t.waitFor(
      (f) =>
        ctx.t.events.indexOf(f) > done &&
        f.event === 'message.updated' &&
        (f.payload as { message: { role: string; status: string } }).message.status === 'complete',
    );
    const sent = await tg.waitForCall(
      (c) => c.method === 'sendMessage' && c.params.text === 'Answer to the window.',
    );
    expect(sent.params.chat_id).toBe(String(owner.id));
    const page = await ctx.t.call('messages.page', {
      conversationId: chat.conversationId,
      offset: 0,
      limit: 10,
    });
    expect(page.messages.map((m) => m.content)).toEqual([
      'from the phone',
      'First answer.',
      'from the window',
      'Answer to the window.',
    ]);
  });

  it('keeps a file sent to the agent in the conversation workspace, and the agent can send a workspace file back', async () => {
    const channel = await addChannel();
    await pairOwner(channel);
    const fileId = tg.addFile(Buffer.from('name,qty\napples,3\n'), 'documents/file_1.csv');
    let answered = false;
    ctx.fake.responder = (body) => {
      const prompt = JSON.stringify(body);
      const path = /attachments\/[\w.-]+stock\.csv/.exec(prompt)?.[0];
      if (!path || answered) return { tokens: ['Sent it back.'] };
      answered = true;
      return { toolCalls: [{ id: 'call_f', name: 'send_file', input: { path } }] };
    };
    tg.pushMessage({
      from: owner,
      extra: {
        caption: 'What is in this?',
        document: {
          file_id: fileId,
          file_unique_id: 'u1',
          file_name: 'stock.csv',
          mime_type: 'text/csv',
          file_size: 19,
        },
      },
    });
    const doc = await tg.waitForCall((c) => c.method === 'sendDocument' && c.ok);
    expect(doc.params.chat_id).toBe(String(owner.id));
    const sent = doc.params.document as { name: string; data: Buffer };
    expect(sent.data.toString('utf8')).toBe('name,qty\napples,3\n');
    expect(sent.name).toMatch(/stock\.csv$/);
    const body = JSON.stringify(ctx.fake.requests[0]?.body);
    const saved = /attachments\/([\w.-]+stock\.csv)/.exec(body)?.[1];
    const { chats } = await ctx.t.call('channels.list', {});
    const root = defaultWorkspaceRoot(ctx.t.dataDir);
    const content = await readFile(join(root, chats[0]!.conversationId, 'attachments', saved!), 'utf8');
    expect(content).toBe('name,qty\napples,3\n');
  });

  it('answers a flood with one polite note and a too-long message with a polite reply, never the agent', async () => {
    const channel = await addChannel();
    await pairOwner(channel);
    await ctx.t.call('channels.update', { id: channel.id, ratePerMinute: 2 });
    ctx.fake.fallback = { tokens: ['ok'] };
    tg.pushMessage({ from: owner, text: 'x'.repeat(20_001) });
    await tg.waitForCall(
      (c) => c.method === 'sendMessage' && String(c.params.text).includes('too long for me'),
    );
    for (let i = 0; i < 6; i++) tg.pushMessage({ from: owner, text: `flood ${i}` });
    await tg.waitForCall(
      (c) => c.method === 'sendMessage' && String(c.params.text).includes('faster than I can answer'),
    );
    await tg.waitForCalls((c) => c.method === 'sendMessage' && c.params.text === 'ok' && c.ok, 1);
    await ctx.t.core.stop();
    // The too-long message counted against the limit, then one flood message; the rest got one note.
    expect(ctx.fake.requests).toHaveLength(1);
    expect(tg.sent('sendMessage').filter((c) => String(c.params.text).includes('faster than'))).toHaveLength(
      1,
    );
  });

  it('answers a sticker politely and reads a malformed update as skipped, not fatal', async () => {
    const channel = await addChannel();
    await pairOwner(channel);
    tg.pushRaw({ update_id: tg.takeUpdateId(), message: { message_id: 1, date: 'never', chat: null } });
    await eventOf<{ status: { skippedUpdates: number } }>(
      ctx.t,
      'channels.status',
      (p) => p.status.skippedUpdates === 1,
    );
    tg.pushMessage({
      from: owner,
      extra: {
        sticker: {
          file_id: 's',
          file_unique_id: 's',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      },
    });
    const polite = await tg.waitForCall(
      (c) => c.method === 'sendMessage' && String(c.params.text).includes('sticker'),
    );
    expect(String(polite.params.text)).toContain('can’t open a sticker');
    expect(ctx.fake.requests).toHaveLength(0);
    expect((await ctx.t.call('channels.list', {})).channels[0]?.status.state).toBe('connected');
  });

  it('a revoked token fails the channel with the reason and stops polling; an outage reconnects by itself', async () => {
    const channel = await addChannel();
    const mark = ctx.t.events.length;
    await tg.down();
    const waiting = await statusEvent(ctx.t, channel.id, 'connecting', mark);
    expect(waiting.error?.code).toBe('CHANNEL_UNREACHABLE');
    await tg.up();
    await statusEvent(ctx.t, channel.id, 'connected', mark);

    tg.revoke();
    const failed = await statusEvent(ctx.t, channel.id, 'failed');
    expect(failed.error?.code).toBe('CHANNEL_AUTH');
    expect(failed.error?.message).toContain('@BotFather');
  });

  it('deduplicates a redelivered update and resends a refused chunk once Telegram takes it (429 retry_after)', async () => {
    const channel = await addChannel();
    await pairOwner(channel);
    ctx.fake.script({ tokens: ['Only once.'] });
    tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retryAfter: 1 });
    tg.pushMessage({ from: owner, text: 'ping' });
    tg.redeliverLast();
    await tg.waitForCall((c) => c.method === 'sendMessage' && c.params.text === 'Only once.' && c.ok);
    await ctx.t.core.stop();
    // Refused once (429), taken on the retry: the chat got the reply exactly once, from one model call.
    const attempts = tg.calls.filter((c) => c.method === 'sendMessage' && c.params.text === 'Only once.');
    expect(attempts.map((c) => c.ok)).toEqual([false, true]);
    expect(ctx.fake.requests).toHaveLength(1);
    expect(channel.kind).toBe('telegram');
  });

  it('asks the owner by DM with Allow/Deny only when enabled, and only the owner’s press counts', async () => {
    const channel = await addChannel();
    await pairOwner(channel);
    await ctx.t.call('channels.update', { id: channel.id, dmApprovals: true });
    ctx.fake.script(
      {
        toolCalls: [
          { id: 'call_1', name: 'shell', input: { command: 'echo from-telegram', reason: 'test' } },
        ],
      },
      { tokens: ['Done.'] },
    );
    tg.pushMessage({ from: owner, text: 'run echo' });
    const { request } = await eventOf<{ request: PermissionRequest }>(ctx.t, 'permission.requested');
    const dm = await tg.waitForCall((c) => c.method === 'sendMessage' && Boolean(c.params.reply_markup));
    const keyboard = (
      dm.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard[0]!;
    expect(keyboard.map((b) => b.text)).toEqual(['Allow once', 'Deny']);
    expect(String(dm.params.text)).toContain('echo from-telegram');

    // Words from chat users never answer: the stranger's text, the owner's "allow" text, and a forged press.
    tg.pushMessage({ from: stranger, text: `allow ${request.id}` });
    tg.pushCallback(stranger, keyboard[0]!.callback_data, { chatId: owner.id, messageId: 1 });
    await tg.waitForCall(
      (c) => c.method === 'answerCallbackQuery' && String(c.params.text).includes('Only the owner'),
    );
    tg.pushCallback(owner, 'p:AAAAAAAAAAAA:a', { chatId: owner.id, messageId: 1 });
    await tg.waitForCall(
      (c) => c.method === 'answerCallbackQuery' && String(c.params.text).includes('no longer waiting'),
    );
    expect(ctx.t.events.some((f) => f.event === 'permission.resolved')).toBe(false);

    tg.pushCallback(owner, keyboard[1]!.callback_data, { chatId: owner.id, messageId: 1 });
    const resolved = await eventOf<{ requestId: string; decision: string }>(ctx.t, 'permission.resolved');
    expect(resolved).toEqual({ requestId: request.id, decision: 'deny' });
    await tg.waitForCall((c) => c.method === 'editMessageText' && String(c.params.text).includes('Denied.'));
  });

  it('offers Allow once by DM only where the tray would: a command longer than one short line gets Deny alone', async () => {
    const channel = await addChannel();
    await pairOwner(channel);
    await ctx.t.call('channels.update', { id: channel.id, dmApprovals: true });
    const command = `echo ${'too-long-for-a-glance '.repeat(4).trim()}`;
    ctx.fake.script(
      { toolCalls: [{ id: 'call_1', name: 'shell', input: { command, reason: 'test' } }] },
      { tokens: ['Done.'] },
    );
    tg.pushMessage({ from: owner, text: 'run the long echo' });
    const { request } = await eventOf<{ request: PermissionRequest }>(ctx.t, 'permission.requested');
    expect(request.display).toBe(command);
    const dm = await tg.waitForCall((c) => c.method === 'sendMessage' && Boolean(c.params.reply_markup));
    const keyboard = (
      dm.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard[0]!;
    expect(keyboard.map((b) => b.text)).toEqual(['Deny']);
    expect(String(dm.params.text)).toContain(command);
    expect(String(dm.params.text)).toContain('To allow it, open its card in the Cell 0 window');

    // An "allow" press made up from the Deny button's data is refused, and the request still waits.
    const allowData = keyboard[0]!.callback_data.replace(/:d$/, ':a');
    tg.pushCallback(owner, allowData, { chatId: owner.id, messageId: 1 });
    await tg.waitForCall(
      (c) => c.method === 'answerCallbackQuery' && String(c.params.text).includes('in the Cell 0 window'),
    );
    expect(ctx.t.events.some((f) => f.event === 'permission.resolved')).toBe(false);
    const waiting = await ctx.t.call('permissions.pending');
    expect(waiting.requests.map((r) => r.id)).toEqual([request.id]);

    tg.pushCallback(owner, keyboard[0]!.callback_data, { chatId: owner.id, messageId: 1 });
    expect(await eventOf(ctx.t, 'permission.resolved')).toEqual({ requestId: request.id, decision: 'deny' });
  });
});
