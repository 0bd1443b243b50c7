import type { ModelInfo } from '../protocol/entities.js';

type Pricing = NonNullable<ModelInfo['pricing']>;

/**
 * Public list prices in US dollars per million tokens (input, output), matched by the longest
 * model-id prefix. Estimates only: providers change prices and discount cached input, so the UI
 * calls the figure an estimate. Models not listed get no price rather than a guess.
 */
/** The day the table below was last checked against the providers' price pages: change it with them. */
export const PRICES_AS_OF = '2026-11-29';

const PRICES: [prefix: string, input: number, output: number][] = [
  ['gpt-5-nano', 0.05, 0.4],
  ['gpt-5-mini', 0.25, 2],
  ['gpt-5', 1.25, 10],
  ['gpt-4.1-nano', 0.1, 0.4],
  ['gpt-4.1-mini', 0.4, 1.6],
  ['gpt-4.1', 2, 8],
  ['gpt-4o-mini', 0.15, 0.6],
  ['gpt-4o', 2.5, 10],
  ['gpt-4-turbo', 10, 30],
  ['gpt-3.5-turbo', 0.5, 1.5],
  ['o4-mini', 1.1, 4.4],
  ['o3-mini', 1.1, 4.4],
  ['o3', 2, 8],
  ['o1-mini', 1.1, 4.4],
  ['o1', 15, 60],
  ['claude-opus-4', 15, 75],
  ['claude-sonnet-4', 3, 15],
  ['claude-haiku-4', 1, 5],
  ['claude-3-7-sonnet', 3, 15],
  ['claude-3-5-sonnet', 3, 15],
  ['claude-3-5-haiku', 0.8, 4],
  ['claude-3-opus', 15, 75],
  ['claude-3-haiku', 0.25, 1.25],
];

export function priceOf(model: string): Pricing | null {
  // Routers name models "vendor/model" (OpenRouter): price the model part.
  const id = model.toLowerCase().split('/').pop() ?? '';
  let best: (typeof PRICES)[number] | null = null;
  for (const entry of PRICES) {
    if (id.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best ? { inputPerMTok: best[1], outputPerMTok: best[2] } : null;
}

/** Cost of one reply; 0 for a model on this machine, null when the price or the counts are unknown. */
export function costOf(
  model: string,
  local: boolean,
  inputTokens: number | null,
  outputTokens: number | null,
): number | null {
  if (local) return 0;
  const price = priceOf(model);
  if (!price || inputTokens === null || outputTokens === null) return null;
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}
