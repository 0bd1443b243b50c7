import type { Logger } from '../../base/logger.js';
import type { ChannelStatus } from '../../protocol/channel-entities.js';
import { Cell0Error, isCell0Error } from '../../protocol/errors.js';
import { isChannelError, type AccountSink, type ChannelAccount } from './adapter.js';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 5 * 60_000 };

/** Waits `ms` unless `signal` aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export function initialStatus(now: number): ChannelStatus {
  return {
    state: 'stopped',
    error: null,
    qr: null,
    account: null,
    retryAt: null,
    skippedUpdates: 0,
    since: now,
  };
}

/**
 * Keeps one account running: connects, and after a transient failure reconnects with exponential
 * backoff (the platform's own Retry-After when it gives one); a failure only the owner can fix
 * (a revoked token, a logged-out phone) stops it with the reason in the status. Nothing here throws
 * at its caller: every outcome is a status.
 */
export class AccountSupervisor {
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private current: ChannelStatus;

  constructor(
    readonly channelId: string,
    readonly account: ChannelAccount,
    private readonly sink: Omit<AccountSink, 'status' | 'skipped'>,
    private readonly onStatus: (status: ChannelStatus) => void,
    private readonly logger: Logger,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {
    this.current = initialStatus(Date.now());
  }

  get status(): ChannelStatus {
    return this.current;
  }

  get running(): boolean {
    return this.loop !== null;
  }

  /** Starts the account in the background; returns at once. */
  start(): void {
    if (this.loop) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.runLoop(controller.signal).finally(() => {
      if (this.controller === controller) {
        this.controller = null;
        this.loop = null;
      }
    });
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    this.controller?.abort();
    await loop;
    this.set({ state: 'stopped', retryAt: null });
  }

  async restart(): Promise<void> {
    await this.stop();
    this.set({ error: null, skippedUpdates: 0 });
    this.start();
  }

  private set(patch: Partial<ChannelStatus>): void {
    const next = { ...this.current, ...patch };
    if (patch.state !== undefined && patch.state !== this.current.state) next.since = Date.now();
    this.current = next;
    this.onStatus(next);
  }

  private async runLoop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    const sink: AccountSink = {
      ...this.sink,
      status: (patch) => {
        if (signal.aborted) return;
        if (patch.state === 'connected') failures = 0;
        this.set({ ...patch, ...(patch.state === 'connected' ? { error: null, retryAt: null } : {}) });
      },
      skipped: (reason) => {
        this.logger.warn(`channel ${this.channelId}: skipped an update it could not read (${reason})`);
        this.set({ skippedUpdates: this.current.skippedUpdates + 1 });
      },
    };
    while (!signal.aborted) {
      this.set({ state: 'connecting', retryAt: null, qr: null });
      let error: Cell0Error;
      let retry = true;
      let retryAfterMs: number | null = null;
      try {
        await this.account.run(signal, sink);
        if (signal.aborted) return;
        error = new Cell0Error('CHANNEL_UNREACHABLE', 'The platform closed the connection; reconnecting.');
      } catch (err) {
        if (signal.aborted) return;
        if (isChannelError(err)) {
          error = err;
          retry = err.retry;
          retryAfterMs = err.retryAfterMs;
        } else {
          this.logger.error(`channel ${this.channelId} failed`, err);
          error = isCell0Error(err)
            ? err
            : new Cell0Error(
                'CHANNEL_ERROR',
                'The channel stopped on an unexpected error (logged); reconnecting.',
              );
        }
      }
      if (!retry) {
        const needsLogin = error.code === 'CHANNEL_NEEDS_LOGIN';
        this.set({
          state: needsLogin ? 'needs-login' : 'failed',
          error: error.toShape(),
          retryAt: null,
          qr: null,
        });
        return;
      }
      failures++;
      const wait =
        retryAfterMs ??
        Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (failures - 1)) *
          (0.75 + Math.random() * 0.5);
      this.set({ state: 'connecting', error: error.toShape(), retryAt: Date.now() + wait, qr: null });
      await pause(wait, signal);
    }
  }
}
