import type { SwarmBudget } from '../../../src-main/core/protocol/swarm-entities.js';

/** The budget form's fields as typed (strings), with wall time in minutes. */
export interface BudgetDraft {
  maxAgents: string;
  concurrency: string;
  tokens: string;
  costUsd: string;
  toolCalls: string;
  minutes: string;
}

export const BUDGET_FIELDS: {
  key: keyof BudgetDraft;
  label: string;
  help: string;
  min: number;
  max: number;
  step: number;
  integer: boolean;
}[] = [
  {
    key: 'maxAgents',
    label: 'Agents',
    help: 'Spawned in all: coordinator, workers, retries, reviewer.',
    min: 3,
    max: 500,
    step: 1,
    integer: true,
  },
  {
    key: 'concurrency',
    label: 'Workers at once',
    help: 'Independent subtasks run side by side up to this.',
    min: 1,
    max: 32,
    step: 1,
    integer: true,
  },
  {
    key: 'tokens',
    label: 'Tokens',
    help: 'Input and output, all agents together.',
    min: 1_000,
    max: 50_000_000,
    step: 1_000,
    integer: true,
  },
  {
    key: 'costUsd',
    label: 'Cost (USD)',
    help: 'Estimated from the price table; local models cost 0. 0 means no cost limit.',
    min: 0,
    max: 1_000,
    step: 0.1,
    integer: false,
  },
  {
    key: 'toolCalls',
    label: 'Tool calls',
    help: 'Every call still asks for permission as usual.',
    min: 0,
    max: 10_000,
    step: 1,
    integer: true,
  },
  {
    key: 'minutes',
    label: 'Time (minutes)',
    help: 'Wall-clock time from start to answer.',
    min: 1,
    max: 1_440,
    step: 1,
    integer: true,
  },
];

export function draftOf(budget: SwarmBudget): BudgetDraft {
  return {
    maxAgents: String(budget.maxAgents),
    concurrency: String(budget.concurrency),
    tokens: String(budget.tokens),
    costUsd: String(budget.costUsd),
    toolCalls: String(budget.toolCalls),
    minutes: String(Math.round(budget.wallTimeMs / 60_000)),
  };
}

/** The field's problem in words, or null when it is fine. */
export function fieldError(key: keyof BudgetDraft, value: string): string | null {
  const field = BUDGET_FIELDS.find((f) => f.key === key)!;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) return 'Enter a number.';
  if (field.integer && !Number.isInteger(n)) return 'Enter a whole number.';
  if (n < field.min || n > field.max)
    return `Between ${field.min.toLocaleString('en')} and ${field.max.toLocaleString('en')}.`;
  return null;
}

/** The budget to save, or null while any field is wrong. */
export function budgetOf(draft: BudgetDraft): SwarmBudget | null {
  if (BUDGET_FIELDS.some((f) => fieldError(f.key, draft[f.key]) !== null)) return null;
  return {
    maxAgents: Number(draft.maxAgents),
    concurrency: Number(draft.concurrency),
    tokens: Number(draft.tokens),
    costUsd: Number(draft.costUsd),
    toolCalls: Number(draft.toolCalls),
    wallTimeMs: Number(draft.minutes) * 60_000,
  };
}
