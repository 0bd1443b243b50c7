import { APICallError, RetryError } from 'ai';
import { Cell0Error } from '../protocol/errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);
const CUT_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

function causeCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const message = (current as { message?: unknown }).message;
    if (message === 'terminated') codes.push('UND_ERR_SOCKET');
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** Provider text shown to people: never the key, never a wall of JSON. */
function providerMessage(body: string | undefined, secret: string | null): string {
  if (!body) return '';
  let text = body;
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const inner = typeof json.error === 'string' ? json.error : (json.error?.message ?? json.message);
    if (typeof inner === 'string') text = inner;
  } catch {
    // not JSON: keep the raw text
  }
  if (secret) text = text.split(secret).join('[key]');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Turns whatever the AI SDK or fetch threw into an error a person can act on, with a stable
 * code. `streamed` says whether text had already arrived: a failure then is a cut stream.
 */
export function toProviderError(
  err: unknown,
  context: { baseUrl: string; secret: string | null; streamed: boolean },
): Cell0Error {
  if (err instanceof Cell0Error) return err;
  const inner = RetryError.isInstance(err) ? err.lastError : err;
  const codes = causeCodes(inner);
  // A 200 whose body broke off mid-way is a cut stream, not an HTTP error.
  if (APICallError.isInstance(inner) && inner.statusCode !== undefined && inner.statusCode >= 400) {
    const status = inner.statusCode;
    const detail = providerMessage(inner.responseBody, context.secret);
    const suffix = detail ? ` The provider said: ${detail}` : '';
    if (status === 401 || status === 403) {
      return new Cell0Error(
        'PROVIDER_AUTH',
        `The provider refused the API key (HTTP ${status}). Check the key in Settings.${suffix}`,
      );
    }
    if (status === 404) {
      return new Cell0Error(
        'PROVIDER_NOT_FOUND',
        `The provider at ${context.baseUrl} answered 404: check the base URL (it usually ends in /v1) and the model name.${suffix}`,
      );
    }
    if (status === 429) {
      return new Cell0Error(
        'PROVIDER_RATE_LIMITED',
        `The provider is limiting requests (HTTP 429). Wait a moment, then retry.${suffix}`,
      );
    }
    return new Cell0Error('PROVIDER_ERROR', `The provider answered HTTP ${status}.${suffix}`);
  }
  const cut = codes.find((c) => CUT_CODES.has(c));
  if (cut || (context.streamed && !codes.some((c) => NETWORK_CODES.has(c)))) {
    return new Cell0Error(
      'PROVIDER_STREAM_CUT',
      'The connection to the model dropped in the middle of the reply. The partial reply is kept; retry for a full answer.',
    );
  }
  const network = codes.find((c) => NETWORK_CODES.has(c));
  if (network || APICallError.isInstance(inner)) {
    return new Cell0Error(
      'PROVIDER_UNREACHABLE',
      `Could not reach the model server at ${context.baseUrl}${network ? ` (${network})` : ''}. Is it running, and is the URL right?`,
    );
  }
  const message = inner instanceof Error ? providerMessage(inner.message, context.secret) : 'unknown error';
  return new Cell0Error('PROVIDER_ERROR', `The model call failed: ${message}`);
}
