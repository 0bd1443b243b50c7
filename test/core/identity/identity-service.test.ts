import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src-main/core/base/event-bus.js';
import { identityHandlers } from '../../../src-main/core/identity/identity-handlers.js';
import {
  IdentityService,
  keychainAccountFor,
  verifyCard,
  verifyRotation,
  verifyRotationChain,
  verifySignature,
} from '../../../src-main/core/identity/identity-service.js';
import { Keychain } from '../../../src-main/core/identity/keychain.js';
import { exportPrivateKey, generateKeyPair } from '../../../src-main/core/identity/signing.js';
import { createLogger } from '../../../src-main/core/base/logger.js';
import type { Identity, IdentityState } from '../../../src-main/core/protocol/entities.js';
import { Cell0Error } from '../../../src-main/core/protocol/errors.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import { methods } from '../../../src-main/core/protocol/methods.js';
import type { ConnectionContext } from '../../../src-main/core/protocol/router.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';
import { tempDir, testKeychainService } from '../../helpers/core.js';

/** A real keychain that can be locked and records which accounts it was asked to write and delete. */
class TestKeychain extends Keychain {
  locked = false;
  readonly written: string[] = [];
  readonly deleted: string[] = [];

  override async get(account: string): Promise<string | null> {
    this.guard();
    return super.get(account);
  }

  override async set(account: string, secret: string): Promise<void> {
    this.guard();
    this.written.push(account);
    return super.set(account, secret);
  }

  override async delete(account: string): Promise<boolean> {
    this.guard();
    this.deleted.push(account);
    return super.delete(account);
  }

  private guard(): void {
    if (this.locked) throw new Cell0Error('KEYCHAIN_UNAVAILABLE', 'The system keychain is locked (test).');
  }
}

