/** A pending timer of a Clock; cancel() is safe to call after it fired. */
export interface ClockTimer {
  cancel(): void;
}

/**
 * Time as services that wait for it see it: the real one in the app, a hand-driven one in tests,
 * so a schedule can be tested without waiting for it.
 */
export interface Clock {
  now(): number;
  /** Calls fn once, delayMs from now (never sooner). */
  after(delayMs: number, fn: () => void): ClockTimer;
}

/** setTimeout caps at 2^31-1 ms (24.8 days); longer waits are made of several. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  after(delayMs, fn) {
    const due = Date.now() + Math.max(0, delayMs);
    let handle: NodeJS.Timeout;
    const arm = () => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_TIMEOUT_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
      handle.unref?.();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};
