import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../../src-main/core/base/event-bus.js';
import { PermissionEngine } from '../../../../src-main/core/kernel/permissions/permission-engine.js';
import { StorageService } from '../../../../src-main/core/storage/storage-service.js';
import { tempDir } from '../../../helpers/core.js';
import { watchStatements } from '../../../helpers/sqlite-statements.js';
import { FakeAudit, FakeIdentity, insertRule, signerOf } from './engine-fixtures.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Storage and the permission engine as the app runs them, and a restart of both. */
async function app() {
  const dir = await tempDir('cell0-rules-');
  cleanups.push(() => dir.remove());
  const identity = new FakeIdentity();
  const boot = async () => {
    const storage = new StorageService(dir.path);
    await storage.start();
    const engine = new PermissionEngine({
      db: storage.db,
      identity,
      bus: new EventBus(),
      audit: new FakeAudit(),
    });
    await engine.start();
    const stop = async () => {
      await engine.stop();
      await storage.stop();
    };
    return { storage, engine, stop };
  };
  let running = await boot();
  cleanups.push(() => running.stop());
  return {
    identity,
    get running() {
      return running;
    },
    async restart() {
      await running.stop();
      running = await boot();
    },
  };
}

describe('permission rules in storage', () => {
  it('a rule revoked while another transaction runs (and rolls back) stays revoked after a restart', async () => {
    const a = await app();
    await insertRule(
      a.running.storage,
      { id: 'rule-1', tool: 'shell', pattern: 'date *', decision: 'allow' },
      signerOf(a.identity),
    );
    await a.restart();
    expect(a.running.engine.rules().map((r) => r.id)).toEqual(['rule-1']);

    const { storage, engine } = a.running;
    const watch = watchStatements(/^DELETE FROM permission_rules/);
    cleanups.push(() => watch.restore());
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const other = storage.db.transaction(async () => {
      await storage.db.run(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('other', 't', 1, 1)",
      );
      entered();
      await released;
      throw new Error('the other caller failed');
    });
    await inside;

    const revoked = engine.revoke('rule-1');
    // A delete that went straight to the connection sits inside the open transaction: let it
    // finish there, so the rollback meets it, before the other caller fails.
    if (watch.reached > 0) await watch.finished();
    release();
    await expect(other).rejects.toThrow('the other caller failed');
    await revoked;
    expect(engine.rules()).toEqual([]);

    await a.restart();
    expect(a.running.engine.rules()).toEqual([]);
    expect(await a.running.storage.db.all('SELECT id FROM permission_rules')).toEqual([]);
    expect(await a.running.storage.db.all('SELECT id FROM conversations')).toEqual([]);
  });
});
