import { createHash } from 'node:crypto';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Partials,
  type Message,
  type MessageCreateOptions,
  type SendableChannels,
} from 'discord.js';
import {
  ChannelError,
  type AccountConfig,
  type AccountSink,
  type ChannelAccount,
  type ChannelAdapter,
  type InboundMessage,
  type OutboundFile,
  type OutboundText,
} from '../adapter.js';
import { discordFormat } from './discord-format.js';

/** Gateway close codes after which reconnecting cannot help (discord.js does not retry them either). */
const AUTH_CLOSE = 4004;
const FATAL_CLOSE = new Set([4010, 4011, 4012, 4013, 4014]);

const authFailed = (cause?: unknown) =>
  new ChannelError(
    'CHANNEL_AUTH',
    'Discord refused the bot token: it was reset or mistyped. Copy a new one from the Developer Portal and add the channel again.',
    false,
    { cause },
  );

export function discordError(err: unknown, doing: string): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof DiscordAPIError) {
    if (err.status === 401) return authFailed(err);
    if (err.status >= 500) {
      return new ChannelError(
        'CHANNEL_UNREACHABLE',
        `Discord is having trouble (${err.status}) ${doing}.`,
        true,
        {
          cause: err,
          delivered: 'unknown',
        },
      );
    }
    return new ChannelError('CHANNEL_ERROR', `Discord refused ${doing}: ${err.message}`, false, {
      cause: err,
    });
  }
  const code = (err as { code?: string }).code;
  if (code === 'TokenInvalid') return authFailed(err);
  return new ChannelError('CHANNEL_UNREACHABLE', `Discord could not be reached ${doing}.`, true, {
    cause: err,
    delivered: 'unknown',
  });
}

/** Discord deduplicates a send by its nonce (25 characters at most) when asked to enforce it. */
export function nonceFor(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

export function discordInbound(message: Message, botId: string): InboundMessage | null {
  if (message.author.bot || message.author.id === botId || message.system) return null;
  const direct = message.channel.type === ChannelType.DM;
  const mentioned = direct || message.mentions.users.has(botId);
  const text = message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), '').trim();
  const unsupported = message.stickers.size > 0 ? 'a sticker' : message.poll ? 'a poll' : null;
  if (!text && message.attachments.size === 0 && !unsupported) return null;
  const name = message.author.globalName ?? message.author.username;
  const channelName = 'name' in message.channel ? `#${String(message.channel.name)}` : message.channelId;
  return {
    platformId: message.id,
    chat: { id: message.channelId, type: direct ? 'direct' : 'group', title: direct ? name : channelName },
    sender: { id: message.author.id, name },
    mentioned,
    fromSelf: false,
    text,
    attachments: [...message.attachments.values()].map((a) => ({
      name: a.name,
      mimeType: a.contentType ?? 'application/octet-stream',
      size: a.size,
      fetch: async (signal) => {
        const res = await fetch(a.url, { signal });
        if (!res.ok)
          throw new ChannelError('CHANNEL_ERROR', `Discord did not send the file (${res.status}).`, false);
        return Buffer.from(await res.arrayBuffer());
      },
    })),
    unsupported: text || message.attachments.size > 0 ? null : unsupported,
    sentAt: message.createdTimestamp,
  };
}

class DiscordAccount implements ChannelAccount {
  private client: Client | null = null;

  constructor(private readonly config: AccountConfig) {
    if (!config.token)
      throw new ChannelError('CHANNEL_AUTH', 'This Discord channel has no bot token.', false);
  }

  private get live(): Client {
    if (!this.client?.isReady())
      throw new ChannelError('CHANNEL_UNREACHABLE', 'Discord is not connected yet.', true);
    return this.client;
  }

