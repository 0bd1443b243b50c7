import { describe, expect, it } from 'vitest';
import {
  conversationCost,
  conversationCostLabel,
  countTokens,
  formatCost,
  formatSpend,
  formatUsage,
  pricesNote,
  swarmSpend,
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

  it('says "cost unknown" for a model without a price, never $0, and "local, free" on this machine', () => {
    expect(formatUsage({ inputTokens: 10, outputTokens: 2, costUsd: null }, false)).toBe(
      '10 in · 2 out · cost unknown',
    );
    expect(formatUsage({ inputTokens: 10, outputTokens: 2, costUsd: 0 }, true)).toBe(
      '10 in · 2 out · local, free',
    );
    expect(formatUsage({ inputTokens: null, outputTokens: null, costUsd: null }, false)).toBe('');
  });

  it('notes the date of the price table an estimate comes from', () => {
    expect(pricesNote('2026-11-29')).toBe('estimated from list prices as of 2026-11-29');
    expect(pricesNote(undefined)).toBe('estimated from list prices');
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

  it('says "cost unknown" rather than $0 when no reply has a price, and nothing without usage', () => {
    const cost = conversationCost([message(0), reply(1, null)], 2, isLocal);
    expect(cost).toMatchObject({ anyPriced: false, complete: false });
    expect(conversationCostLabel(cost!)).toBe('cost unknown');
    expect(conversationCost([message(0)], 1, isLocal)).toBeNull();
  });

  it('words a priced conversation, a partly priced one, and a local one', () => {
    expect(conversationCostLabel(conversationCost([reply(1, 0.01)], 1, isLocal)!)).toBe('$0.0100');
    expect(conversationCostLabel(conversationCost([reply(1, 0.01), reply(2, null)], 2, isLocal)!)).toBe(
      '≥ $0.0100',
    );
    expect(conversationCostLabel(conversationCost([reply(1, 0, 'box')], 1, isLocal)!)).toBe('local, free');
  });

  it('knows when every reply came from a local model', () => {
    expect(conversationCost([reply(1, 0, 'box')], 1, isLocal)).toEqual({
      usd: 0,
      anyPriced: true,
      complete: true,
      allLocal: true,
    });
  });
});

describe('swarm spend', () => {
  it('reads a remote model that used tokens for nothing as unpriced, and says so', () => {
    expect(swarmSpend(0, 1200, false)).toBeNull();
    expect(formatSpend(swarmSpend(0, 1200, false))).toBe('cost unknown');
    expect(formatSpend(swarmSpend(0.02, 1200, false))).toBe('$0.0200');
    // Nothing spent yet is $0, and a model on this machine is free whatever it used.
    expect(formatSpend(swarmSpend(0, 0, false))).toBe('$0');
    expect(formatSpend(swarmSpend(0, 1200, true))).toBe('$0');
  });
});
