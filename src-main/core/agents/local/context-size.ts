/** The shape facts that size a model's KV cache, from its GGUF metadata. */
export interface KvShape {
  layers: number;
  /** Key and value width per layer: KV heads times head size. */
  kvWidth: number;
}

/** Bytes one token of context costs: a key and a value per layer, in f16. */
export function kvBytesPerToken(shape: KvShape): number {
  return 2 * shape.layers * shape.kvWidth * 2;
}

export const MIN_CONTEXT = 512;
/** More than a small model can use well on a laptop; it also bounds the prompt processing time. */
export const MAX_CONTEXT = 32_768;

/**
 * The context a model gets: as long as it was trained for (and MAX_CONTEXT), cut down to what
 * half of the free memory can hold after the weights, in steps of 256 tokens. Null when not even
 * MIN_CONTEXT fits.
 */
export function chooseContextSize(options: {
  trainedContext: number | null;
  shape: KvShape;
  freeMemoryBytes: number;
  weightsBytes: number;
  maxContext?: number;
}): number | null {
  const cap = Math.min(options.trainedContext ?? 4096, options.maxContext ?? MAX_CONTEXT, MAX_CONTEXT);
  // The weights are memory-mapped: what of them is not resident yet still has to fit.
  const budget = Math.max(0, options.freeMemoryBytes - options.weightsBytes) / 2;
  const fits = Math.floor(budget / kvBytesPerToken(options.shape));
  if (cap < MIN_CONTEXT) return fits >= cap ? cap : null;
  if (fits < MIN_CONTEXT) return null;
  return Math.floor(Math.min(cap, fits) / 256) * 256;
}

/** Reads the KV shape from a model's GGUF metadata (`<arch>.block_count`, heads, widths). */
export function kvShapeOf(metadata: Record<string, unknown>, architecture: string): KvShape {
  const own = (metadata[architecture] ?? {}) as Record<string, unknown>;
  const attention = (own.attention ?? {}) as Record<string, unknown>;
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && v > 0 ? v : fallback);
  const embd = num(own.embedding_length, 4096);
  const heads = num(attention.head_count, 32);
  const kvHeads = num(attention.head_count_kv, heads);
  const keyWidth = num(attention.key_length, embd / heads);
  return { layers: num(own.block_count, 32), kvWidth: kvHeads * keyWidth };
}
