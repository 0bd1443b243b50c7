/**
 * libp2p 3 calls `Promise.withResolvers`, which Node has from 22 (Electron's Node) but not 20 (the
 * CLI and `cell0 serve` may run there). Loaded before libp2p; does nothing where it exists.
 */
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
      return { promise, resolve, reject };
    },
  });
}
export {};
