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

/** "1,234 in · 456 out · $0.0123"; an unknown price is left out, a local model says "local". */
export function formatUsage(usage: Usage, local: boolean): string {
  const parts: string[] = [];
  if (usage.inputTokens !== null) parts.push(`${formatTokens(usage.inputTokens)} in`);
  if (usage.outputTokens !== null) parts.push(`${formatTokens(usage.outputTokens)} out`);
  if (local) parts.push('local');
  else if (usage.costUsd !== null) parts.push(formatCost(usage.costUsd));
  return parts.join(' · ');
}

export interface ConversationCost {
  usd: number;
  /** False when some replies are not loaded or have no known price: usd is then a lower bound. */
  complete: boolean;
  /** Every priced reply came from a model on this machine. */
  allLocal: boolean;
}

/**
 * The cost of a conversation from the messages the window holds. Null while nothing has a price,
 * so the status bar shows nothing rather than a made-up $0.
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
  if (priced === 0) return null;
  return { usd, complete: loaded >= total && unknown === 0, allLocal: remote === 0 };
}
