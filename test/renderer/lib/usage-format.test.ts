import { describe, expect, it } from 'vitest';
import {
  conversationCost,
  countTokens,
  formatCost,
  formatUsage,
} from '../../../src-renderer/lib/usage-format.js';
import { message } from '../message-fixture.js';

describe('token counts', () => {
  it('says "1 token" and "1,234 tokens"', () => {
    expect(countTokens(1)).toBe('1 token');
    expect(countTokens(0)).toBe('0 tokens');
    expect(countTokens(1234)).toBe('1,234 tokens');
  });
});

describe('usage line', () => {
  it('reads "1,234 in · 456 out · $0.0123"', () => {
    expect(formatUsage({ inputTokens: 1234, outputTokens: 456, costUsd: 0.0123 }, false)).toBe(
      '1,234 in · 456 out · $0.0123',
    );
  });

  it('leaves an unknown price out and says "local" for a model on this machine', () => {
    expect(formatUsage({ inputTokens: 10, outputTokens: 2, costUsd: null }, false)).toBe('10 in · 2 out');
    expect(formatUsage({ inputTokens: 10, outputTokens: 2, costUsd: 0 }, true)).toBe('10 in · 2 out · local');
    expect(formatUsage({ inputTokens: null, outputTokens: null, costUsd: null }, false)).toBe('');
  });

  it('formats costs from fractions of a cent to dollars', () => {
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.00001)).toBe('<$0.0001');
    expect(formatCost(0.5)).toBe('$0.5000');
    expect(formatCost(1234.5)).toBe('$1,234.50');
  });
});

describe('conversation cost', () => {
  const usage = (costUsd: number | null) => ({ inputTokens: 1, outputTokens: 1, costUsd });
  const reply = (i: number, costUsd: number | null, providerId = 'cloud') =>
    message(i, { role: 'assistant', providerId, usage: usage(costUsd) });
  const isLocal = (id: string | null) => id === 'box';

  it('sums the priced replies and is complete when every message is loaded and priced', () => {
    const cost = conversationCost([message(0), reply(1, 0.01), message(2), reply(3, 0.02)], 4, isLocal);
    expect(cost?.usd).toBeCloseTo(0.03);
    expect(cost?.complete).toBe(true);
    expect(cost?.allLocal).toBe(false);
  });

  it('is a lower bound when replies are not loaded or have no price', () => {
    expect(conversationCost([reply(1, 0.01)], 4, isLocal)?.complete).toBe(false);
    expect(conversationCost([reply(1, 0.01), reply(3, null)], 2, isLocal)?.complete).toBe(false);
  });

  it('shows nothing rather than $0 when no reply has a price', () => {
    expect(conversationCost([message(0), reply(1, null)], 2, isLocal)).toBeNull();
    expect(conversationCost([message(0)], 1, isLocal)).toBeNull();
  });

  it('knows when every reply came from a local model', () => {
    expect(conversationCost([reply(1, 0, 'box')], 1, isLocal)).toEqual({
      usd: 0,
      complete: true,
      allLocal: true,
    });
  });
});
