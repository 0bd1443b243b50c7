/**
 * The AI SDK's provider packages, in a module of their own: loaded (`await import`) when a model
 * is first resolved, not when the core starts.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import { Cell0Error } from '../protocol/errors.js';
import { NO_EMBEDDINGS_MESSAGE, trimBaseUrl, type ProviderEndpoint } from './provider-kinds.js';

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
