import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprint, shortFingerprint } from '../core/identity/fingerprint.js';
import { headFileIn } from '../core/kernel/audit/audit-head.js';
import { openReadOnly, type ReadOnlyDatabase } from '../core/kernel/audit/read-only-database.js';
import { readTrustedKeys, verifyStoredLog } from '../core/kernel/audit/stored-log.js';
import { defaultDataDir } from '../core/base/paths.js';
import type { AuditVerification } from '../core/protocol/kernel-entities.js';
import { DATABASE_FILE } from '../core/storage/storage-service.js';

const USAGE = `Usage: cell0 audit verify

Checks the audit log of the data directory (CELL0_HOME, or the desktop app's): every record's hash,
its link to the one before, its signature and key, and the signed head. Reads only; needs no keychain.
Exit status: 0 intact, 1 broken, 2 usage error or no database.`;

function usageError(message: string): void {
  process.stderr.write(`cell0 audit: ${message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}

function keyLabel(publicKey: string | null): string {
  if (!publicKey) return 'no identity key yet';
  try {
    return `key ${shortFingerprint(fingerprint(publicKey))}`;
  } catch {
    return 'key unreadable';
  }
}

/** `cell0 audit …`. Sets process.exitCode rather than exiting, so output is flushed and tests can call it. */
export async function auditCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (sub !== 'verify') return usageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
  if (rest.length > 0) return usageError(`unexpected argument "${rest[0]}"`);

  const dataDir = defaultDataDir();
  const file = join(dataDir, DATABASE_FILE);
  try {
    await access(file);
  } catch {
    process.stderr.write(
      `cell0 audit: no Cell 0 database in ${dataDir} (set CELL0_HOME to the data directory)\n`,
    );
    process.exitCode = 2;
    return;
  }

  const db = await openReadOnly(file);
  try {
    const checked = await check(db, dataDir);
    if (!checked) {
      process.stderr.write(
        `cell0 audit: the database in ${dataDir} predates the audit log; start Cell 0 once to upgrade it\n`,
      );
      process.exitCode = 2;
    } else if (checked.result.ok) {
      process.stdout.write(
        `Audit log OK: ${checked.result.count} records, chain and signatures verify (${keyLabel(checked.currentKey)})\n`,
      );
      process.exitCode = 0;
    } else {
      const { firstBadSeq, reason } = checked.result;
      process.stdout.write(
        `Audit log BROKEN${firstBadSeq === null ? '' : ` at record ${firstBadSeq}`}: ${reason}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
}

/** Null when the database has no audit log yet (written by a build from before it). */
async function check(
  db: ReadOnlyDatabase,
  dataDir: string,
): Promise<{ result: AuditVerification; currentKey: string | null } | null> {
  try {
    const keys = await readTrustedKeys(db);
    const result = await verifyStoredLog(db, headFileIn(dataDir));
    return { result, currentKey: keys.ok ? keys.current : null };
  } catch (err) {
    if (/no such table/.test(String(err))) return null;
    throw err;
  }
}
