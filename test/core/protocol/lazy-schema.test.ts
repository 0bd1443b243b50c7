import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lazySchema } from '../../../src-main/core/protocol/lazy-schema.js';

describe('lazySchema', () => {
  it('builds nothing until first used, then once', () => {
    let built = 0;
    const inner = lazySchema(() => {
      built += 1;
      return z.object({ a: z.string().min(1) });
    });
    const outer = lazySchema(() => z.object({ inner, list: z.array(inner).optional() }));
    expect(built).toBe(0);
    expect(outer.safeParse({ inner: { a: 'q' }, list: [{ a: 'r' }] }).success).toBe(true);
    expect(outer.safeParse({ inner: { a: 'q' } }).success).toBe(true);
    expect(built).toBe(1);
  });

  it('validates as the schema it stands for, with the same issue paths', () => {
    const inner = lazySchema(() => z.object({ a: z.string().min(1) }));
    const outer = lazySchema(() => z.object({ inner }));
    const bad = outer.safeParse({ inner: { a: '' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['inner', 'a']);
    expect(inner.parse({ a: 'x', extra: 1 })).toEqual({ a: 'x' });
    expect(inner.strict().safeParse({ a: 'x', extra: 1 }).success).toBe(false);
    expect(() => inner.parse({})).toThrow(z.ZodError);
  });

  it('chains, composes and reflects like a built schema', () => {
    const inner = lazySchema(() => z.object({ a: z.string() }));
    const extended = lazySchema(() => inner.extend({ b: z.number() }));
    const union = lazySchema(() =>
      z.discriminatedUnion('k', [z.object({ k: z.literal('x'), inner }), z.object({ k: z.literal('y') })]),
    );
    const kinds = lazySchema(() => z.enum(['a', 'b']));
    expect(extended.parse({ a: 'x', b: 1 })).toEqual({ a: 'x', b: 1 });
    expect(union.parse({ k: 'x', inner: { a: 'z' } })).toEqual({ k: 'x', inner: { a: 'z' } });
    expect(union.safeParse({ k: 'z' }).success).toBe(false);
    expect(inner instanceof z.ZodObject).toBe(true);
    expect(Object.keys(inner.shape)).toEqual(['a']);
    expect(inner.nullable().parse(null)).toBeNull();
    expect(inner.partial().parse({})).toEqual({});
    expect(z.record(z.string(), inner).parse({ q: { a: 'w' } })).toEqual({ q: { a: 'w' } });
    expect(kinds.options).toEqual(['a', 'b']);
    expect(z.object({ e: kinds.default('a') }).parse({})).toEqual({ e: 'a' });
    expect(z.toJSONSchema(lazySchema(() => z.object({ inner })))).toMatchObject({
      type: 'object',
      properties: { inner: { type: 'object', properties: { a: { type: 'string' } } } },
    });
  });
});
