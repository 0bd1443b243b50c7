import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../base/atomic-file.js';
import { z } from 'zod';
import { canonicalJson } from '../../identity/canonical-json.js';
import { lazySchema } from '../../protocol/lazy-schema.js';

/**
 * Why a head file at all: every record is hashed, chained and signed, so editing, inserting or
 * reordering records breaks the chain — but deleting the LAST records leaves a shorter chain that
 * is perfectly valid. Only something outside the table can tell "ends at 40" from "ended at 42".
 * The schema is fixed (no migration for this), and a row in the same database would vanish in
 * the same `DELETE`, so the signed head lives beside the database in the data directory, rewritten
 * atomically after every append. Removing records now also means editing a file whose signature
 * needs the keychain's private key; deleting the file is noticed too (records but no head).
 * What it cannot catch: the tail removed AND an older copy of the head file put back. That needs
 * an anchor off this machine (the mesh, later).
 */
export const AUDIT_HEAD_FILE = 'audit-head.json';

export const auditHeadSchema = lazySchema(() =>
  z.object({
    seq: z.number().int().nonnegative(),
    hash: z.string(),
    /** Ed25519 (base64url) over `headPayload(seq, hash)`, not over the bare hash: see there. */
    signature: z.string(),
    publicKey: z.string(),
  }),
);

export type AuditHead = z.infer<typeof auditHeadSchema>;

/**
 * What a head's signature covers. Typed and carrying seq, so a record's own signature (over its
 * bare hash) can never pass for a head: otherwise truncating to record N and writing
 * {N, hash N, signature N} would forge one.
 */
export function headPayload(seq: number, hash: string): string {
  return canonicalJson({ type: 'cell0.audit-head', seq, hash });
}

export function headFileIn(dataDir: string): string {
  return join(dataDir, AUDIT_HEAD_FILE);
}

/**
 * The head file's content as untrusted input: null when there is no file, the parsed JSON
 * otherwise (a file that is not JSON comes back as its text, which then fails the schema).
 */
export async function readHeadFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Atomically: a crash or power cut leaves the old head or the new one, never a torn file (which
 * verification would have to report as tampering).
 */
export async function writeHeadFile(file: string, head: AuditHead): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(head)}\n`);
}
