import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../../src-main/core/base/event-bus.js';
import { IdentityService } from '../../../../src-main/core/identity/identity-service.js';
import { Keychain } from '../../../../src-main/core/identity/keychain.js';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { PermissionEngine } from '../../../../src-main/core/kernel/permissions/permission-engine.js';
import { StorageService } from '../../../../src-main/core/storage/storage-service.js';
import { tempDir, testKeychainService } from '../../../helpers/core.js';
import { FakeAudit, toolCall } from './engine-fixtures.js';

/** A keychain that remembers what it wrote, so the test leaves the Secret Service as it found it. */
class TrackedKeychain extends Keychain {
  readonly written = new Set<string>();

  override async set(account: string, secret: string): Promise<void> {
    this.written.add(account);
    return super.set(account, secret);
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('PermissionEngine with the real identity (Secret Service)', () => {
  it('signs allow-always with the instance key and keeps the rule valid across a key rotation', async () => {
    const dir = await tempDir('cell0-permissions-');
    const keychain = new TrackedKeychain(testKeychainService());
    const storage = new StorageService(dir.path);
    await storage.start();
    const bus = new EventBus();
    const identity = new IdentityService({ keychain, db: storage.db, bus, logger: silentLogger });
    cleanups.push(async () => {
      await identity.stop();
      await storage.stop();
      for (const account of keychain.written) await keychain.delete(account);
      await dir.remove();
    });
    await identity.start();
    const audit = new FakeAudit();
    let engine = new PermissionEngine({ db: storage.db, identity, bus, audit });
    await engine.start();
    cleanups.push(() => engine.stop());

    const input = toolCall('shell', { command: 'cargo build --release' });
    const answer = engine.request(input, engine.assess(input, true), new AbortController().signal, {
      unsandboxed: false,
    });
    await engine.respond(engine.pending()[0]!.id, 'allow-always');
    expect(await answer).toBe('allow-always');
    expect(engine.rules()).toMatchObject([{ pattern: 'cargo build *', valid: true }]);

    await identity.rotate();
    await engine.stop();
    engine = new PermissionEngine({ db: storage.db, identity, bus, audit });
    await engine.start();
    expect(engine.rules()).toMatchObject([{ pattern: 'cargo build *', valid: true }]);
    expect(engine.assess(toolCall('shell', { command: 'cargo build' }), true).decision).toBe('allow');
  });
});
