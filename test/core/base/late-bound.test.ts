import { describe, expect, it } from 'vitest';
import { lateBound } from '../../../src-main/core/base/late-bound.js';
import { isCell0Error } from '../../../src-main/core/protocol/errors.js';

class Counter {
  count = 0;
  bump(by: number): number {
    this.count += by;
    return this.count;
  }
}

describe('lateBound', () => {
  it('reaches the real service once it exists, its methods bound to it', () => {
    let real: Counter | null = null;
    const counter = lateBound('counter', () => real);
    real = new Counter();
    const { bump } = counter;
    expect(bump(2)).toBe(2);
    expect(counter.bump(3)).toBe(5);
    expect(counter.count).toBe(5);
    expect('bump' in counter).toBe(true);
  });

  it('used before then, says the core is still starting with SERVICE_UNAVAILABLE', () => {
    const counter = lateBound<Counter>('memory', () => null);
    let thrown: unknown = null;
    try {
      counter.bump(1);
    } catch (err) {
      thrown = err;
    }
    expect(isCell0Error(thrown) && thrown.code).toBe('SERVICE_UNAVAILABLE');
    expect((thrown as Error).message).toContain('still starting (memory)');
  });
});
