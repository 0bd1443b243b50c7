import type { EmbeddingModel, LanguageModel } from 'ai';
import type { Cell0Error } from '../protocol/errors.js';

/** A configured provider as memory sees it. */
export interface MemoryProvider {
  id: string;
  name: string;
  /** Changes whenever what the provider's embedder was made from does (kind, URL, key). */
  signature: string;
}

/** A model ready to call, with how to word its failures: a stable code, the provider's key redacted. */
export interface BoundModel<M> {
  model: M;
  describe(err: unknown): Cell0Error;
}

/**
 * How memory reaches models. Memory sits below the agents layer, so it never imports the
 * provider registry: the composition root hands it this, built on the registry.
 */
export interface MemoryModels {
  /** The owner's default chat model for background work; throws a Cell0Error saying why there is none. */
  defaultChatModel(): Promise<BoundModel<LanguageModel>>;
  /** A configured provider, or undefined when it is not (or no longer) configured. */
  provider(id: string): MemoryProvider | undefined;
  /** A provider's embedding model; throws EMBEDDINGS_UNSUPPORTED for a provider without embeddings. */
  embeddingModel(providerId: string, model: string): Promise<BoundModel<EmbeddingModel>>;
  /** A provider's models that look like embedding models; throws as embeddingModel does. */
  embeddingCandidates(providerId: string): Promise<string[]>;
  /** Whether waiting may fix the error (a rate limit, an overloaded server). */
  isTransient(error: Cell0Error): boolean;
  /**
   * An embedding model on this computer; throws LOCAL_MODEL_UNKNOWN or LOCAL_MODEL_NOT_READY
   * when it is not installed and checked.
   */
  localEmbeddingModel(name: string): Promise<BoundModel<EmbeddingModel> & { label: string }>;
  /** The embedding models on this computer that are ready to use. */
  localEmbeddingModels(): { name: string; label: string }[];
}
