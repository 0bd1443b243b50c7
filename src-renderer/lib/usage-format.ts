import type { Message, Usage } from '../../src-main/core/protocol/index.js';
import { plural } from './plural.js';

// Fixed to en-US so the quiet usage line reads the same everywhere and in tests.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatTokens(n: number): string {
  return integer.format(n);
}

/** "1 token", "1,234 tokens". */
export function countTokens(n: number): string {
  return plural(n, 'token', undefined, formatTokens(n));
}

/** Dollars at a precision that still shows cents of a cent: $0.0123, $1.25, $0 for nothing. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '<$0.0001';
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Said where a model has no known price: never a made-up $0. */
export const COST_UNKNOWN = 'cost unknown';
/** A model on this machine costs nothing. */
export const LOCAL_FREE = 'local, free';

/** The tooltip's note on where a figure comes from, with the date the price table was checked. */
export function pricesNote(pricesAsOf: string | null | undefined): string {
  return pricesAsOf ? `estimated from list prices as of ${pricesAsOf}` : 'estimated from list prices';
}

/** "1,234 in · 456 out · $0.0123"; "cost unknown" without a price, "local, free" on this machine. */
export function formatUsage(usage: Usage, local: boolean): string {
  const parts: string[] = [];
  if (usage.inputTokens !== null) parts.push(`${formatTokens(usage.inputTokens)} in`);
  if (usage.outputTokens !== null) parts.push(`${formatTokens(usage.outputTokens)} out`);
  if (parts.length === 0 && usage.costUsd === null && !local) return '';
  if (local) parts.push(LOCAL_FREE);
  else parts.push(usage.costUsd === null ? COST_UNKNOWN : formatCost(usage.costUsd));
  return parts.join(' · ');
}

/**
 * A swarm's (or one agent's) spend; null when it cannot be told. A run says so itself
 * (`costUnknown`: some agent's model has no price, its spending left out). For one agent, every
 * listed price is above zero, so a remote model that used tokens and cost exactly nothing had none.
 */
export function swarmSpend(
  costUsd: number,
  tokens: number,
  local: boolean,
  costUnknown = false,
): number | null {
  if (local) return 0;
  if (costUnknown && costUsd === 0) return null;
  return tokens > 0 && costUsd === 0 ? null : costUsd;
}

/** "$0.0123", "$0" for a local model, "cost unknown" without a price. */
export function formatSpend(usd: number | null): string {
  return usd === null ? COST_UNKNOWN : formatCost(usd);
}

export interface ConversationCost {
  usd: number;
  /** Some reply has a price (or is local): usd means something. */
  anyPriced: boolean;
  /** False when some replies are not loaded or have no known price: usd is then a lower bound. */
  complete: boolean;
  /** Every priced reply came from a model on this machine. */
  allLocal: boolean;
}

/**
 * The cost of a conversation from the messages the window holds. Null while no reply has usage;
 * when none has a price, anyPriced says so (the status bar says "cost unknown", not $0).
 */
export function conversationCost(
  messages: Iterable<Message>,
  total: number,
  isLocal: (providerId: string | null) => boolean,
): ConversationCost | null {
  let usd = 0;
  let loaded = 0;
  let priced = 0;
  let unknown = 0;
  let remote = 0;
  for (const m of messages) {
    loaded++;
    if (m.role !== 'assistant' || !m.usage) continue;
    const local = isLocal(m.providerId);
    if (!local) remote++;
    if (m.usage.costUsd === null && !local) {
      unknown++;
      continue;
    }
    priced++;
    usd += m.usage.costUsd ?? 0;
  }
  if (priced === 0 && unknown === 0) return null;
  return {
    usd,
    anyPriced: priced > 0,
    complete: loaded >= total && unknown === 0,
    allLocal: remote === 0,
  };
}

/** The status bar's words for a conversation's cost. */
export function conversationCostLabel(cost: ConversationCost): string {
  if (cost.allLocal) return LOCAL_FREE;
  if (!cost.anyPriced) return COST_UNKNOWN;
  return `${cost.complete ? '' : '≥ '}${formatCost(cost.usd)}`;
}
