/** How a refused model call is tried again: waits doubling from baseMs, or what the provider asked. */
export interface RetryPolicy {
  baseMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No wait is longer, whatever the provider asks. */
  maxWaitMs: number;
  /** Jitter source (tests make it fixed). */
  random?: () => number;
}

/** The wait before the next attempt: the provider's Retry-After when it gave one, else jittered backoff. */
export function retryWait(policy: RetryPolicy, attempt: number, askedMs: number | null): number {
  const jitter = 0.8 + (policy.random ?? Math.random)() * 0.4;
  const backoff = policy.baseMs * 2 ** (attempt - 1) * jitter;
  return Math.round(Math.min(askedMs ?? backoff, policy.maxWaitMs));
}

/** Resolves after ms, or at once when the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