interface Opened {
  identity: IdentityService;
  storage: StorageService;
  keychain: TestKeychain;
  events: EventFrame[];
  logs: string[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{
  dataDir: string;
  service: string;
  open: (keychain?: TestKeychain) => Promise<Opened>;
}> {
  const dir = await tempDir();
  const service = testKeychainService();
  const written = new Set<string>();
  cleanups.push(async () => {
    const keychain = new Keychain(service);
    for (const account of written) await keychain.delete(account);
    await dir.remove();
  });
  const open = async (keychain = new TestKeychain(service)): Promise<Opened> => {
    const storage = new StorageService(dir.path);
    await storage.start();
    const bus = new EventBus();
    const events: EventFrame[] = [];
    bus.subscribe((frame) => events.push(frame));
    const logs: string[] = [];
    const identity = new IdentityService({
      keychain,
      db: storage.db,
      bus,
      logger: createLogger((line) => logs.push(line)),
    });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await identity.stop();
      await storage.stop();
      for (const account of keychain.written) written.add(account);
    };
    cleanups.push(close);
    await identity.start();
    return { identity, storage, keychain, events, logs, close };
  };
  return { dataDir: dir.path, service, open };
}

function ready(state: IdentityState): Identity {
  if (state.status !== 'ready') throw new Error(`expected a ready identity, got ${JSON.stringify(state)}`);
  return state.identity;
}

function keyRows(storage: StorageService) {
  return storage.db.all<{ public_key: string; keychain_account: string; retired_at: number | null }>(
    'SELECT public_key, keychain_account, retired_at FROM identity_keys ORDER BY created_at, retired_at IS NULL',
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every form a private key could take on its way to a file: DER, the raw seed, and their text encodings. */
function privateKeyForms(pkcs8Base64: string): Buffer[] {
  const der = Buffer.from(pkcs8Base64, 'base64');
  const seed = der.subarray(der.length - 32);
  expect(der.length).toBe(48);
  return [
    der,
    seed,
    ...[der, seed].flatMap((b) =>
      ['base64', 'base64url', 'hex'].map((enc) => Buffer.from(b.toString(enc as BufferEncoding))),
    ),
  ];
}

const ctx: ConnectionContext = { authenticated: true, peer: 'test' };

describe('IdentityService (real Secret Service)', () => {
  it('keeps the same key and fingerprint across a restart', async () => {
    const { open } = await setup();
    const first = await open();
    const before = ready(first.identity.state());
    expect(before.rotations).toBe(0);
    expect(before.shortFingerprint).toBe(before.fingerprint.split(' ').slice(0, 2).join(' '));
    expect(first.events.map((e) => e.event)).toEqual(['identity.updated']);
    await first.close();

    const second = await open();
    expect(ready(second.identity.state())).toEqual(before);
    expect(second.keychain.written).toEqual([]);
    expect(await keyRows(second.storage)).toHaveLength(1);
  });

  it('signs so that verifySignature accepts it with this key only', async () => {
    const { open } = await setup();
    const { identity } = await open();
    const { publicKey } = ready(identity.state());
    const signature = await identity.sign('audit record');
    expect(verifySignature(publicKey, 'audit record', signature)).toBe(true);
    expect(verifySignature(publicKey, 'audit record!', signature)).toBe(false);
    expect(verifySignature(generateKeyPair().publicKey, 'audit record', signature)).toBe(false);
  });

  it('exports a card that verifies, and that fails once tampered with', async () => {
    const { open } = await setup();
    const { identity } = await open();
    const me = ready(identity.state());
    const card = await identity.exportCard('Laptop');
    expect(card).toMatchObject({
      type: 'cell0.identity-card',
      version: 1,
      name: 'Laptop',
      publicKey: me.publicKey,
      fingerprint: me.fingerprint,
      createdAt: me.createdAt,
    });
    expect(verifyCard(card)).toBe(true);
    expect((await identity.exportCard()).name).toBe('Cell 0');
    expect(verifyCard({ ...card, name: 'Someone else' })).toBe(false);
    expect(verifyCard({ ...card, publicKey: generateKeyPair().publicKey })).toBe(false);
  });

  it('rotates to a new key linked to the old one, and keeps it after a restart', async () => {
    const { open, service } = await setup();
    const first = await open();
    const old = ready(first.identity.state());
    const oldAccount = keychainAccountFor(old.publicKey);
    const events = first.events.length;

    const { state, rotation } = await first.identity.rotate();
    const now = ready(state);
    expect(now.publicKey).not.toBe(old.publicKey);
    expect(now.fingerprint).not.toBe(old.fingerprint);
    expect(now.rotations).toBe(1);
    expect(first.identity.state()).toEqual(state);
    expect(first.events.slice(events)).toEqual([
      expect.objectContaining({ event: 'identity.updated', payload: { state } }),
    ]);

    expect(rotation).toMatchObject({ previousPublicKey: old.publicKey, nextPublicKey: now.publicKey });
    expect(verifyRotation(rotation)).toBe(true);
    expect(verifyRotationChain([rotation], old.publicKey)).toBe(true);
    expect(await first.identity.rotationChain()).toEqual([rotation]);

    const rows = await keyRows(first.storage);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.public_key === old.publicKey)?.retired_at).toBe(rotation.rotatedAt);
    expect(rows.find((r) => r.public_key === now.publicKey)?.retired_at).toBeNull();

    const keychain = new Keychain(service);
    expect(await keychain.get(oldAccount)).toBeNull();
    expect(await keychain.get(keychainAccountFor(now.publicKey))).not.toBeNull();

    const signature = await first.identity.sign('after rotation');
    expect(verifySignature(now.publicKey, 'after rotation', signature)).toBe(true);
    expect(verifySignature(old.publicKey, 'after rotation', signature)).toBe(false);

    const again = await first.identity.rotate();
    const chain = await first.identity.rotationChain();
    expect(chain).toEqual([rotation, again.rotation]);
    expect(verifyRotationChain(chain, old.publicKey)).toBe(true);
    await first.close();

    const second = await open();
    expect(ready(second.identity.state())).toEqual(ready(again.state));
    expect(ready(second.identity.state()).rotations).toBe(2);
    expect(verifySignature(ready(again.state).publicKey, 'x', await second.identity.sign('x'))).toBe(true);
  });

  it('keeps the instance’s creation date through rotations, and gives the last rotation its own', async () => {
    const { open } = await setup();
    const first = await open();
    expect(ready(first.identity.state()).rotatedAt).toBeNull();
    // Made a year ago, so a rotation today cannot share its date by accident.
    const madeAt = Date.now() - 365 * 24 * 3600_000;
    await first.storage.db.run('UPDATE identity_keys SET created_at = ?', [madeAt]);
    await first.close();

    const second = await open();
    expect(ready(second.identity.state()).createdAt).toBe(madeAt);
    const { state, rotation } = await second.identity.rotate();
    expect(ready(state)).toMatchObject({ createdAt: madeAt, rotatedAt: rotation.rotatedAt, rotations: 1 });
    expect(rotation.rotatedAt).toBeGreaterThan(madeAt);
    expect((await second.identity.exportCard()).createdAt).toBe(madeAt);
    const again = await second.identity.rotate();
    await second.close();

    const third = await open();
    expect(ready(third.identity.state())).toMatchObject({
      createdAt: madeAt,
      rotatedAt: again.rotation.rotatedAt,
      rotations: 2,
    });
  });

  it('leaves the current key untouched when a rotation cannot be saved', async () => {
    const { open, service } = await setup();
    const { identity, storage, keychain } = await open();
    const before = ready(identity.state());

    keychain.locked = true;
    await expect(identity.rotate()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    keychain.locked = false;
    expect(ready(identity.state())).toEqual(before);

    // A database failure mid-transaction: nothing is committed and the new secret is taken back.
    await storage.db.exec('DROP TABLE identity_rotations');
    const writes = keychain.written.length;
    await expect(identity.rotate()).rejects.toThrow(/identity_rotations/);
    const orphan = keychain.written[writes];
    expect(orphan).toBeDefined();
    expect(keychain.deleted).toContain(orphan);
    expect(await new Keychain(service).get(orphan!)).toBeNull();
    expect(await keyRows(storage)).toEqual([
      {
        public_key: before.publicKey,
        keychain_account: keychainAccountFor(before.publicKey),
        retired_at: null,
      },
    ]);
    expect(ready(identity.state())).toEqual(before);
    expect(verifySignature(before.publicKey, 'y', await identity.sign('y'))).toBe(true);
  });

  it('reports a missing private key instead of making a new identity', async () => {
    const { open, service } = await setup();
    const first = await open();
    const me = ready(first.identity.state());
    await first.close();
    const account = keychainAccountFor(me.publicKey);
    const secret = await new Keychain(service).get(account);
    await new Keychain(service).delete(account);

    const second = await open();
    const state = second.identity.state();
    expect(state.status).toBe('unavailable');
    if (state.status !== 'unavailable') return;
    expect(state.error.code).toBe('IDENTITY_UNAVAILABLE');
    expect(state.error.message).toMatch(/private key is missing from the system keychain/);
    expect(state.error.message).toMatch(/will not make a new one/);
    expect(state.error.message).toContain(account);
    expect(await second.identity.refresh()).toEqual(state);
    // Only the lock probe was written (and removed again): no new private key.
    expect(second.keychain.written.every((a) => a === `${account}:probe`)).toBe(true);
    expect(await second.keychain.get(`${account}:probe`)).toBeNull();
    expect(await keyRows(second.storage)).toEqual([
      { public_key: me.publicKey, keychain_account: account, retired_at: null },
    ]);
    await expect(second.identity.sign('x')).rejects.toMatchObject({ code: 'IDENTITY_UNAVAILABLE' });

    // Restoring the entry brings the same identity back.
    await new Keychain(service).set(account, secret!);
    expect(ready(await second.identity.refresh())).toEqual(me);
  });

  it('refuses a keychain entry that holds another key, without quoting it', async () => {
    const { open, service } = await setup();
    const first = await open();
    const me = ready(first.identity.state());
    await first.close();
    const impostor = exportPrivateKey(generateKeyPair().privateKey);
    await new Keychain(service).set(keychainAccountFor(me.publicKey), impostor);

    const state = (await open()).identity.state();
    expect(state).toMatchObject({ status: 'unavailable', error: { code: 'IDENTITY_UNAVAILABLE' } });
    expect(JSON.stringify(state)).toMatch(/holds something else/);
    expect(JSON.stringify(state)).not.toContain(impostor);
  });

  it('waits out a locked keychain and announces the identity once it opens', async () => {
    const { open, service } = await setup();
    const keychain = new TestKeychain(service);
    keychain.locked = true;
    const { identity, storage, events, logs } = await open(keychain);
    expect(identity.state()).toEqual({
      status: 'unavailable',
      error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The system keychain is locked (test).' },
    });
    expect(await keyRows(storage)).toEqual([]);
    expect(logs.some((l) => l.includes('identity unavailable'))).toBe(true);

    const handlers = identityHandlers({ identity });
    await expect(handlers['identity.exportCard'](undefined, ctx)).rejects.toMatchObject({
      code: 'IDENTITY_UNAVAILABLE',
      message: 'The system keychain is locked (test).',
    });
    await expect(handlers['identity.rotate'](undefined, ctx)).rejects.toMatchObject({
      code: 'IDENTITY_UNAVAILABLE',
    });
    expect((await handlers['identity.get'](undefined, ctx)).status).toBe('unavailable');

    keychain.locked = false;
    const state = await handlers['identity.get'](undefined, ctx);
    expect(ready(state).rotations).toBe(0);
    expect(events.at(-1)).toMatchObject({ event: 'identity.updated', payload: { state } });
    const count = events.length;
    await handlers['identity.get'](undefined, ctx);
    expect(events).toHaveLength(count);
  });

  it('answers the protocol methods with results their schemas accept', async () => {
    const { open } = await setup();
    const { identity, events } = await open();
    const handlers = identityHandlers({ identity });
    const state = methods['identity.get'].result.parse(await handlers['identity.get'](undefined, ctx));
    const card = methods['identity.exportCard'].result.parse(
      await handlers['identity.exportCard']({ name: 'Desk' }, ctx),
    );
    expect(card.publicKey).toBe(ready(state).publicKey);
    expect(verifyCard(card)).toBe(true);
    const count = events.length;
    const rotated = methods['identity.rotate'].result.parse(
      await handlers['identity.rotate'](undefined, ctx),
    );
    expect(verifyRotation(rotated.rotation)).toBe(true);
    expect(events.slice(count).map((e) => e.event)).toEqual(['identity.updated']);
  });

  it('never writes a private key to the data directory, a log line or an event', async () => {
    const { open, dataDir, service } = await setup();
    const { identity, events, logs, close } = await open();
    const keychain = new Keychain(service);
    const before = ready(identity.state());
    const oldSecret = await keychain.get(keychainAccountFor(before.publicKey));
    await identity.sign('something to sign');
    await identity.exportCard();
    const after = ready((await identity.rotate()).state);
    await identity.sign('something else');
    const newSecret = await keychain.get(keychainAccountFor(after.publicKey));
    expect(oldSecret).not.toBeNull();
    expect(newSecret).not.toBeNull();
    const forms = [...privateKeyForms(oldSecret!), ...privateKeyForms(newSecret!)];

    const check = async () => {
      for (const file of await filesUnder(dataDir)) {
        const content = await readFile(file);
        for (const form of forms) expect(content.includes(form), file).toBe(false);
      }
    };
    // While the database is open the WAL holds the recent writes; after closing they are checkpointed.
    expect((await filesUnder(dataDir)).some((f) => f.endsWith('-wal'))).toBe(true);
    await check();
    const text = Buffer.from(JSON.stringify(events) + logs.join('\n'));
    for (const form of forms) expect(text.includes(form)).toBe(false);
    await close();
    await check();
  });

  it('keeps the app running when the keychain is missing, and stores nothing', async () => {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/identity-probe.ts', dir.path],
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } },
    );
    const result = JSON.parse(stdout) as {
      started: IdentityState;
      refreshed: IdentityState;
      signError: { code: string; message: string } | null;
      keyRows: number;
      events: EventFrame[];
      logs: string[];
    };
    expect(result.started).toEqual({
      status: 'unavailable',
      error: {
        code: 'KEYCHAIN_UNAVAILABLE',
        message: expect.stringMatching(/keychain is locked or not available/),
      },
    });
    expect(result.refreshed).toEqual(result.started);
    expect(result.signError).toMatchObject({ code: 'IDENTITY_UNAVAILABLE' });
    expect(result.keyRows).toBe(0);
    expect(result.events).toHaveLength(1);
    // A key pair was generated and refused by the keychain: no base64 blob of key size anywhere in the output.
    expect(stdout).not.toMatch(/[A-Za-z0-9+/_-]{40,}/);
  });
});
