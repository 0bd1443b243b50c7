/**
 * A token bucket per key: `perMinute` deliveries a minute, at most that many in a burst. Pure
 * apart from the time it is given.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one token; returns 0 when taken, else how many ms until one is free. */
  take(key: string, perMinute: number, nowMs: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: perMinute, at: nowMs };
    const refill = ((nowMs - bucket.at) / 60_000) * perMinute;
    bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, refill));
    bucket.at = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / perMinute) * 60_000);
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
