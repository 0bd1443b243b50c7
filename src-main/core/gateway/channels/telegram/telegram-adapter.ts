import { Bot, GrammyError, HttpError, InputFile } from 'grammy';
import { z } from 'zod';
import type { InlineKeyboardMarkup, Update } from 'grammy/types';
import {
  ChannelError,
  type AccountConfig,
  type AccountSink,
  type ChannelAccount,
  type ChannelAdapter,
  type OutboundFile,
  type OutboundText,
} from '../adapter.js';
import { telegramFormat } from './telegram-format.js';
import { telegramInbound } from './telegram-message.js';
import { lazySchema } from '../../../protocol/lazy-schema.js';

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** grammY types its signals with the abort-controller polyfill's type; Node's own works the same. */
type GrammySignal = Parameters<Bot['api']['getUpdates']>[1];
const grammySignal = (signal: AbortSignal) => signal as unknown as GrammySignal;

/** The fields every message update must have; one without them is skipped as unreadable. */
const messageUpdate = lazySchema(() =>
  z.object({
    message: z
      .object({
        message_id: z.number().int(),
        date: z.number(),
        chat: z.object({ id: z.number(), type: z.string() }),
      })
      .optional(),
  }),
);

/** Long polling waits this long for an update before asking again (Telegram allows up to 50 s). */
const POLL_SECONDS = 25;

/** What a Bot API failure means for the account (reconnect or not) and for a send (retry or not). */
export function telegramError(err: unknown, doing: string): ChannelError {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    if (code === 401 || code === 404) {
      return new ChannelError(
        'CHANNEL_AUTH',
        'Telegram refused the bot token: it was revoked or mistyped. Get a new one from @BotFather and add the channel again.',
        false,
        { cause: err },
      );
    }
    if (code === 409) {
      return new ChannelError(
        'CHANNEL_UNREACHABLE',
        'Another program is reading this bot’s updates (a webhook or a second copy). Cell 0 retries; stop the other one.',
        true,
        { cause: err, retryAfterMs: 30_000 },
      );
    }
    if (code === 429) {
      const seconds = err.parameters.retry_after ?? 5;
      return new ChannelError(
        'CHANNEL_UNREACHABLE',
        `Telegram asked to wait ${seconds} s (rate limit).`,
        true,
        {
          cause: err,
          retryAfterMs: seconds * 1000,
        },
      );
    }
    if (code >= 500) {
      return new ChannelError('CHANNEL_UNREACHABLE', `Telegram is having trouble (${code}) ${doing}.`, true, {
        cause: err,
      });
    }
    // A 400 is about this one request (a chat that is gone, a message it would not take): not retried.
    return new ChannelError('CHANNEL_ERROR', `Telegram refused ${doing}: ${err.description}`, false, {
      cause: err,
    });
  }
  if (err instanceof HttpError) {
    return new ChannelError('CHANNEL_UNREACHABLE', `Telegram could not be reached ${doing}.`, true, {
      cause: err,
      // The request may have arrived before the connection broke.
      delivered: 'unknown',
    });
  }
  return new ChannelError('CHANNEL_ERROR', `Telegram failed ${doing}.`, true, {
    cause: err,
    delivered: 'unknown',
  });
}

const unescapeHtml = (s: string) =>
  s
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

class TelegramAccount implements ChannelAccount {
  private readonly bot: Bot;
  private sink: AccountSink | null = null;

  constructor(private readonly config: AccountConfig) {
    if (!config.token)
      throw new ChannelError('CHANNEL_AUTH', 'This Telegram channel has no bot token.', false);
    this.bot = new Bot(config.token, { client: { apiRoot: config.apiRoot ?? TELEGRAM_API_ROOT } });
    this.bot.on('message', async (ctx) => {
      const message = telegramInbound(ctx.message, ctx.me, (fileId, signal) => this.download(fileId, signal));
      if (message) await this.sink?.inbound(message);
    });
    this.bot.on('callback_query:data', (ctx) => {
      const q = ctx.callbackQuery;
      const msg = q.message;
      if (!msg) return;
      this.sink?.press({
        chatId: String(msg.chat.id),
        senderId: String(q.from.id),
        data: q.data,
        answer: async ({ toast, replace }) => {
          await this.bot.api.answerCallbackQuery(q.id, { text: toast });
          if (replace) await this.bot.api.editMessageText(msg.chat.id, msg.message_id, replace);
        },
      });
    });
  }

