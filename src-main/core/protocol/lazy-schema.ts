import type { z } from 'zod';

/**
 * A schema built the first time it is used rather than when its module loads. Building the
 * protocol's few hundred zod schemas took a third of the core's start; a request validates only
 * its own method's params, so most of them are never needed before the first window connects
 * (results are checked only in development builds). The value stands in for the schema itself:
 * nesting it, chaining on it, parsing with it and `instanceof` all reach the real one.
 *
 * Not for a schema that becomes JSON Schema (a tool's input, a structured output):
 * `z.toJSONSchema` keys what it has seen by object identity, and the stand-in is not the schema
 * zod's own processors hand on. Those stay eager; they are built when a turn needs them anyway.
 */
export function lazySchema<T extends z.ZodType>(build: () => T): T {
  let real: T | undefined;
  const get = (): T => (real ??= build());
  // The target is only a shell: every operation is forwarded to the built schema.
  return new Proxy({} as T, {
    get: (_, key) => {
      const target = get();
      const value: unknown = Reflect.get(target, key, target);
      return value;
    },
    set: (_, key, value) => Reflect.set(get(), key, value),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(get(), key);
      // A proxy may not report a property its shell lacks as non-configurable.
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(get(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(get(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
  });
}
