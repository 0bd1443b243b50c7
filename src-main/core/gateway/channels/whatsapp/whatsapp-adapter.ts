import { createHash } from 'node:crypto';
import {
  Browsers,
  DisconnectReason,
  downloadMediaMessage,
  jidNormalizedUser,
  makeCacheableSignalKeyStore,
  makeWASocket,
  type AuthenticationState,
  type ConnectionState,
  type WAMessage,
  type WASocket,
} from 'baileys';
import { pino, type Logger as PinoLogger } from 'pino';
import {
  ChannelError,
  type AccountConfig,
  type AccountSink,
  type ChannelAccount,
  type ChannelAdapter,
  type OutboundFile,
  type OutboundText,
} from '../adapter.js';
import { sessionAuthState } from './session-auth-state.js';
import { whatsappFormat } from './whatsapp-format.js';
import { whatsappInbound } from './whatsapp-message.js';

/**
 * Where Cell 0 meets Baileys: the parts of its socket the adapter uses. Everything on the far side
 * (the Noise handshake, the binary protocol, Signal encryption, media crypto) is Baileys' own;
 * tests stand in here, since WhatsApp's server certificate cannot be faked (see README).
 */
export type WhatsAppSocket = Pick<WASocket, 'ev' | 'user' | 'sendMessage' | 'sendPresenceUpdate' | 'end'>;

export interface WhatsAppBoundary {
  makeSocket(auth: AuthenticationState, logger: PinoLogger): WhatsAppSocket;
  download(msg: WAMessage, socket: WhatsAppSocket, signal: AbortSignal): Promise<Buffer>;
}

const quiet = () => pino({ level: 'silent' });

export const baileysBoundary: WhatsAppBoundary = {
  makeSocket: (auth, logger) =>
    makeWASocket({
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
      logger,
      browser: Browsers.appropriate('Desktop'),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
    }),
  download: async (msg) => (await downloadMediaMessage(msg, 'buffer', {})) as Buffer,
};

/** WhatsApp keeps the id a sender chooses: the same key always gives the same id, so a retried send is one message. */
export function messageIdFor(key: string): string {
  return `3EB0${createHash('sha256').update(key).digest('hex').slice(0, 18).toUpperCase()}`;
}

class WhatsAppAccount implements ChannelAccount {
  private socket: WhatsAppSocket | null = null;
  /** Ids of what this account sent: WhatsApp echoes them back as the owner's own messages. */
  private readonly sentIds = new Set<string>();

  constructor(private readonly boundary: WhatsAppBoundary) {}

  private get live(): WhatsAppSocket {
    if (!this.socket?.user)
      throw new ChannelError('CHANNEL_UNREACHABLE', 'WhatsApp is not connected yet.', true);
    return this.socket;
  }

  async run(signal: AbortSignal, sink: AccountSink): Promise<void> {
    if (!sink.session)
      throw new ChannelError('CHANNEL_ERROR', 'WhatsApp needs a place to keep its session.', false);
    const logger = quiet();
    const { state, saveCreds } = await sessionAuthState(sink.session);
    // After linking, WhatsApp asks for a fresh connection (restartRequired): that is part of one run.
    while (!signal.aborted) {
      const closed = await this.connect(state, saveCreds, logger, signal, sink);
      if (signal.aborted) return;
      if (closed === DisconnectReason.restartRequired) continue;
      if (closed === DisconnectReason.loggedOut || closed === DisconnectReason.badSession) {
        await sink.session.clear();
        throw new ChannelError(
          'CHANNEL_NEEDS_LOGIN',
          'WhatsApp ended this link (logged out on the phone). Reconnect to show a new QR code and scan it.',
          false,
        );
      }
      if (closed === DisconnectReason.connectionReplaced) {
        throw new ChannelError(
          'CHANNEL_ERROR',
          'Another WhatsApp Web session took over this link. Reconnect when it is closed.',
          false,
        );
      }
      if (closed === DisconnectReason.forbidden || closed === DisconnectReason.multideviceMismatch) {
        throw new ChannelError(
          'CHANNEL_NEEDS_LOGIN',
          'WhatsApp refused this link. Reconnect and scan the QR code again.',
          false,
        );
      }
      if (!state.creds.me) {
        throw new ChannelError(
          'CHANNEL_NEEDS_LOGIN',
          'The QR code expired before it was scanned. Reconnect to show a new one.',
          false,
        );
      }
      throw new ChannelError(
        'CHANNEL_UNREACHABLE',
        `WhatsApp closed the connection (${closed ?? 'no reason given'}).`,
        true,
      );
    }
  }

