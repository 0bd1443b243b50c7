import type { AuditRecord, AuditVerification } from '../../protocol/kernel-entities.js';
import type { SqlValue } from '../../storage/database.js';
import { readHeadFile } from './audit-head.js';
import { RECORD_COLUMNS } from './audit-record.js';
import { trustedKeys, type InstanceKey, type TrustedKeys } from './trusted-keys.js';
import { verifyChain } from './verify-chain.js';

/** All verification reads: the app's Database and the CLI's read-only handle both provide it. */
export interface SqlReader {
  all<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

const PAGE = 2000;

/** Every record in seq order, read a page at a time: large logs never sit in memory whole. */
export async function* readRecords(db: SqlReader): AsyncGenerator<AuditRecord> {
  let after = 0;
  for (;;) {
    const page = await db.all<AuditRecord>(
      `SELECT ${RECORD_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
      [after, PAGE],
    );
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.seq;
  }
}

/** This instance's keys (identity_keys) and which of them the rotation chain vouches for. */
export async function readTrustedKeys(db: SqlReader): Promise<TrustedKeys> {
  const rows = await db.all<InstanceKey>(
    'SELECT public_key AS publicKey, retired_at AS retiredAt FROM identity_keys ORDER BY created_at',
  );
  const stored = await db.all<{ record: string }>('SELECT record FROM identity_rotations ORDER BY seq');
  let rotations: unknown[];
  try {
    rotations = stored.map((r) => JSON.parse(r.record) as unknown);
  } catch {
    return { ok: false, reason: "this instance's key rotation chain is unreadable" };
  }
  return trustedKeys(rows, rotations);
}

/**
 * Verifies the log as stored. The head is read first: it is written after its record commits, so
 * records read afterwards always reach it, even while another process appends.
 */
export async function verifyStoredLog(db: SqlReader, headFile: string): Promise<AuditVerification> {
  const head = await readHeadFile(headFile);
  const keys = await readTrustedKeys(db);
  if (!keys.ok) return { ok: false, count: await countRecords(db), firstBadSeq: null, reason: keys.reason };
  return verifyChain(readRecords(db), keys.keys, head);
}

export async function countRecords(db: SqlReader): Promise<number> {
  const [row] = await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log');
  return row?.n ?? 0;
}
