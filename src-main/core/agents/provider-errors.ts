import { isAISDKError, isAPICallError, isRetryError } from '../base/ai-sdk.js';
import { Cell0Error } from '../protocol/errors.js';
import type { ProviderEndpoint } from './provider-kinds.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);
const CUT_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const CONTEXT_TOO_LONG =
  /context[_ ]length|context window|maximum context|prompt is too long|too many tokens/i;
const MODEL_MISSING = /model/i;

export interface ProviderErrorContext {
  baseUrl: string;
  /** The key in use: scrubbed from anything the provider echoes back. */
  secret: string | null;
  /** Whether reply text had already arrived: a failure then is a cut stream. */
  streamed: boolean;
  /** A model listing rather than a chat call: a 404 then means a wrong URL, not a missing model. */
  listing?: boolean;
}

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
export function providerMessage(body: string | undefined, secret: string | null): string {
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

/** Seconds the provider asked us to wait (Retry-After), if it said. */
export function retryAfterMs(err: unknown): number | null {
  const inner = isRetryError(err) ? err.lastError : err;
  if (!isAPICallError(inner)) return null;
  const header = inner.responseHeaders?.['retry-after'];
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Rate limits and overloads pass; the rest (a bad key, a missing model) will not change by waiting. */
export function isRetryable(error: Cell0Error): boolean {
  return error.code === 'PROVIDER_RATE_LIMITED' || error.code === 'PROVIDER_SERVER_ERROR';
}

function fromStatus(status: number, detail: string, context: ProviderErrorContext): Cell0Error {
  const said = detail ? ` The provider said: ${detail}` : '';
  if (status === 401 || status === 403) {
    return new Cell0Error(
      'PROVIDER_AUTH',
      `The provider refused the API key (HTTP ${status}). Check the key in Settings.${said}`,
    );
  }
  if (status === 404 && !context.listing && MODEL_MISSING.test(detail)) {
    return new Cell0Error(
      'PROVIDER_MODEL_NOT_FOUND',
      `The provider does not know this model. Pick another model for this conversation or check its name in Settings.${said}`,
    );
  }
  if (status === 404) {
    return new Cell0Error(
      'PROVIDER_NOT_FOUND',
      `The provider at ${context.baseUrl} answered 404: check the base URL (it usually ends in /v1) and the model name.${said}`,
    );
  }
  if (status === 429) {
    return new Cell0Error(
      'PROVIDER_RATE_LIMITED',
      `The provider is limiting requests (HTTP 429). Wait a moment, then retry.${said}`,
    );
  }
  if ((status === 400 || status === 413) && CONTEXT_TOO_LONG.test(detail)) {
    return new Cell0Error(
      'PROVIDER_CONTEXT_TOO_LONG',
      `This conversation is longer than the model's context window. Start a new chat, or switch this one to a model with a longer context.${said}`,
    );
  }
  if (status >= 500) {
    return new Cell0Error(
      'PROVIDER_SERVER_ERROR',
      `The provider had a problem on its side (HTTP ${status}). Retry in a moment.${said}`,
    );
  }
  return new Cell0Error('PROVIDER_ERROR', `The provider answered HTTP ${status}.${said}`);
}

/**
 * Turns whatever the AI SDK or fetch threw into an error a person can act on, with a stable
 * code, and never with the key in it.
 */
export function toProviderError(err: unknown, context: ProviderErrorContext): Cell0Error {
  if (err instanceof Cell0Error) return err;
  const inner = isRetryError(err) ? err.lastError : err;
  const codes = causeCodes(inner);
  // A 200 whose body broke off mid-way is a cut stream, not an HTTP error.
  if (isAPICallError(inner) && inner.statusCode !== undefined && inner.statusCode >= 400) {
    return fromStatus(inner.statusCode, providerMessage(inner.responseBody, context.secret), context);
  }
  const errorEvent = anthropicStreamError(inner);
  if (errorEvent) return errorEvent;
  const cut = codes.find((c) => CUT_CODES.has(c));
  if (cut || (context.streamed && !codes.some((c) => NETWORK_CODES.has(c)))) {
    return new Cell0Error(
      'PROVIDER_STREAM_CUT',
      'The connection to the model dropped in the middle of the reply. The partial reply is kept; retry for a full answer.',
    );
  }
  const network = codes.find((c) => NETWORK_CODES.has(c));
  if (network || isAPICallError(inner)) {
    return new Cell0Error(
      'PROVIDER_UNREACHABLE',
      `Could not reach the model server at ${context.baseUrl}${network ? ` (${network})` : ''}. Is it running, and is the URL right?`,
    );
  }
  const message = inner instanceof Error ? providerMessage(inner.message, context.secret) : 'unknown error';
  return new Cell0Error('PROVIDER_ERROR', `The model call failed: ${message}`);
}

/** Anthropic reports trouble inside a 200 stream as an `error` event ({type, message}). */
function anthropicStreamError(err: unknown): Cell0Error | null {
  if (!err || typeof err !== 'object') return null;
  const { type, message } = err as { type?: unknown; message?: unknown };
  if (typeof type !== 'string' || typeof message !== 'string') return null;
  const status: Record<string, number> = {
    overloaded_error: 529,
    rate_limit_error: 429,
    api_error: 500,
    authentication_error: 401,
    permission_error: 403,
    not_found_error: 404,
    invalid_request_error: 400,
    request_too_large: 413,
  };
  const code = status[type];
  return code ? fromStatus(code, message, { baseUrl: '', secret: null, streamed: true }) : null;
}

/**
 * Whatever ended a model turn, as the owner and the model are told it: a provider's failure with
 * its stable code and the key scrubbed, or, for a fault of Cell 0's own (a storage error, a bug),
 * a plain sentence: raw internal text never reaches either.
 */
export function describeTurnError(
  err: unknown,
  resolved: { endpoint: ProviderEndpoint | null },
  streamed: boolean,
): Cell0Error {
  if (err instanceof Cell0Error) return err;
  if (!resolved.endpoint) {
    // A model on this computer: its runtime's errors are already Cell0Errors; anything else is ours.
    return new Cell0Error(
      'LOCAL_MODEL_FAILED',
      'The model on this computer could not answer. It was logged; try again.',
      {
        cause: err,
      },
    );
  }
  const endpoint = resolved.endpoint;
  const inner = isRetryError(err) ? err.lastError : err;
  const fromProvider =
    isAISDKError(inner) ||
    causeCodes(inner).length > 0 ||
    (inner !== null && typeof inner === 'object' && typeof (inner as { type?: unknown }).type === 'string');
  if (!fromProvider) {
    return new Cell0Error(
      'INTERNAL',
      'Cell 0 hit an internal error while running this reply. It was logged.',
      {
        cause: err,
      },
    );
  }
  return toProviderError(err, {
    baseUrl: endpoint.baseUrl,
    secret: endpoint.apiKey,
    streamed,
  });
}
