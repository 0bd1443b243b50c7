import type { MemoryModels } from '../memory/models.js';
import { Cell0Error } from '../protocol/errors.js';
import type { ProviderConfig } from '../settings/settings-store.js';
import { isRetryable, toProviderError } from './provider-errors.js';
import {
  NO_EMBEDDINGS_MESSAGE,
  embeddingCandidates,
  embeddingModel,
  languageModel,
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

/** Memory's way to models, on the provider registry (see memory/models.ts). */
export function memoryModels(
  providers: Pick<ProviderRegistry, 'resolve' | 'require' | 'endpoint' | 'models'>,
): MemoryModels {
  const embeddable = (id: string): ProviderConfig => {
    const provider = providers.require(id);
    if (!supportsEmbeddings(provider.kind))
      throw new Cell0Error('EMBEDDINGS_UNSUPPORTED', NO_EMBEDDINGS_MESSAGE);
    return provider;
  };
  return {
    async defaultChatModel() {
      const { endpoint, model } = await providers.resolve(null);
      return { model: languageModel(endpoint, model), describe: describer(endpoint) };
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
      return { model: embeddingModel(endpoint, model), describe: describer(endpoint) };
    },
    async embeddingCandidates(providerId) {
      const provider = embeddable(providerId);
      const models = await providers.models({ id: provider.id });
      return embeddingCandidates(models.map((m) => m.id));
    },
    isTransient: isRetryable,
  };
}
