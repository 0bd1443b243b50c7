import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EventBus } from '../../base/event-bus.js';
import type { Logger } from '../../base/logger.js';
import type { ConversationStore } from '../../conversations/store.js';
import type { ChannelChat, ChannelKind } from '../../protocol/channel-entities.js';
import { isCell0Error } from '../../protocol/errors.js';
import { access, newPairingCode, SenderRateLimit, showCode } from './access-policy.js';
import type { ChannelAdapter, InboundAttachment, InboundMessage } from './adapter.js';
import type { ChannelRecord, ChannelStore, PairingRecord } from './channel-store.js';
import { loadMarkdown } from './markdown.js';
import type { Outbox } from './outbox.js';

/** What the router needs of the chat service: the one agent turn, started per message. */
export interface AgentEntry {
  send(
    conversationId: string,
    text: string,
    clientMessageId: string,
  ): Promise<{ assistantMessage: { id: string } }>;
  /** Resolves when the reply has ended (complete, stopped, error). */
  replyEnded(messageId: string): Promise<void>;
  /** Resolves when the conversation may take a new message (after a reply or a swarm running there). */
  idle(conversationId: string): Promise<void>;
}

export interface InboundRouterDeps {
  store: ChannelStore;
  conversations: ConversationStore;
  agent: AgentEntry;
  outbox: Outbox;
  bus: EventBus;
  logger: Logger;
  channel(id: string): ChannelRecord | null;
  adapter(kind: ChannelKind): ChannelAdapter;
  workspaceFor(conversationId: string): Promise<string>;
  /** A new chat was mapped to a conversation. */
  onChat(chat: ChannelChat): void;
  onPairing(pairing: PairingRecord): void;
  now?: () => number;
}

/** The most a message may carry in text (the composer's own limit). */
export const MAX_INBOUND_TEXT = 20_000;
/** The largest attachment kept in the workspace. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const PAIRING_TTL_MS = 60 * 60_000;

const PLATFORM: Record<ChannelKind, string> = {
  telegram: 'Telegram',
  discord: 'Discord',
  whatsapp: 'WhatsApp',
};

/** A name that stays inside the attachments folder and is readable in a shell. */
function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    .replace(/[^\w.+-]+/g, '_')
    .replace(/^\.+/, '');
  return base.slice(-120) || 'file';
}

/** The idempotency key chat.send takes (64 characters at most), from the platform's own id. */
export function clientMessageIdFor(channelId: string, platformId: string): string {
  return `ch-${createHash('sha256').update(`${channelId}\0${platformId}`).digest('base64url').slice(0, 40)}`;
}

/**
 * Takes each inbound message once (deduplicated by the platform's id), decides who may talk
 * (access-policy), and hands what may go on to the agent in the chat's conversation — one message
 * at a time per chat, so replies keep their order and nothing is refused as busy.
 */
export class InboundRouter {
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly limits = new SenderRateLimit();
  private readonly now: () => number;

