import { createHash } from 'node:crypto';
import { canonicalJson } from '../../identity/canonical-json.js';
import type { AuditKind, AuditRecord } from '../../protocol/kernel-entities.js';

/** What the first record links to: there is no record 0. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields a record's hash covers: everything but the hash itself and its signature. */
export type AuditRecordBody = Omit<AuditRecord, 'hash' | 'signature' | 'publicKey'>;

/** The columns of `audit_log` named as the record's fields, so rows come back as records. */
export const RECORD_COLUMNS =
  'seq, time, actor, kind, tool, args_digest AS argsDigest, outcome, conversation_id AS conversationId, ' +
  'prev_hash AS prevHash, hash, signature, public_key AS publicKey';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The digest of a call's arguments: a record proves what ran (anyone holding the arguments can
 * check them against it) without keeping commands' secrets or files' contents in the log.
 */
export function digestArgs(args: unknown): string | null {
  return args === undefined ? null : sha256Hex(canonicalJson(args));
}

/** Lists every field by name, so a field added to the schema later is not silently left unhashed. */
export function hashRecord(body: AuditRecordBody): string {
  const { seq, time, actor, kind, tool, argsDigest, outcome, conversationId, prevHash } = body;
  return sha256Hex(
    canonicalJson({ seq, time, actor, kind, tool, argsDigest, outcome, conversationId, prevHash }),
  );
}

/** What `AuditLog.append` takes: the record's content; the log adds seq, time and the chain. */
export interface AuditEntry {
  actor: string;
  kind: AuditKind;
  tool?: string | null;
  /** Hashed, never stored. */
  args?: unknown;
  outcome: string;
  conversationId?: string | null;
}

/** The unsigned next record after `previous` (null for the first). */
export function nextRecordBody(
  entry: AuditEntry,
  previous: { seq: number; hash: string } | null,
  time: number,
): AuditRecordBody {
  return {
    seq: (previous?.seq ?? 0) + 1,
    time,
    actor: entry.actor,
    kind: entry.kind,
    tool: entry.tool ?? null,
    argsDigest: digestArgs(entry.args),
    outcome: entry.outcome,
    conversationId: entry.conversationId ?? null,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
}
