import { readFile } from 'node:fs/promises';
import type { Logger } from '../../base/logger.js';
import { isChannelError, type Button, type ChannelAccount } from './adapter.js';
import { pause, type Backoff } from './account-supervisor.js';
import type { ChannelStore, OutboundRecord } from './channel-store.js';

export type Outgoing = { text: string; buttons?: Button[] } | { file: { name: string; path: string } };

interface Body {
  text?: string;
  buttons?: Button[];
  file?: { name: string; path: string };
}

/** How often one message is tried before it is marked failed (and logged). */
const MAX_ATTEMPTS = 8;

/**
 * Every message the agent sends, by idempotency key: stored before the first try, so a retry or a
 * restart sends what is missing and never repeats what went out. Retries wait (the platform's
 * Retry-After, else backoff) and happen only when the platform certainly did not take the message,
 * or when it deduplicates by key itself (Discord nonces, WhatsApp message ids). Sends to one chat
 * keep their order.
 */
export class Outbox {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly waiting = new Set<AbortController>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly store: ChannelStore,
    private readonly accountOf: (
      channelId: string,
    ) => { account: ChannelAccount; idempotent: boolean } | null,
    private readonly logger: Logger,
    private readonly backoff: Backoff,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queues a message; resolves when it was sent, skipped as sent before, or given up. */
  send(channelId: string, chatId: string, key: string, outgoing: Outgoing): Promise<boolean> {
    const body: Body = 'file' in outgoing ? { file: outgoing.file } : outgoing;
    return this.enqueue(channelId, chatId, async () => {
      const record = await this.store.claimOutbound(
        { key, channelId, chatId, kind: body.file ? 'file' : 'text', body: JSON.stringify(body) },
        this.now(),
      );
      if (record.status !== 'pending' || this.inFlight.has(key)) return record.status === 'sent';
      this.inFlight.add(key);
      return this.deliver(record);
    });
  }

  /** Sends what is still pending (left by a stopped app, or by an outage that outlasted the retries), in order. */
  async resume(channelId: string): Promise<void> {
    for (const record of await this.store.pendingOutbound(channelId)) {
      if (this.inFlight.has(record.key)) continue;
      this.inFlight.add(record.key);
      void this.enqueue(channelId, record.chatId, async () => {
        const fresh = await this.store.claimOutbound(record, this.now());
        if (fresh.status === 'pending') return this.deliver(fresh);
        this.inFlight.delete(record.key);
        return fresh.status === 'sent';
      });
    }
  }

  /** Stops waiting between retries (the messages stay pending for the next start). */
  stop(): void {
    for (const c of this.waiting) c.abort();
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  private enqueue(channelId: string, chatId: string, task: () => Promise<boolean>): Promise<boolean> {
    const lane = `${channelId}\0${chatId}`;
    const run = (this.chains.get(lane) ?? Promise.resolve()).then(task, task);
    const settled = run.catch(() => false);
    this.chains.set(lane, settled);
    void settled.finally(() => {
      if (this.chains.get(lane) === settled) this.chains.delete(lane);
    });
    return settled;
  }

  private async deliver(record: OutboundRecord): Promise<boolean> {
    const body = JSON.parse(record.body) as Body;
    const controller = new AbortController();
    this.waiting.add(controller);
    this.inFlight.add(record.key);
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const target = this.accountOf(record.channelId);
        if (!target) return false;
        await this.store.outboundAttempt(record.key);
        try {
          const sent = body.file
            ? await target.account.sendFile({
                chatId: record.chatId,
                name: body.file.name,
                data: await readFile(body.file.path),
                idempotencyKey: record.key,
              })
            : await target.account.send({
                chatId: record.chatId,
                text: body.text ?? '',
                idempotencyKey: record.key,
                ...(body.buttons ? { buttons: body.buttons } : {}),
              });
          await this.store.outboundDone(record.key, 'sent', sent.platformMessageId, this.now());
          return true;
        } catch (err) {
          const retry = isChannelError(err) && err.retry && (err.delivered === 'no' || target.idempotent);
          // Still down after every try: left pending, and sent when the account connects again.
          if (retry && attempt >= MAX_ATTEMPTS) return false;
          if (!retry) {
            this.logger.warn(`channel ${record.channelId}: a message could not be sent`, err);
            await this.store.outboundDone(record.key, 'failed', null, this.now());
            return false;
          }
          const wait =
            (isChannelError(err) ? err.retryAfterMs : null) ??
            Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (attempt - 1));
          await pause(wait, controller.signal);
          if (controller.signal.aborted) return false;
        }
      }
      return false;
    } finally {
      this.waiting.delete(controller);
      this.inFlight.delete(record.key);
    }
  }
}
