import type { ProviderKind } from '../protocol/entities.js';

export interface ProviderEndpoint {
  kind: ProviderKind;
  baseUrl: string;
  apiKey: string | null;
}

/** What each kind of provider needs and where its public endpoint is. */
export const KIND_DEFAULTS: Record<
  ProviderKind,
  { name: string; baseUrl: string | null; needsKey: boolean }
> = {
  openai: { name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', needsKey: true },
  anthropic: { name: 'Anthropic', baseUrl: 'https://api.anthropic.com/v1', needsKey: true },
  'openai-compatible': { name: 'OpenAI-compatible server', baseUrl: null, needsKey: false },
};

export function trimBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** A server on this machine: its replies cost nothing and its data never leaves. */
export function isLoopback(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** Anthropic has no embeddings API (it points people at other vendors), so it is never offered. */
export function supportsEmbeddings(kind: ProviderKind): boolean {
  return kind !== 'anthropic';
}

export const NO_EMBEDDINGS_MESSAGE =
  'Anthropic has no embeddings API, so it cannot embed memories. Choose the built-in embedder, or an OpenAI or OpenAI-compatible provider (Ollama, LM Studio).';

/** Names that look like embedding models in a provider's list (OpenAI, Ollama and LM Studio names). */
const EMBEDDING_NAME = /embed|(^|[-_/:])(bge|gte|e5|minilm|arctic)([-_/:.]|$)/i;

export function embeddingCandidates(modelIds: readonly string[]): string[] {
  return modelIds.filter((id) => EMBEDDING_NAME.test(id));
}
