import type { ServiceStatus } from '../protocol/core-methods.js';
import { Cell0Error, isCell0Error } from '../protocol/errors.js';

interface Entry {
  status: ServiceStatus;
  ready: Promise<void>;
  settle: (error: Cell0Error | null) => void;
}

/**
 * Which of the core's services are up. The core answers as soon as storage and settings are;
 * the rest start in the background, and a request that needs one waits here until it is ready
 * (or gets its failure, with the reason) instead of failing because it came early.
 */
export class ServiceBoard {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly onChange: (services: ServiceStatus[]) => void = () => undefined) {}

  /** Declares a service that will start later (its requests wait from now on). */
  expect(name: string, label: string): void {
    let settle!: Entry['settle'];
    const ready = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    // Nobody may be waiting yet; a failure is still reported to whoever asks later.
    ready.catch(() => undefined);
    this.entries.set(name, { status: { name, label, state: 'starting', error: null }, ready, settle });
  }

  started(name: string): void {
    this.set(name, 'ready', null);
  }

  failed(name: string, err: unknown): void {
    const error = isCell0Error(err) ? err : null;
    const label = this.entries.get(name)?.status.label ?? name;
    this.set(name, 'failed', {
      code: 'SERVICE_UNAVAILABLE',
      message: `${label} could not start${error ? `: ${error.message}` : '. The log has the details.'}`,
    });
  }

  stopped(name: string): void {
    const entry = this.entries.get(name);
    if (!entry || entry.status.state === 'stopped') return;
    this.set(name, 'stopped', {
      code: 'SERVICE_UNAVAILABLE',
      message: `Cell 0 is stopping ${entry.status.label}.`,
    });
  }

  /** True when every named service is ready (the hot path skips waiting). */
  isReady(names: readonly string[]): boolean {
    return names.every((n) => this.entries.get(n)?.status.state === 'ready');
  }

  /** Resolves once every named service is ready; rejects with the first one's failure. */
  async whenReady(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const entry = this.entries.get(name);
      if (entry) await entry.ready;
    }
  }

  list(): ServiceStatus[] {
    return [...this.entries.values()].map((e) => e.status);
  }

  private set(name: string, state: ServiceStatus['state'], error: ServiceStatus['error']): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.status = { ...entry.status, state, error };
    entry.settle(error ? new Cell0Error(error.code, error.message) : null);
    this.onChange(this.list());
  }
}
