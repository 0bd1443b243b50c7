import { Cell0Error } from '../protocol/errors.js';

/**
 * A stand-in for a service that is built later (the core's background half, app.ts): handlers
 * and other services can be wired to it now, and every use reaches the real one once it exists.
 * Methods come bound to it. Used before then, it throws SERVICE_UNAVAILABLE rather than
 * misbehaving; the service board keeps requests from getting that far.
 */
export function lateBound<T extends object>(what: string, get: () => T | null): T {
  const target = (): T => {
    const service = get();
    if (!service)
      throw new Cell0Error('SERVICE_UNAVAILABLE', `Cell 0 is still starting (${what}); try again.`);
    return service;
  };
  return new Proxy({} as T, {
    get(_stand, key) {
      const service = target();
      const value: unknown = Reflect.get(service, key, service);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(service) : value;
    },
    has: (_stand, key) => Reflect.has(target(), key),
  });
}
