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
  /** A service the request needs could not start (its status says why). */
  'SERVICE_UNAVAILABLE',
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
  /** A workspace that is (or leads, through symlinks, to) a system folder, or lies outside where workspaces live. */
  'WORKSPACE_REFUSED',
  /** A folder the owner chose as a conversation's workspace, refused (see kernel/chosen-workspace.ts). */
  'WORKSPACE_NOT_ABSOLUTE',
  'WORKSPACE_NOT_FOUND',
  'WORKSPACE_NOT_A_FOLDER',
  'WORKSPACE_SYMLINK',
  'WORKSPACE_SYSTEM_FOLDER',
  'WORKSPACE_IN_DATA_DIR',
  'WORKSPACE_NOT_WRITABLE',
  'PERMISSION_DENIED',
  /** A file tool was pointed outside its workspace: refused at once, since the tool would refuse it anyway. */
  'OUTSIDE_WORKSPACE',
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
  /** A chat platform refused the channel's token (revoked, mistyped): the owner must give a new one. */
  'CHANNEL_AUTH',
  /** The chat platform could not be reached or is down; Cell 0 reconnects with backoff. */
  'CHANNEL_UNREACHABLE',
  /** The channel's WhatsApp link ended (logged out on the phone): link it again with the QR code. */
  'CHANNEL_NEEDS_LOGIN',
  /** The platform answered something Cell 0 could not read, or refused a message. */
  'CHANNEL_ERROR',
  /** A channel of that name exists already. */
  'CHANNEL_EXISTS',
  /** The mesh is turned off (Settings → Mesh), or its node is not running yet. */
  'MESH_OFF',
  /** No peer by that id, fingerprint or name; or an address that does not parse or answer. */
  'PEER_NOT_FOUND',
  /** A pairing failed: the code did not match, it expired, or the other side refused. */
  'PAIRING_FAILED',
  /** A peer refused remote work (not allowed there, at capacity, or it does not know us). */
  'REMOTE_REFUSED',
  /** A peer stopped answering mid-task (link cut, process killed). */
  'PEER_LOST',
  /** An MCP server could not start, stopped, or broke the protocol (its status says how). */
  'MCP_SERVER_FAILED',
  /** An MCP server's tool answered with an error (its own words follow). */
  'MCP_TOOL_ERROR',
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
  /** An attachment is larger than Cell 0 takes (the message says the limit). */
  'ATTACHMENT_TOO_LARGE',
  /** An attachment of a kind Cell 0 cannot read (not an image, a PDF or a text file). */
  'ATTACHMENT_TYPE',
  /** The model of this conversation reads text only; an image was attached. */
  'IMAGES_NOT_SUPPORTED',
  /** A hook or a job of that name exists already. */
  'AUTOMATION_EXISTS',
  /** A cron expression, a time zone or a one-shot time that does not parse, or never fires. */
  'SCHEDULE_INVALID',
  /** A webhook delivery whose signature or bearer secret does not check out. */
  'WEBHOOK_UNAUTHORIZED',
  /** A paired device asked for something its scope does not allow (read-only asking to chat). */
  'SCOPE_DENIED',
  /** No copy-on-write lab can be opened here (no overlay, no copy), or the lab's mount failed. */
  'LAB_UNAVAILABLE',
  /** The lab's workspace is itself a symlink: open the lab over its real path. */
  'LAB_WORKSPACE_SYMLINK',
  /** The lab's workspace holds files the sandbox user cannot read. */
  'LAB_UNREADABLE',
  /** The lab's changes outgrew its size cap or the disk: nothing more is kept, nothing was applied. */
  'LAB_FULL',
  /** The lab's workspace no longer exists (or is no longer where it was): nothing can be applied. */
  'LAB_WORKSPACE_GONE',
  /** Files changed in the live workspace since the lab opened: applying them would overwrite that. */
  'LAB_CONFLICT',
  /** A change the lab refuses to apply: a symlink out of the workspace, a device, a FIFO, setuid. */
  'LAB_REFUSED',
  /** The lab was already applied or discarded. */
  'LAB_CLOSED',
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
