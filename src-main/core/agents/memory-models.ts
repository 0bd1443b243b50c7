import type { EmbeddingModel } from 'ai';
import type { MemoryModels } from '../memory/models.js';
import { Cell0Error, isCell0Error } from '../protocol/errors.js';
import type { ProviderConfig } from '../settings/settings-store.js';
import { isRetryable, toProviderError } from './provider-errors.js';
import {
  NO_EMBEDDINGS_MESSAGE,
  embeddingCandidates,
  supportsEmbeddings,
  type ProviderEndpoint,
} from './provider-kinds.js';
import type { ProviderRegistry } from './provider-registry.js';

/** What a change of provider settings must be compared against: kind, URL, key and existence. */
function signatureOf(provider: ProviderConfig): string {
  return `${provider.kind} ${provider.baseUrl} ${provider.keyStored}`;
}

const describer = (endpoint: ProviderEndpoint) => (err: unknown) =>
  toProviderError(err, { baseUrl: endpoint.baseUrl, secret: endpoint.apiKey, streamed: false });

/** A model on this computer fails with Cell0Errors of its own; anything else is worded here. */
const describeLocal = (err: unknown): Cell0Error =>
  isCell0Error(err)
    ? err
    : new Cell0Error('LOCAL_MODEL_FAILED', 'The model on this computer could not answer. Try again.', {
        cause: err,
      });

/** The embedding models on this computer, as memory reaches them (agents/local/local-models.ts). */
export interface LocalEmbeddingModels {
  readyModels(kind: 'embedding'): { name: string; label: string }[];
  embeddingModel(name: string): EmbeddingModel;
  readyPath(name: string, kind: 'embedding'): Promise<string>;
}

/** Memory's way to models, on the provider registry (see memory/models.ts). */
export function memoryModels(
  providers: Pick<ProviderRegistry, 'resolve' | 'require' | 'endpoint' | 'models'>,
  local?: LocalEmbeddingModels,
): MemoryModels {
  const embeddable = (id: string): ProviderConfig => {
    const provider = providers.require(id);
    if (!supportsEmbeddings(provider.kind))
      throw new Cell0Error('EMBEDDINGS_UNSUPPORTED', NO_EMBEDDINGS_MESSAGE);
    return provider;
  };
  return {
    async defaultChatModel() {
      const resolved = await providers.resolve(null);
      return {
        model: resolved.languageModel(),
        describe: resolved.endpoint ? describer(resolved.endpoint) : describeLocal,
      };
    },
    provider(id) {
      let provider: ProviderConfig;
      try {
        provider = providers.require(id);
      } catch {
        return undefined;
      }
      return { id: provider.id, name: provider.name, signature: signatureOf(provider) };
    },
    async embeddingModel(providerId, model) {
      const endpoint = await providers.endpoint(embeddable(providerId));
      const { embeddingModel } = await import('./provider-sdks.js');
      return { model: embeddingModel(endpoint, model), describe: describer(endpoint) };
    },
    async embeddingCandidates(providerId) {
      const provider = embeddable(providerId);
      const models = await providers.models({ id: provider.id });
      return embeddingCandidates(models.map((m) => m.id));
    },
    isTransient: isRetryable,
    async localEmbeddingModel(name) {
      if (!local)
        throw new Cell0Error('LOCAL_MODEL_UNKNOWN', 'Models on this computer are not available here.');
      // Checked now (installed, ready, checksum), so a choice that cannot work is refused at once.
      await local.readyPath(name, 'embedding');
      const label = local.readyModels('embedding').find((m) => m.name === name)?.label ?? name;
      return { model: local.embeddingModel(name), describe: describeLocal, label };
    },
    localEmbeddingModels: () => local?.readyModels('embedding') ?? [],
  };
}
