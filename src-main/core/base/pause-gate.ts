/**
 * "Pause all agents": while closed, replies wait before their next model call and the kernel
 * waits before running the next tool. Nothing is killed; Stop still works while waiting.
 */
export class PauseGate {
  private waiters = new Set<() => void>();
  private closed = false;

  get paused(): boolean {
    return this.closed;
  }

  /** How many are held here now (until resume or their abort). */
  get waiting(): number {
    return this.waiters.size;
  }

  pause(): void {
    this.closed = true;
  }

  resume(): void {
    this.closed = false;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves at once when open, else on resume or abort. */
  wait(signal?: AbortSignal): Promise<void> {
    if (!this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