  private async download(fileId: string, signal: AbortSignal): Promise<Buffer> {
    const file = await this.bot.api.getFile(fileId, grammySignal(signal)).catch((err: unknown) => {
      throw telegramError(err, 'to hand over a file');
    });
    if (!file.file_path)
      throw new ChannelError('CHANNEL_ERROR', 'Telegram did not hand over the file.', false);
    const root = this.config.apiRoot ?? TELEGRAM_API_ROOT;
    const res = await fetch(`${root}/file/bot${this.config.token}/${file.file_path}`, { signal });
    if (!res.ok)
      throw new ChannelError('CHANNEL_ERROR', `Telegram did not send the file (${res.status}).`, false);
    return Buffer.from(await res.arrayBuffer());
  }

  async run(signal: AbortSignal, sink: AccountSink): Promise<void> {
    this.sink = sink;
    try {
      await this.bot.init(grammySignal(signal));
    } catch (err) {
      if (signal.aborted) return;
      throw telegramError(err, 'when asked who the bot is');
    }
    sink.status({ state: 'connected', account: `@${this.bot.botInfo.username}` });
    // Polled by hand rather than with bot.start(): each update is acknowledged (the next offset) only
    // after it was stored, and a failure reaches the status instead of a log line.
    let offset = 0;
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await this.bot.api.getUpdates(
          { offset, timeout: POLL_SECONDS, allowed_updates: ['message', 'callback_query'] },
          grammySignal(signal),
        );
      } catch (err) {
        if (signal.aborted) return;
        throw telegramError(err, 'while waiting for messages');
      }
      for (const update of updates) {
        if (typeof update?.update_id !== 'number') {
          sink.skipped('an update without an id');
          continue;
        }
        offset = update.update_id + 1;
        if (!messageUpdate.safeParse(update).success) {
          sink.skipped(`update ${update.update_id} is not a readable message`);
          continue;
        }
        try {
          await this.bot.handleUpdate(update);
        } catch (err) {
          sink.skipped(`update ${update.update_id}: ${String((err as { error?: unknown }).error ?? err)}`);
        }
      }
    }
  }

  async send(message: OutboundText): Promise<{ platformMessageId: string }> {
    const reply_markup: InlineKeyboardMarkup | undefined = message.buttons && {
      inline_keyboard: [message.buttons.map((b) => ({ text: b.label, callback_data: b.data }))],
    };
    const options = {
      link_preview_options: { is_disabled: true },
      ...(reply_markup ? { reply_markup } : {}),
    };
    try {
      const sent = await this.bot.api.sendMessage(message.chatId, message.text, {
        parse_mode: 'HTML',
        ...options,
      });
      return { platformMessageId: String(sent.message_id) };
    } catch (err) {
      // Telegram refused the markup it was given: the same words as plain text rather than nothing.
      if (err instanceof GrammyError && err.error_code === 400 && /parse entities/i.test(err.description)) {
        const sent = await this.bot.api
          .sendMessage(message.chatId, unescapeHtml(message.text), options)
          .catch((again: unknown) => {
            throw telegramError(again, 'to take a message');
          });
        return { platformMessageId: String(sent.message_id) };
      }
      throw telegramError(err, 'to take a message');
    }
  }

  async sendFile(file: OutboundFile): Promise<{ platformMessageId: string }> {
    try {
      const sent = await this.bot.api.sendDocument(file.chatId, new InputFile(file.data, file.name));
      return { platformMessageId: String(sent.message_id) };
    } catch (err) {
      throw telegramError(err, 'to take a file');
    }
  }

  async typing(chatId: string): Promise<void> {
    await this.bot.api.sendChatAction(chatId, 'typing').catch((err: unknown) => {
      throw telegramError(err, 'to show typing');
    });
  }

  /** A private chat's id is the user's id. */
  ownerChat(ownerId: string): Promise<string | null> {
    return Promise.resolve(ownerId);
  }
}

export const telegramAdapter: ChannelAdapter = {
  kind: 'telegram',
  maxText: 4096,
  buttons: true,
  format: telegramFormat,
  open: (config) => new TelegramAccount(config),
};
