import { useSyncExternalStore } from 'react';

export interface LazyPart<T> {
  /** Starts loading it (once: later calls get the same promise); settles when it is in or failed. */
  load(): Promise<void>;
  /** The part if it has arrived, else null. */
  get(): T | null;
  /** Calls `wake` when the part arrives; returns the unsubscribe. */
  subscribe(wake: () => void): () => void;
  /** The part once it has arrived, else null; the component renders again when it does. */
  useLoaded(): T | null;
}

/**
 * A part of the window kept out of the first script: fetched on `load()`, and every component
 * that asked for it renders again once it is there. A failed load is logged and the part stays
 * null, so what it would have added is simply absent.
 */
export function lazyPart<T>(what: string, fetch: () => Promise<T>): LazyPart<T> {
  let value: T | null = null;
  let loading: Promise<void> | null = null;
  const waiting = new Set<() => void>();
  const part: LazyPart<T> = {
    load() {
      loading ??= fetch().then(
        (loaded) => {
          value = loaded;
          for (const wake of waiting) wake();
        },
        (err: unknown) => console.warn(`cell0: ${what} could not load`, err),
      );
      return loading;
    },
    get: () => value,
    subscribe(wake) {
      waiting.add(wake);
      return () => waiting.delete(wake);
    },
    useLoaded: () => useSyncExternalStore(part.subscribe, part.get),
  };
  return part;
}