  constructor(private readonly deps: InboundRouterDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Stores the message (once) and queues it; resolves when stored, so the adapter may acknowledge it. */
  async receive(channelId: string, message: InboundMessage): Promise<void> {
    const { attachments, ...rest } = message;
    const payload = JSON.stringify({ ...rest, attachments: attachments.map(({ fetch: _f, ...a }) => a) });
    const fresh = await this.deps.store.recordInbound(
      channelId,
      message.platformId,
      { chatId: message.chat.id, senderId: message.sender.id, payload },
      this.now(),
    );
    if (!fresh) return;
    this.queue(channelId, message);
  }

  /** Messages stored before a stop but never handed on; their attachments cannot be fetched again. */
  async resume(): Promise<void> {
    for (const row of await this.deps.store.unrouted()) {
      try {
        const stored = JSON.parse(row.payload) as Omit<InboundMessage, 'attachments'> & {
          attachments: Omit<InboundAttachment, 'fetch'>[];
        };
        const attachments = stored.attachments.map((a) => ({
          ...a,
          fetch: () => Promise.reject(new Error('The app stopped before this file was fetched.')),
        }));
        this.queue(row.channelId, { ...stored, attachments });
      } catch (err) {
        this.deps.logger.warn('a stored channel message could not be read', err);
        await this.deps.store.setInboundStatus(row.channelId, row.platformId, 'failed');
      }
    }
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.lanes.values()]);
  }

  private queue(channelId: string, message: InboundMessage): void {
    const lane = `${channelId}\0${message.chat.id}`;
    const run = (this.lanes.get(lane) ?? Promise.resolve())
      .then(() => this.handle(channelId, message))
      .catch(async (err: unknown) => {
        this.deps.logger.error(`channel ${channelId}: an inbound message failed`, err);
        await this.deps.store
          .setInboundStatus(channelId, message.platformId, 'failed')
          .catch(() => undefined);
      });
    this.lanes.set(lane, run);
    void run.finally(() => {
      if (this.lanes.get(lane) === run) this.lanes.delete(lane);
    });
  }

  private async reply(
    channel: ChannelRecord,
    message: InboundMessage,
    suffix: string,
    markdown: string,
  ): Promise<boolean> {
    const adapter = this.deps.adapter(channel.kind);
    await loadMarkdown();
    return this.deps.outbox.send(channel.id, message.chat.id, `${message.platformId}:${suffix}`, {
      text: adapter.format(markdown),
    });
  }

  private async handle(channelId: string, message: InboundMessage): Promise<void> {
    const { store } = this.deps;
    const setStatus = (status: string) => store.setInboundStatus(channelId, message.platformId, status);
    const channel = this.deps.channel(channelId);
    if (!channel) return setStatus('ignored');
    const decision = access(message, channel.senders, channel.config);
    if (decision.kind === 'ignore') return setStatus('ignored');
    if (decision.kind === 'pair') return this.pair(channel, message);

    const limit = this.limits.hit(
      `${channelId}\0${message.sender.id}`,
      channel.config.ratePerMinute,
      this.now(),
    );
    if (!limit.allowed) {
      if (limit.tell) {
        await this.reply(
          channel,
          message,
          'slow-down',
          `You are sending messages faster than I can answer (${channel.config.ratePerMinute} a minute). I will read new ones again in a minute.`,
        );
      }
      return setStatus('limited');
    }
    if (!message.text && message.attachments.length === 0) {
      if (message.unsupported) {
        await this.reply(
          channel,
          message,
          'unsupported',
          `I can’t open ${message.unsupported} yet. Send text or a file instead.`,
        );
      }
      return setStatus('unsupported');
    }
    if (message.text.length > MAX_INBOUND_TEXT) {
      await this.reply(
        channel,
        message,
        'too-long',
        `That message is too long for me (${message.text.length.toLocaleString('en')} characters; I read up to ${MAX_INBOUND_TEXT.toLocaleString('en')}). Send it as a file instead.`,
      );
      return setStatus('too-long');
    }

    const conversationId = await this.conversationFor(channel, message);
    const notes = await this.saveAttachments(conversationId, message.attachments);
    if (message.unsupported) notes.push(`(${message.unsupported} was sent too; Cell 0 cannot open it.)`);
    // The agent keeps the owner's memory: it is told plainly when someone else is speaking.
    const who =
      decision.role === 'owner'
        ? message.chat.type === 'group'
          ? `${message.sender.name} (the owner): `
          : ''
        : `${message.sender.name} (approved by the owner on ${PLATFORM[channel.kind]}, not the owner): `;
    const text = `${who}${[message.text, ...notes].filter(Boolean).join('\n\n')}`;
    await this.toAgent(channel, message, conversationId, text);
  }

  private async pair(channel: ChannelRecord, message: InboundMessage): Promise<void> {
    const { store } = this.deps;
    const now = this.now();
    // One code per sender while it is valid: later messages get nothing at all.
    if (await store.pairingFor(channel.id, message.sender.id, now)) {
      return store.setInboundStatus(channel.id, message.platformId, 'ignored');
    }
    const pairing: PairingRecord = {
      code: newPairingCode(),
      channelId: channel.id,
      senderId: message.sender.id,
      senderName: message.sender.name.slice(0, 200),
      chatId: message.chat.id,
      createdAt: now,
      expiresAt: now + PAIRING_TTL_MS,
    };
    await store.insertPairing(pairing);
    await store.setInboundStatus(channel.id, message.platformId, 'pairing');
    this.deps.onPairing(pairing);
    const code = showCode(pairing.code);
    await this.reply(
      channel,
      message,
      'pair',
      `This agent talks only with people its owner approved. Your pairing code is **${code}**: the owner approves it in Cell 0 (Channels), or with \`cell0 channels approve ${code}\`. It expires in an hour.`,
    );
  }

  private async conversationFor(channel: ChannelRecord, message: InboundMessage): Promise<string> {
    const { store, conversations, bus } = this.deps;
    const known = await store.chat(channel.id, message.chat.id);
    if (known) return known.conversationId;
    const title = `${PLATFORM[channel.kind]} · ${message.chat.title}`.slice(0, 200);
    const conversation = await conversations.create(title);
    const chat: ChannelChat = {
      channelId: channel.id,
      kind: channel.kind,
      chatId: message.chat.id,
      chatType: message.chat.type,
      title: message.chat.title.slice(0, 200),
      conversationId: conversation.id,
    };
    await store.insertChat(chat);
    this.deps.onChat(chat);
    bus.emit('conversation.updated', { conversation });
    return conversation.id;
  }

  /** Saves each file into the conversation's workspace (where its tools can read it); returns notes for the agent. */
  private async saveAttachments(conversationId: string, attachments: InboundAttachment[]): Promise<string[]> {
    if (attachments.length === 0) return [];
    const notes: string[] = [];
    const dir = join(await this.deps.workspaceFor(conversationId), 'attachments');
    await mkdir(dir, { recursive: true });
    for (const a of attachments) {
      const name = safeName(a.name);
      if (a.size !== null && a.size > MAX_ATTACHMENT_BYTES) {
        notes.push(
          `(A file, ${name}, was too large to keep: over ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.)`,
        );
        continue;
      }
      try {
        const data = await a.fetch(AbortSignal.timeout(120_000));
        if (data.length > MAX_ATTACHMENT_BYTES) {
          notes.push(`(A file, ${name}, was too large to keep.)`);
          continue;
        }
        const stored = `${Date.now().toString(36)}-${name}`;
        await writeFile(join(dir, stored), data);
        notes.push(
          `[Attached: ${name} (${data.length.toLocaleString('en')} bytes, ${a.mimeType}), saved in the workspace as attachments/${stored}]`,
        );
      } catch (err) {
        this.deps.logger.warn('a channel attachment could not be fetched', err);
        notes.push(`(A file, ${name}, could not be fetched from the platform.)`);
      }
    }
    return notes;
  }

  private async toAgent(
    channel: ChannelRecord,
    message: InboundMessage,
    conversationId: string,
    text: string,
  ) {
    const { agent, store } = this.deps;
    const clientMessageId = clientMessageIdFor(channel.id, message.platformId);
    for (let attempt = 0; ; attempt++) {
      try {
        const { assistantMessage } = await agent.send(conversationId, text, clientMessageId);
        await store.setInboundStatus(channel.id, message.platformId, 'routed');
        // The next message of this chat waits for this reply, as a person would.
        await agent.replyEnded(assistantMessage.id);
        return;
      } catch (err) {
        // The owner is using this conversation in the window, or a swarm runs there: wait our turn.
        if (isCell0Error(err) && err.code === 'BUSY' && attempt < 20) {
          await agent.idle(conversationId);
          continue;
        }
        this.deps.logger.warn(`channel ${channel.id}: the agent could not take a message`, err);
        await store.setInboundStatus(channel.id, message.platformId, 'failed');
        const why =
          isCell0Error(err) && err.code.startsWith('PROVIDER')
            ? ' No model is ready in Cell 0 right now.'
            : '';
        await this.reply(
          channel,
          message,
          'failed',
          `Sorry, I can’t answer right now.${why} The owner can see why in Cell 0.`,
        );
        return;
      }
    }
  }
}
