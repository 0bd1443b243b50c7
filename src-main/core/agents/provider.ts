import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, type LanguageModel } from 'ai';
import { z } from 'zod';
import { toProviderError } from './provider-errors.js';

export interface ProviderConnection {
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

export function chatModel(connection: ProviderConnection): LanguageModel {
  const provider = createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: connection.baseUrl.replace(/\/+$/, ''),
    ...(connection.apiKey ? { apiKey: connection.apiKey } : {}),
  });
  return provider.chatModel(connection.model);
}

const modelListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });

/**
 * Lists the server's models (GET {base}/models, the OpenAI wire format). The AI SDK has no
 * listing call, so this one request is made by hand; it doubles as the connection test.
 */
export async function listModels(
  connection: Omit<ProviderConnection, 'model'>,
  options: { timeoutMs?: number } = {},
): Promise<string[]> {
  const baseUrl = connection.baseUrl.replace(/\/+$/, '');
  const context = { baseUrl, secret: connection.apiKey, streamed: false };
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/models`, {
      headers: connection.apiKey ? { authorization: `Bearer ${connection.apiKey}` } : {},
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw toProviderError(err, context);
  }
  const body = await response.text();
  if (!response.ok) {
    throw toProviderError(
      new APICallError({
        message: `HTTP ${response.status}`,
        url: `${baseUrl}/models`,
        requestBodyValues: {},
        statusCode: response.status,
        responseBody: body,
      }),
      context,
    );
  }
  try {
    return modelListSchema
      .parse(JSON.parse(body))
      .data.map((m) => m.id)
      .sort();
  } catch {
    return [];
  }
}