  /** One socket until it closes; resolves with the close reason's status code. */
  private connect(
    state: AuthenticationState,
    saveCreds: () => Promise<void>,
    logger: PinoLogger,
    signal: AbortSignal,
    sink: AccountSink,
  ): Promise<number | undefined> {
    const socket = this.boundary.makeSocket(state, logger);
    this.socket = socket;
    // Listeners go on before anything is awaited: Baileys emits the messages that waited while
    // the app was off as soon as the socket opens, and they are queued from the first one.
    let queue: Promise<unknown> = Promise.resolve();
    const me = () => ({
      id: socket.user?.id ?? state.creds.me?.id ?? '',
      lid: socket.user?.lid ?? state.creds.me?.lid,
    });
    socket.ev.on('messages.upsert', ({ messages }) => {
      for (const msg of messages) {
        if (msg.key.id && this.sentIds.has(msg.key.id)) continue;
        let inbound;
        try {
          inbound = whatsappInbound(msg, me(), (m, s) => this.boundary.download(m, socket, s));
        } catch (err) {
          sink.skipped(`a message that could not be read: ${String(err)}`);
          continue;
        }
        if (inbound) {
          const m = inbound;
          queue = queue.then(() => sink.inbound(m)).catch(() => undefined);
        }
      }
    });
    // Kept before the connection is reported closed: the reconnect after linking must find the account.
    let saving: Promise<unknown> = Promise.resolve();
    socket.ev.on('creds.update', () => {
      saving = saving
        .then(saveCreds)
        .catch((err: unknown) => sink.skipped(`the session could not be saved: ${String(err)}`));
    });
    return new Promise((resolve) => {
      const onAbort = () => socket.end(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.ev.on('connection.update', (update: Partial<ConnectionState>) => {
        if (update.qr) sink.status({ state: 'needs-login', qr: update.qr });
        if (update.connection === 'open') {
          const id = jidNormalizedUser(socket.user?.id ?? state.creds.me?.id ?? '');
          sink.status({ state: 'connected', qr: null, account: `+${id.split('@')[0]}` });
          sink.owner?.({ id, name: socket.user?.name ?? state.creds.me?.name ?? 'Owner' });
        }
        if (update.connection === 'close') {
          signal.removeEventListener('abort', onAbort);
          this.socket = null;
          const error = update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined;
          void Promise.all([queue, saving]).then(() => resolve(error?.output?.statusCode));
        }
      });
    });
  }

  async send(message: OutboundText): Promise<{ platformMessageId: string }> {
    const messageId = messageIdFor(message.idempotencyKey);
    this.sentIds.add(messageId);
    try {
      const sent = await this.live.sendMessage(message.chatId, { text: message.text }, { messageId });
      return { platformMessageId: sent?.key.id ?? messageId };
    } catch (err) {
      throw new ChannelError('CHANNEL_UNREACHABLE', 'WhatsApp did not take the message.', true, {
        cause: err,
        delivered: 'unknown',
      });
    }
  }

  async sendFile(file: OutboundFile): Promise<{ platformMessageId: string }> {
    const messageId = messageIdFor(file.idempotencyKey);
    this.sentIds.add(messageId);
    try {
      const sent = await this.live.sendMessage(
        file.chatId,
        { document: file.data, fileName: file.name, mimetype: 'application/octet-stream' },
        { messageId },
      );
      return { platformMessageId: sent?.key.id ?? messageId };
    } catch (err) {
      throw new ChannelError('CHANNEL_UNREACHABLE', 'WhatsApp did not take the file.', true, {
        cause: err,
        delivered: 'unknown',
      });
    }
  }

  async typing(chatId: string): Promise<void> {
    await this.live.sendPresenceUpdate('composing', chatId);
  }

  /** The owner is the linked account: their DM is "message yourself". */
  ownerChat(ownerId: string): Promise<string | null> {
    return Promise.resolve(ownerId);
  }
}

export function whatsappAdapter(boundary: WhatsAppBoundary = baileysBoundary): ChannelAdapter {
  return {
    kind: 'whatsapp',
    maxText: 4000,
    // WhatsApp shows bot buttons only to business accounts: approvals stay in the window there.
    buttons: false,
    format: whatsappFormat,
    open: (_config: AccountConfig) => new WhatsAppAccount(boundary),
  };
}
