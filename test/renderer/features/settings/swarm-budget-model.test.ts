import { describe, expect, it } from 'vitest';
import { DEFAULT_SWARM_BUDGET } from '../../../../src-main/core/protocol/swarm-entities.js';
import { swarmBudgetSchema } from '../../../../src-main/core/protocol/swarm-entities.js';
import {
  budgetOf,
  draftOf,
  fieldError,
} from '../../../../src-renderer/features/settings/swarm-budget-model.js';

describe('swarm budget form', () => {
  it('round-trips a budget through the form, wall time in minutes', () => {
    const draft = draftOf(DEFAULT_SWARM_BUDGET);
    expect(draft.minutes).toBe('20');
    expect(budgetOf(draft)).toEqual(DEFAULT_SWARM_BUDGET);
  });

  it('says what is wrong with a field and saves nothing while one is wrong', () => {
    const draft = { ...draftOf(DEFAULT_SWARM_BUDGET), concurrency: '0' };
    expect(fieldError('concurrency', '0')).toBe('Between 1 and 32.');
    expect(fieldError('maxAgents', '2.5')).toBe('Enter a whole number.');
    expect(fieldError('tokens', '')).toBe('Enter a number.');
    expect(fieldError('costUsd', '0.25')).toBeNull();
    expect(budgetOf(draft)).toBeNull();
  });

  it('every budget the form accepts, the core accepts too', () => {
    const edge = {
      maxAgents: '3',
      concurrency: '32',
      tokens: '1000',
      costUsd: '0',
      toolCalls: '0',
      minutes: '1',
    };
    const budget = budgetOf(edge);
    expect(budget).not.toBeNull();
    expect(swarmBudgetSchema.safeParse(budget).success).toBe(true);
  });
});
