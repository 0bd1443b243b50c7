import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from '../../../src-main/core/agents/pricing.js';

describe('pricing', () => {
  it('prices by the longest matching model prefix, also behind a router prefix', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18')).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(priceOf('gpt-4o-2024-08-06')).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    expect(priceOf('openai/gpt-4o-mini')).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(priceOf('claude-sonnet-4-20250514')).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
    expect(priceOf('llama3.2:latest')).toBeNull();
  });

  it('costs a reply from its token counts; local is free, unknown is null', () => {
    expect(costOf('gpt-4o-mini', false, 1_000_000, 1_000_000)).toBeCloseTo(0.75);
    expect(costOf('claude-3-5-haiku-latest', false, 2000, 500)).toBeCloseTo((2000 * 0.8 + 500 * 4) / 1e6);
    expect(costOf('llama3.2', true, 100, 100)).toBe(0);
    expect(costOf('some-new-model', false, 100, 100)).toBeNull();
    expect(costOf('gpt-4o', false, null, 10)).toBeNull();
  });
});
