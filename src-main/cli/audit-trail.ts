/**
 * The signed audit log for a command that runs beside (or without) the app on the same data
 * directory: storage, the instance key from the keychain, the log. Appends are safe across
 * processes (each reads the chain's head inside its own write transaction).
 */
import { EventBus } from '../core/base/event-bus.js';
import type { Logger } from '../core/base/logger.js';
import { IdentityService } from '../core/identity/identity-service.js';
import { Keychain } from '../core/identity/keychain.js';
import { AuditLog } from '../core/kernel/audit/audit-log.js';
import type { Database } from '../core/storage/database.js';
import { StorageService } from '../core/storage/storage-service.js';

export interface AuditTrail {
  db: Database;
  audit: AuditLog;
  close(): Promise<void>;
}

export async function openAuditTrail(dataDir: string, logger: Logger): Promise<AuditTrail> {
  const bus = new EventBus({ logger });
  const storage = new StorageService(dataDir);
  await storage.start();
  const identity = new IdentityService({
    keychain: new Keychain(process.env.CELL0_KEYCHAIN_SERVICE),
    db: storage.db,
    bus,
    logger,
  });
  await identity.start();
  const audit = new AuditLog({ db: storage.db, identity, bus });
  return {
    db: storage.db,
    audit,
    async close() {
      await audit.stop();
      await identity.stop();
      await storage.stop();
    },
  };
}
