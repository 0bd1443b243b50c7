import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../../../src-main/core/base/event-bus.js';
import { IdentityService, keychainAccountFor } from '../../../../src-main/core/identity/identity-service.js';
import { Keychain } from '../../../../src-main/core/identity/keychain.js';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { AuditLog } from '../../../../src-main/core/kernel/audit/audit-log.js';
import type { EventFrame } from '../../../../src-main/core/protocol/frames.js';
import { Cell0Error } from '../../../../src-main/core/protocol/errors.js';
import { StorageService } from '../../../../src-main/core/storage/storage-service.js';

// As in test/helpers/core.ts, whose import would also load the whole core (app.ts): the audit log's
// tests should not depend on every other subsystem loading.
async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A unique keychain service per run, so tests never read or clobber the owner's secrets. */
function testKeychainService(): string {
  return `Cell 0 test ${randomUUID()}`;
}

/** The OS keychain as a locked one answers: every access refused. */
export class LockedKeychain extends Keychain {
  override async get(): Promise<string | null> {
    throw new Cell0Error('KEYCHAIN_UNAVAILABLE', 'The system keychain is locked (test).');
  }

  override async set(): Promise<void> {
    throw new Cell0Error('KEYCHAIN_UNAVAILABLE', 'The system keychain is locked (test).');
  }
}

export interface AuditFixture {
  dataDir: string;
  storage: StorageService;
  identity: IdentityService;
  audit: AuditLog;
  events: EventFrame[];
  /** Stops the services; the data directory stays until `remove`. */
  close(): Promise<void>;
  /** Closes, then removes the data directory and this run's keychain entries. */
  remove(): Promise<void>;
}

/** The real services the audit log runs on: SQLite in a temp directory, the identity in a real keychain. */
export async function openAuditFixture(options: { keychain?: Keychain } = {}): Promise<AuditFixture> {
  const dir = await tempDir('cell0-audit-');
  const keychain = options.keychain ?? new Keychain(testKeychainService());
  const storage = new StorageService(dir.path);
  await storage.start();
  const bus = new EventBus();
  const events: EventFrame[] = [];
  bus.subscribe((frame) => events.push(frame));
  const identity = new IdentityService({ keychain, db: storage.db, bus, logger: silentLogger });
  await identity.start();
  const audit = new AuditLog({ db: storage.db, identity, bus });
  await audit.start();
  let accounts: string[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    const rows = await storage.db.all<{ public_key: string }>('SELECT public_key FROM identity_keys');
    accounts = rows.map((r) => keychainAccountFor(r.public_key));
    await audit.stop();
    await identity.stop();
    await storage.stop();
  };
  return {
    dataDir: dir.path,
    storage,
    identity,
    audit,
    events,
    close,
    async remove() {
      await close();
      if (!(keychain instanceof LockedKeychain)) {
        for (const account of accounts) await keychain.delete(account);
      }
      await dir.remove();
    },
  };
}
