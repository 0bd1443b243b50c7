/**
 * Stable error codes: the UI and every client switch on these, so never rename one.
 * Messages are for people; codes are for programs.
 */
export const ERROR_CODES = [
  'BAD_FRAME',
  'FRAME_TOO_LARGE',
  'UNKNOWN_METHOD',
  'BAD_PARAMS',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'BUSY',
  'INTERNAL',
  'PROVIDER_NOT_CONFIGURED',
  'PROVIDER_AUTH',
  'PROVIDER_NOT_FOUND',
  'PROVIDER_MODEL_NOT_FOUND',
  'PROVIDER_UNREACHABLE',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_SERVER_ERROR',
  'PROVIDER_CONTEXT_TOO_LONG',
  'PROVIDER_STREAM_CUT',
  'PROVIDER_ERROR',
  'KEYCHAIN_UNAVAILABLE',
  'IDENTITY_UNAVAILABLE',
  'SIGNATURE_INVALID',
  'SANDBOX_UNAVAILABLE',
  'PERMISSION_DENIED',
  'LIMIT_EXCEEDED',
  'BUDGET_EXHAUSTED',
  'TOOL_FAILED',
  'AGENT_FAILED',
  /** A swarm's reviewer failed or gave no readable verdict: the answer was not approved. */
  'REVIEW_FAILED',
  /** Memory search was pointed at a provider that is not configured. */
  'EMBEDDER_PROVIDER_UNKNOWN',
  /** The provider does not know that embedding model. */
  'EMBEDDER_MODEL_UNKNOWN',
  /** The provider has no embeddings API at all (Anthropic). */
  'EMBEDDINGS_UNSUPPORTED',
  /** No local model by that name: not in the catalog, or not on this computer. */
  'LOCAL_MODEL_UNKNOWN',
  /** A local model's download failed: a wrong URL, a 404, the network. Its part stays for a retry. */
  'LOCAL_MODEL_DOWNLOAD_FAILED',
  /** The file is not a GGUF model. */
  'LOCAL_MODEL_NOT_GGUF',
  /** The downloaded file's SHA-256 differs from the published one; it was deleted. */
  'LOCAL_MODEL_CHECKSUM_MISMATCH',
  /** The model needs more memory than this computer has. */
  'LOCAL_MODEL_TOO_BIG',
  /** Not enough free disk space for the model. */
  'LOCAL_MODEL_DISK_FULL',
  /** The model is still downloading, paused, or failed: it cannot be used yet. */
  'LOCAL_MODEL_NOT_READY',
  /** The model file could not be loaded or run. */
  'LOCAL_MODEL_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorShape {
  code: ErrorCode;
  message: string;
}

/** An error a user can meet: carries a stable code and a message a person can act on. */
export class Cell0Error extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Cell0Error';
    this.code = code;
  }

  toShape(): ErrorShape {
    return { code: this.code, message: this.message };
  }
}

export function isCell0Error(err: unknown): err is Cell0Error {
  return err instanceof Cell0Error;
}