  async run(signal: AbortSignal, sink: AccountSink): Promise<void> {
    const client = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.DirectMessages,
        GatewayIntentBits.MessageContent,
      ],
      // DM channels are not cached before their first message: without this their messages are dropped.
      partials: [Partials.Channel],
      ...(this.config.apiRoot ? { rest: { api: this.config.apiRoot } } : {}),
    });
    this.client = client;
    let fail: (err: ChannelError) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    client.on(Events.MessageCreate, (message) => {
      const inbound = client.user ? discordInbound(message, client.user.id) : null;
      if (inbound) void sink.inbound(inbound).catch(() => undefined);
    });
    client.on(Events.InteractionCreate, (interaction) => {
      if (!interaction.isButton()) return;
      sink.press({
        chatId: interaction.channelId,
        senderId: interaction.user.id,
        data: interaction.customId,
        answer: async ({ toast, replace }) => {
          if (replace) await interaction.update({ content: replace, components: [] });
          else await interaction.reply({ content: toast, ephemeral: true });
        },
      });
    });
    client.on(Events.ClientReady, (ready) => sink.status({ state: 'connected', account: ready.user.tag }));
    client.on(Events.ShardReconnecting, () => sink.status({ state: 'connecting' }));
    client.on(Events.ShardResume, () => sink.status({ state: 'connected' }));
    client.on(Events.ShardDisconnect, (event) => {
      if (event.code === AUTH_CLOSE) fail(authFailed());
      else if (FATAL_CLOSE.has(event.code)) {
        fail(
          new ChannelError(
            'CHANNEL_ERROR',
            `Discord closed the connection for good (code ${event.code}): check the bot’s intents in the Developer Portal.`,
            false,
          ),
        );
      } else
        fail(
          new ChannelError(
            'CHANNEL_UNREACHABLE',
            `Discord closed the connection (code ${event.code}).`,
            true,
          ),
        );
    });
    const aborted = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    try {
      await Promise.race([
        client.login(this.config.token!).catch((err: unknown) => fail(discordError(err, 'at login'))),
        failed,
        aborted,
      ]);
      await Promise.race([failed, aborted]);
    } finally {
      this.client = null;
      await client.destroy();
    }
  }

  private async channel(chatId: string): Promise<SendableChannels> {
    const channel = await this.live.channels.fetch(chatId).catch((err: unknown) => {
      throw discordError(err, 'to find the chat');
    });
    if (!channel?.isSendable())
      throw new ChannelError('CHANNEL_ERROR', 'That Discord chat cannot take messages.', false);
    return channel;
  }

  async send(message: OutboundText): Promise<{ platformMessageId: string }> {
    const channel = await this.channel(message.chatId);
    const options: MessageCreateOptions = {
      content: message.text,
      nonce: nonceFor(message.idempotencyKey),
      enforceNonce: true,
      allowedMentions: { parse: [] },
    };
    if (message.buttons) {
      options.components = [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          message.buttons.map((b) =>
            new ButtonBuilder()
              .setCustomId(b.data)
              .setLabel(b.label)
              .setStyle(b.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Primary),
          ),
        ),
      ];
    }
    try {
      return { platformMessageId: (await channel.send(options)).id };
    } catch (err) {
      throw discordError(err, 'to take a message');
    }
  }

  async sendFile(file: OutboundFile): Promise<{ platformMessageId: string }> {
    const channel = await this.channel(file.chatId);
    try {
      const sent = await channel.send({
        files: [{ attachment: file.data, name: file.name }],
        nonce: nonceFor(file.idempotencyKey),
        enforceNonce: true,
      });
      return { platformMessageId: sent.id };
    } catch (err) {
      throw discordError(err, 'to take a file');
    }
  }

  async typing(chatId: string): Promise<void> {
    await (await this.channel(chatId)).sendTyping().catch((err: unknown) => {
      throw discordError(err, 'to show typing');
    });
  }

  async ownerChat(ownerId: string): Promise<string | null> {
    const dm = await this.live.users.createDM(ownerId).catch((err: unknown) => {
      throw discordError(err, 'to open the owner’s DM');
    });
    return dm.id;
  }
}

export const discordAdapter: ChannelAdapter = {
  kind: 'discord',
  maxText: 2000,
  buttons: true,
  format: discordFormat,
  open: (config) => new DiscordAccount(config),
};
