import type { ChannelKind, ChannelStatus } from '../../protocol/channel-entities.js';
import { Cell0Error, type ErrorCode } from '../../protocol/errors.js';

/**
 * The one contract every chat platform implements. An account's lifetime is one promise plus an
 * AbortSignal (`run`); what happens on the platform comes back through the sink, and failures
 * land in the status snapshot the service keeps, never thrown at the UI.
 */

/** A file that came with a message; fetched only when the router decides to keep it. */
export interface InboundAttachment {
  name: string;
  mimeType: string;
  /** Bytes, when the platform says (it does not always). */
  size: number | null;
  fetch(signal: AbortSignal): Promise<Buffer>;
}

/** The internal message every adapter turns its platform's inbound message into. */
export interface InboundMessage {
  /** Unique per account and stable across redeliveries: inbound messages are deduplicated by it. */
  platformId: string;
  chat: { id: string; type: 'direct' | 'group'; title: string };
  sender: { id: string; name: string };
  /** True in a direct chat; in a group, when the message mentions the agent or replies to it. */
  mentioned: boolean;
  /** True when the sender is the linked account itself (WhatsApp's "message yourself"). */
  fromSelf: boolean;
  text: string;
  attachments: InboundAttachment[];
  /** What the platform sent that Cell 0 cannot read (a sticker, a location, a poll…), if anything. */
  unsupported: string | null;
  sentAt: number;
}

/** A press on one of the agent's buttons (Telegram inline keyboard, Discord components). */
export interface ButtonPress {
  chatId: string;
  senderId: string;
  data: string;
  /** Acknowledges the press to the presser; `replace` rewrites the message and removes its buttons. */
  answer(reply: { toast: string; replace?: string }): Promise<void>;
}

export interface Button {
  label: string;
  /** Opaque, at most 64 bytes (Telegram's callback_data limit). */
  data: string;
  style: 'primary' | 'danger';
}

/** One outbound message: already chunked to the platform's limit and converted to what it renders. */
export interface OutboundText {
  chatId: string;
  text: string;
  /** Stable across retries: platforms that deduplicate (Discord nonces, WhatsApp message ids) get it. */
  idempotencyKey: string;
  buttons?: Button[];
}

export interface OutboundFile {
  chatId: string;
  name: string;
  data: Buffer;
  idempotencyKey: string;
}

export interface AccountSink {
  status(patch: Partial<Omit<ChannelStatus, 'since' | 'skippedUpdates'>>): void;
  /** Resolves once the message is stored: the adapter may then acknowledge it to the platform. */
  inbound(message: InboundMessage): Promise<void>;
  press(press: ButtonPress): void;
  /** An update the adapter could not read: skipped, counted in the status. */
  skipped(reason: string): void;
  /** The platform names the owner itself (the WhatsApp account that was linked). */
  owner?(owner: { id: string; name: string }): void;
  /** Secrets the account must keep (WhatsApp's session); stored encrypted by the service. */
  session?: SessionStore;
}

/** Where an account keeps what it must remember between runs (encrypted by the service). */
export interface SessionStore {
  read(name: string): Promise<string | null>;
  write(name: string, value: string | null): Promise<void>;
  clear(): Promise<void>;
}

export interface ChannelAccount {
  /**
   * Connects and serves until `signal` aborts (resolves) or the account cannot go on (rejects with
   * a ChannelError that says whether reconnecting can help).
   */
  run(signal: AbortSignal, sink: AccountSink): Promise<void>;
  send(message: OutboundText): Promise<{ platformMessageId: string }>;
  sendFile(file: OutboundFile): Promise<{ platformMessageId: string }>;
  /** Shows "typing…" for a few seconds; the service repeats it while the agent works. */
  typing(chatId: string): Promise<void>;
  /** The owner's direct chat, for approvals sent there; null when the platform cannot open one. */
  ownerChat(ownerId: string): Promise<string | null>;
}

export interface AccountConfig {
  channelId: string;
  token: string | null;
  apiRoot: string | null;
}

export interface ChannelAdapter {
  readonly kind: ChannelKind;
  /** The longest text one message may carry, after conversion. */
  readonly maxText: number;
  /** Whether approvals can go to the owner's DM with buttons on this platform. */
  readonly buttons: boolean;
  /** Markdown (as the agent writes it) to what the platform renders; after markdown.ts's loadMarkdown(). */
  format(markdown: string): string;
  open(config: AccountConfig): ChannelAccount;
}

/**
 * What a platform's failure means: `retry` tells the supervisor whether reconnecting can help
 * (an outage) or the owner must act (a revoked token, a logged-out phone). `retryAfterMs` carries
 * the platform's own wait (HTTP 429).
 */
export class ChannelError extends Cell0Error {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retry: boolean,
    options?: { cause?: unknown; retryAfterMs?: number; delivered?: 'no' | 'unknown' },
  ) {
    super(code, message, options);
    this.retryAfterMs = options?.retryAfterMs ?? null;
    this.delivered = options?.delivered ?? 'no';
  }

  readonly retryAfterMs: number | null;
  /** For a failed send: 'no' when the platform certainly did not take it, so a retry cannot duplicate it. */
  readonly delivered: 'no' | 'unknown';
}

export function isChannelError(err: unknown): err is ChannelError {
  return err instanceof ChannelError;
}
