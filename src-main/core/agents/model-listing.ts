import { z } from 'zod';
import type { ModelInfo } from '../protocol/entities.js';
import { priceOf } from './pricing.js';
import { toProviderError } from './provider-errors.js';
import { trimBaseUrl, type ProviderEndpoint } from './provider-kinds.js';
import { lazySchema } from '../protocol/lazy-schema.js';

const openAiListSchema = lazySchema(() => z.object({ data: z.array(z.object({ id: z.string() })) }));
const anthropicListSchema = lazySchema(() =>
  z.object({
    data: z.array(z.object({ id: z.string() })),
    has_more: z.boolean().optional(),
    last_id: z.string().nullable().optional(),
  }),
);

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  return record;
}

/** GET a JSON document from a provider, turning every failure into an error a person can act on. */
async function getJson(
  url: string,
  headers: Record<string, string>,
  context: ProviderEndpoint,
): Promise<unknown> {
  const errorContext = { baseUrl: trimBaseUrl(context.baseUrl), secret: context.apiKey, streamed: false };
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw toProviderError(err, errorContext);
  }
  const body = await response.text();
  if (!response.ok) {
    const { APICallError } = await import('ai');
    throw toProviderError(
      new APICallError({
        message: `HTTP ${response.status}`,
        url,
        requestBodyValues: {},
        statusCode: response.status,
        responseHeaders: headerRecord(response.headers),
        responseBody: body,
      }),
      { ...errorContext, listing: true },
    );
  }
  try {
    return JSON.parse(body);
  } catch (err) {
    throw toProviderError(new Error('the server did not answer with JSON', { cause: err }), errorContext);
  }
}

/**
 * The provider's own model list (the AI SDK has no listing call, so these requests are made by
 * hand in each provider's format). It doubles as the connection test.
 */
export async function listModels(endpoint: ProviderEndpoint): Promise<ModelInfo[]> {
  const base = trimBaseUrl(endpoint.baseUrl);
  let ids: string[];
  if (endpoint.kind === 'anthropic') {
    const headers = {
      'anthropic-version': '2023-06-01',
      ...(endpoint.apiKey ? { 'x-api-key': endpoint.apiKey } : {}),
    };
    ids = [];
    let after: string | null = null;
    // Paged: a handful of pages at most, so a misbehaving server cannot keep us looping.
    for (let page = 0; page < 10; page++) {
      const query: string = after ? `?limit=1000&after_id=${encodeURIComponent(after)}` : '?limit=1000';
      const parsed = anthropicListSchema.safeParse(
        await getJson(`${base}/models${query}`, headers, endpoint),
      );
      if (!parsed.success) break;
      ids.push(...parsed.data.data.map((m) => m.id));
      if (!parsed.data.has_more || !parsed.data.last_id) break;
      after = parsed.data.last_id;
    }
  } else {
    const headers: Record<string, string> = endpoint.apiKey
      ? { authorization: `Bearer ${endpoint.apiKey}` }
      : {};
    const parsed = openAiListSchema.safeParse(await getJson(`${base}/models`, headers, endpoint));
    ids = parsed.success ? parsed.data.data.map((m) => m.id) : [];
  }
  return [...new Set(ids)].sort().map((id) => ({ id, pricing: priceOf(id) }));
}
