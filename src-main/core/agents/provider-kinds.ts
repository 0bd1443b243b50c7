import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import type { ProviderKind } from '../protocol/entities.js';
import { Cell0Error } from '../protocol/errors.js';

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

/** The AI SDK model for a provider kind, speaking that provider's own wire format. */
export function languageModel(endpoint: ProviderEndpoint, model: string): LanguageModel {
  const baseURL = trimBaseUrl(endpoint.baseUrl);
  const apiKey = endpoint.apiKey ?? undefined;
  switch (endpoint.kind) {
    case 'openai':
      // Chat Completions rather than the Responses API: every OpenAI-style server speaks it.
      return createOpenAI({ baseURL, ...(apiKey ? { apiKey } : {}) }).chat(model);
    case 'anthropic':
      return createAnthropic({ baseURL, ...(apiKey ? { apiKey } : {}) })(model);
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL,
        includeUsage: true,
        ...(apiKey ? { apiKey } : {}),
      }).chatModel(model);
  }
}

/** Anthropic has no embeddings API (it points people at other vendors), so it is never offered. */
export function supportsEmbeddings(kind: ProviderKind): boolean {
  return kind !== 'anthropic';
}

export const NO_EMBEDDINGS_MESSAGE =
  'Anthropic has no embeddings API, so it cannot embed memories. Choose the built-in embedder, or an OpenAI or OpenAI-compatible provider (Ollama, LM Studio).';

/** The AI SDK embedding model for a provider kind (POST {baseUrl}/embeddings, OpenAI's format). */
export function embeddingModel(endpoint: ProviderEndpoint, model: string): EmbeddingModel {
  const baseURL = trimBaseUrl(endpoint.baseUrl);
  const apiKey = endpoint.apiKey ?? undefined;
  switch (endpoint.kind) {
    case 'openai':
      return createOpenAI({ baseURL, ...(apiKey ? { apiKey } : {}) }).embedding(model);
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL,
        ...(apiKey ? { apiKey } : {}),
      }).embeddingModel(model);
    case 'anthropic':
      throw new Cell0Error('EMBEDDINGS_UNSUPPORTED', NO_EMBEDDINGS_MESSAGE);
  }
}

/** Names that look like embedding models in a provider's list (OpenAI, Ollama and LM Studio names). */
const EMBEDDING_NAME = /embed|(^|[-_/:])(bge|gte|e5|minilm|arctic)([-_/:.]|$)/i;

export function embeddingCandidates(modelIds: readonly string[]): string[] {
  return modelIds.filter((id) => EMBEDDING_NAME.test(id));
}
