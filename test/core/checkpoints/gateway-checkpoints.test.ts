import { describe, expect, it } from 'vitest';
import { nearMiss } from '../../../src-main/core/checkpoints/gateway-checkpoints.js';

describe('the token probe', () => {
  it('tries a token wrong by its last character, whatever that character is', () => {
    // The old probe appended "x": a token ending in "x" (one in 64) was tried unchanged.
    for (const token of ['abcdefgx', 'abcdefgy', 'abcdefg-', 'x']) {
      const miss = nearMiss(token);
      expect(miss).not.toBe(token);
      expect(miss).toHaveLength(token.length);
      expect(miss.slice(0, -1)).toBe(token.slice(0, -1));
    }
  });
});
