import type { LanguageModelUsage } from 'ai';

/** A tokenizer-free estimate (about four characters a token in English): good enough to budget by. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** What a call cost: the provider's count when it gives one, else the estimate of what was sent and received. */
export function tokensSpent(usage: LanguageModelUsage | undefined, sent: string, received: string): number {
  const total = usage?.totalTokens ?? (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
  return total > 0 ? total : estimateTokens(sent) + estimateTokens(received);
}
