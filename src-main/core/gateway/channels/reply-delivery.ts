import type { EventBus } from '../../base/event-bus.js';
import type { Logger } from '../../base/logger.js';
import type { ChannelChat, ChannelKind } from '../../protocol/channel-entities.js';
import type { Message } from '../../protocol/entities.js';
import type { EventPayload } from '../../protocol/events.js';
import type { ChannelAdapter, ChannelAccount } from './adapter.js';
import type { Outbox } from './outbox.js';
import { loadMarkdown, markdownLoaded } from './markdown.js';
import { platformChunks } from './reply-chunks.js';

export interface ReplyDeliveryDeps {
  bus: EventBus;
  outbox: Pick<Outbox, 'send'>;
  logger: Logger;
  adapter(kind: ChannelKind): ChannelAdapter;
  account(channelId: string): ChannelAccount | null;
  /** Typing indicators last about 5 s on every platform: repeated this often while the agent works. */
  typingEveryMs?: number;
}

interface Stream {
  chat: ChannelChat;
  text: string;
  sent: number;
  typing: ReturnType<typeof setInterval> | null;
}

/** A chunk goes out once it holds this much and a paragraph or code block ends (or the reply does). */
const CHUNK_TARGET = 1800;

const ENDINGS: Partial<Record<Message['status'], string>> = {
  error: '_(Sorry, the reply could not be finished. The owner can see why in Cell 0.)_',
  stopped: '_(The reply was stopped.)_',
  interrupted: '_(The reply was interrupted when Cell 0 stopped.)_',
};

/**
 * Sends every assistant reply of a channel conversation back to its chat — whether the message
 * came from the platform or the owner typed it in the window — as the reply streams, in chunks cut
 * at paragraph and code-fence boundaries and converted to what the platform renders, with the
 * typing indicator on while the agent works. Chunk n of message m has the key `m:n`, so the
 * outbox never sends one twice.
 */
export class ReplyDelivery {
  private readonly chats = new Map<string, ChannelChat>();
  private readonly streams = new Map<string, Stream>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: ReplyDeliveryDeps) {}

  start(chats: ChannelChat[]): void {
    for (const chat of chats) this.track(chat);
    this.unsubscribe = this.deps.bus.subscribe((frame) => {
      try {
        if (frame.event === 'message.created')
          this.created((frame.payload as EventPayload<'message.created'>).message);
        else if (frame.event === 'message.delta') this.delta(frame.payload as EventPayload<'message.delta'>);
        else if (frame.event === 'message.updated')
          this.updated((frame.payload as EventPayload<'message.updated'>).message);
        else if (frame.event === 'conversation.deleted')
          this.chats.delete((frame.payload as { id: string }).id);
      } catch (err) {
        this.deps.logger.error('a channel reply could not be delivered', err);
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const s of this.streams.values()) if (s.typing) clearInterval(s.typing);
    this.streams.clear();
  }

  track(chat: ChannelChat): void {
    this.chats.set(chat.conversationId, chat);
  }

  forgetChannel(channelId: string): void {
    for (const [id, chat] of this.chats) if (chat.channelId === channelId) this.chats.delete(id);
  }

  chatOf(conversationId: string): ChannelChat | null {
    return this.chats.get(conversationId) ?? null;
  }

  private created(message: Message): void {
    if (message.role !== 'assistant' || message.status !== 'streaming') return;
    const chat = this.chats.get(message.conversationId);
    if (!chat) return;
    const stream: Stream = { chat, text: message.content, sent: 0, typing: null };
    this.streams.set(message.id, stream);
    this.typing(stream);
    stream.typing = setInterval(() => this.typing(stream), this.deps.typingEveryMs ?? 4_000);
    stream.typing.unref?.();
  }

  private typing(stream: Stream): void {
    this.deps
      .account(stream.chat.channelId)
      ?.typing(stream.chat.chatId)
      .catch(() => undefined);
  }

  private delta({ messageId, text }: EventPayload<'message.delta'>): void {
    const stream = this.streams.get(messageId);
    if (!stream) return;
    stream.text += text;
    // Only a new line can complete a paragraph or a code block.
    if (text.includes('\n')) this.flush(messageId, stream, false);
  }

  private updated(message: Message): void {
    if (message.role !== 'assistant' || message.status === 'streaming') return;
    const known = this.streams.get(message.id);
    const chat = known?.chat ?? this.chats.get(message.conversationId);
    if (!chat) return;
    const stream = known ?? { chat, text: '', sent: 0, typing: null };
    if (stream.typing) clearInterval(stream.typing);
    this.streams.delete(message.id);
    const ending = ENDINGS[message.status];
    stream.text = [message.content.trim(), ending].filter(Boolean).join('\n\n');
    this.flush(message.id, stream, true);
  }

  private flush(messageId: string, stream: Stream, final: boolean): void {
    if (!markdownLoaded()) {
      // The first text written out since the start: the parser loads, then this flush runs (in order).
      void loadMarkdown().then(
        () => this.flush(messageId, stream, final),
        (err: unknown) => this.deps.logger.error('the Markdown parser did not load', err),
      );
      return;
    }
    const adapter = this.deps.adapter(stream.chat.kind);
    const limit = Math.floor(adapter.maxText * 0.9);
    const chunks = platformChunks(
      stream.text,
      { limit, target: Math.min(CHUNK_TARGET, limit), final },
      (m) => adapter.format(m),
      adapter.maxText,
    );
    for (let i = stream.sent; i < chunks.length; i++) {
      void this.deps.outbox.send(stream.chat.channelId, stream.chat.chatId, `${messageId}:${i}`, {
        text: chunks[i]!,
      });
    }
    stream.sent = Math.max(stream.sent, chunks.length);
  }
}
