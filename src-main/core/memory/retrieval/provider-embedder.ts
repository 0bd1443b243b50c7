import type { EmbeddingModel } from 'ai';
import type { Embedder } from '../types.js';
import { normaliseInPlace } from './hash-embedder.js';

/**
 * An embedding model of the owner's chosen provider, through the AI SDK. `dims` is known only
 * after the first call (providers and models differ), so it reads 0 until then.
 */
export class ProviderEmbedder implements Embedder {
  private knownDims = 0;

  constructor(
    private readonly model: EmbeddingModel,
    readonly id: string,
    private readonly options: { maxRetries?: number; abortSignal?: AbortSignal } = {},
  ) {}

  get dims(): number {
    return this.knownDims;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const { embedMany } = await import('ai');
    const { embeddings } = await embedMany({
      model: this.model,
      values: texts,
      maxRetries: this.options.maxRetries ?? 2,
      ...(this.options.abortSignal ? { abortSignal: this.options.abortSignal } : {}),
    });
    // Not every provider returns unit vectors, and the index scores by dot product.
    const vectors = embeddings.map((e) => normaliseInPlace(Float32Array.from(e)));
    if (vectors[0]) this.knownDims = vectors[0].length;
    return vectors;
  }
}
