import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../../src-main/core/base/event-bus.js';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { markdownLoaded } from '../../../../src-main/core/gateway/channels/markdown.js';
import { ReplyDelivery } from '../../../../src-main/core/gateway/channels/reply-delivery.js';
import { telegramAdapter } from '../../../../src-main/core/gateway/channels/telegram/telegram-adapter.js';
import type { ChannelChat } from '../../../../src-main/core/protocol/channel-entities.js';
import type { Message } from '../../../../src-main/core/protocol/entities.js';

const chat: ChannelChat = {
  channelId: 'ch1',
  kind: 'telegram',
  chatId: '42',
  chatType: 'direct',
  title: 'Olive',
  conversationId: 'conv1',
};

function message(content: string, status: Message['status']): Message {
  return {
    id: 'm1',
    conversationId: chat.conversationId,
    index: 1,
    role: 'assistant',
    content,
    status,
    error: null,
    providerId: null,
    model: null,
    usage: null,
    createdAt: 0,
  };
}

describe('reply delivery', () => {
  it('loads the Markdown parser with the first reply, then sends its chunks in order, formatted', async () => {
    const bus = new EventBus();
    const sent: { key: string; text: string }[] = [];
    const delivery = new ReplyDelivery({
      bus,
      logger: silentLogger,
      outbox: {
        send: (_channelId, _chatId, key, payload) => {
          sent.push({ key, text: 'text' in payload ? payload.text : '' });
          return Promise.resolve(true);
        },
      },
      adapter: () => telegramAdapter,
      account: () => null,
    });
    delivery.start([chat]);
    // A channel that only waits for messages has not loaded the parser.
    expect(markdownLoaded()).toBe(false);

    const first = `**Bold** start. ${'lorem ipsum '.repeat(200).trim()}`;
    const second = `Second part, \`code\`. ${'dolor sit '.repeat(200).trim()}`;
    bus.emit('message.created', { message: message('', 'streaming') });
    // The first paragraph is complete: a flush comes before the parser is there, and waits for it.
    bus.emit('message.delta', { conversationId: chat.conversationId, messageId: 'm1', text: `${first}\n\n` });
    bus.emit('message.updated', { message: message(`${first}\n\n${second}`, 'complete') });
    expect(sent).toEqual([]);

    await expect.poll(() => sent.length).toBeGreaterThanOrEqual(2);
    expect(markdownLoaded()).toBe(true);
    expect(sent.map((s) => s.key)).toEqual(sent.map((_, i) => `m1:${i}`));
    const all = sent.map((s) => s.text).join('\n');
    expect(all).toContain('<b>Bold</b> start.');
    expect(all).toContain('<code>code</code>');
    expect(all.indexOf('<b>Bold</b>')).toBeLessThan(all.indexOf('Second part'));
    delivery.stop();
  });
});
