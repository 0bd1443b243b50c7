import type { KeyObject } from 'node:crypto';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { IdentityCard, IdentityState, KeyRotation } from '../protocol/entities.js';
import { Cell0Error, isCell0Error } from '../protocol/errors.js';
import type { Database } from '../storage/database.js';
import { fingerprint, shortFingerprint } from './fingerprint.js';
import { issueCard } from './identity-card.js';
import { IdentityStore, type KeyRecord } from './identity-store.js';
import { signRotation } from './key-rotation.js';
import type { Keychain } from './keychain.js';
import { exportPrivateKey, generateKeyPair, importPrivateKey, publicKeyOf, signBytes } from './signing.js';

// The pure checks other subsystems (audit log, mesh) use, next to the service that makes what they check.
export { verifySignature } from './signing.js';
export { verifyCard } from './identity-card.js';
export { verifyRotation, verifyRotationChain } from './key-rotation.js';

export interface IdentityServiceDeps {
  keychain: Keychain;
  db: Database;
  bus: EventBus;
  logger: Logger;
}

interface LoadedKey extends KeyRecord {
  privateKey: KeyObject;
}

/** Where a key's private half lives in the keychain; 96 bits of the public key keep accounts apart. */
export function keychainAccountFor(publicKey: string): string {
  return `identity:${publicKey.slice(0, 16)}`;
}

const NOT_LOADED: IdentityState = {
  status: 'unavailable',
  error: { code: 'IDENTITY_UNAVAILABLE', message: 'The instance identity is not loaded yet.' },
};

/**
 * The instance's Ed25519 identity: one current key pair, its private half in the OS keychain (and in
 * memory once loaded), its public half and the signed rotation chain in SQLite. A locked or missing
 * keychain makes the identity unavailable, never the app: `refresh()` tries again.
 */
export class IdentityService {
  private readonly keychain: Keychain;
  private readonly store: IdentityStore;
  private readonly bus: EventBus;
  private readonly logger: Logger;
  private key: LoadedKey | null = null;
  private current: IdentityState = NOT_LOADED;
  // start, refresh, rotate and stop each read then write keychain and database: one at a time.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(deps: IdentityServiceDeps) {
    this.keychain = deps.keychain;
    this.store = new IdentityStore(deps.db);
    this.bus = deps.bus;
    this.logger = deps.logger;
  }

  /** Loads (or on first run creates) the identity. Resolves even when the keychain is unavailable. */
  start(): Promise<void> {
    return this.serial(() => this.load());
  }

  async stop(): Promise<void> {
    await this.serial(async () => {
      this.key = null;
      this.current = NOT_LOADED;
    });
  }

  state(): IdentityState {
    return this.current;
  }

  /** When unavailable, tries again (the owner may have unlocked the keychain since); returns the state. */
  refresh(): Promise<IdentityState> {
    return this.serial(async () => {
      if (this.current.status === 'unavailable') await this.load();
      return this.current;
    });
  }

  /**
   * Signs with the current key: bytes, or a string as UTF-8. Returns the signature in base64url;
   * check it with `verifySignature(publicKey, data, signature)`. Does not retry a locked keychain
   * (callers like the audit log sign often; asking the keychain each time could prompt each time).
   */
  async sign(data: Uint8Array | string): Promise<string> {
    return signBytes(this.requireKey().privateKey, data);
  }

  /**
   * The current key's raw 32-byte Ed25519 seed with its public half, for the mesh's libp2p node
   * (whose peer id is this key). Besides the keychain, the only way the private key leaves this
   * service: the mesh keeps it in memory while its node runs, writes it nowhere, and zeroes its copy.
   */
  meshKey(): { publicKey: string; seed: Uint8Array } {
    const key = this.requireKey();
    const { d } = key.privateKey.export({ format: 'jwk' });
    if (typeof d !== 'string')
      throw new Cell0Error('IDENTITY_UNAVAILABLE', 'The identity key cannot be read.');
    return { publicKey: key.publicKey, seed: Buffer.from(d, 'base64url') };
  }

  /** The public card, signed by the current key; `name` defaults to "Cell 0". */
  async exportCard(name?: string): Promise<IdentityCard> {
    const key = this.requireKey();
    // The card speaks for the instance, so it carries the instance's age, not the current key's.
    const createdAt = (await this.store.instanceCreatedAt()) ?? key.createdAt;
    return issueCard({ ...key, createdAt }, { name });
  }

  /** The signed rotation records, oldest first: proof that the current key succeeds the first one. */
  rotationChain(): Promise<KeyRotation[]> {
    return this.store.rotations();
  }

  /**
   * Replaces the key pair with a new one, linked to the old by a record both keys sign. The new
   * private key reaches the keychain before any row names it; the old one leaves only after commit.
   */
  rotate(): Promise<{ state: IdentityState; rotation: KeyRotation }> {
    return this.serial(async () => {
      const previous = this.requireKey();
      const pair = generateKeyPair();
      const rotatedAt = Date.now();
      const next: KeyRecord = {
        publicKey: pair.publicKey,
        keychainAccount: keychainAccountFor(pair.publicKey),
        createdAt: rotatedAt,
      };
      const rotation = signRotation(previous, pair, rotatedAt);
      await this.keychain.set(next.keychainAccount, exportPrivateKey(pair.privateKey));
      try {
        await this.store.commitRotation(next, rotation);
      } catch (err) {
        await this.forget(next.keychainAccount);
        throw err;
      }
      this.key = { ...next, privateKey: pair.privateKey };
      this.publish(await this.readyState(this.key));
      this.logger.info(`identity key rotated; new fingerprint starts ${this.shortOf(next.publicKey)}`);
      // Only after the commit: a crash before this line leaves an orphan secret, never a lost identity.
      await this.forget(previous.keychainAccount);
      return { state: this.current, rotation };
    });
  }

  private async load(): Promise<void> {
    try {
      const record = await this.store.current();
      this.key = record ? await this.unlock(record) : await this.createFirst();
      this.publish(await this.readyState(this.key));
      this.logger.info(`identity ready; fingerprint starts ${this.shortOf(this.key.publicKey)}`);
    } catch (err) {
      if (
        !isCell0Error(err) ||
        (err.code !== 'KEYCHAIN_UNAVAILABLE' && err.code !== 'IDENTITY_UNAVAILABLE')
      ) {
        throw err;
      }
      this.key = null;
      this.publish({ status: 'unavailable', error: err.toShape() });
      this.logger.warn(`identity unavailable: ${err.message}`);
    }
  }

  private async unlock(record: KeyRecord): Promise<LoadedKey> {
    const where = `keychain service "${this.keychain.service}", account "${record.keychainAccount}"`;
    const secret = await this.keychain.getExpected(record.keychainAccount);
    if (secret === null) {
      throw new Cell0Error(
        'IDENTITY_UNAVAILABLE',
        `This instance's private key is missing from the system keychain (${where}). Cell 0 will not make a new one on its own: a new key would make this a different instance to everything that knows it. Restore that keychain entry (for example from a keychain backup) and try again.`,
      );
    }
    let privateKey: KeyObject | null = null;
    try {
      privateKey = importPrivateKey(secret);
    } catch {
      // Reported below without the secret or the parser's words about it.
    }
    if (!privateKey || publicKeyOf(privateKey) !== record.publicKey) {
      throw new Cell0Error(
        'IDENTITY_UNAVAILABLE',
        `The system keychain entry for this instance's private key (${where}) holds something else. Cell 0 will not replace it on its own: a new key would make this a different instance. Restore the original entry and try again.`,
      );
    }
    return { ...record, privateKey };
  }

  private async createFirst(): Promise<LoadedKey> {
    const pair = generateKeyPair();
    const record: KeyRecord = {
      publicKey: pair.publicKey,
      keychainAccount: keychainAccountFor(pair.publicKey),
      createdAt: Date.now(),
    };
    // Keychain first: if it fails nothing is written, and no row ever names a secret that is not there.
    await this.keychain.set(record.keychainAccount, exportPrivateKey(pair.privateKey));
    try {
      await this.store.insertFirst(record);
    } catch (err) {
      await this.forget(record.keychainAccount);
      // The desktop app and `cell0 serve` share a data directory: the other may have won the race.
      const winner = await this.store.current();
      if (winner) return this.unlock(winner);
      throw err;
    }
    this.logger.info('created this instance identity');
    return { ...record, privateKey: pair.privateKey };
  }

  /** Best effort: a key that cannot be removed stays in the keychain unused, which is only untidy. */
  private async forget(account: string): Promise<void> {
    try {
      await this.keychain.delete(account);
    } catch (err) {
      this.logger.warn(
        `could not remove an unused identity key from the keychain (account "${account}")`,
        err,
      );
    }
  }

  private requireKey(): LoadedKey {
    if (this.key) return this.key;
    const reason = this.current.status === 'unavailable' ? this.current.error.message : '';
    throw new Cell0Error('IDENTITY_UNAVAILABLE', reason || 'The instance identity is not available.');
  }

  private async readyState(key: LoadedKey): Promise<IdentityState> {
    const full = fingerprint(key.publicKey);
    const [createdAt, rotations] = await Promise.all([
      this.store.instanceCreatedAt(),
      this.store.rotationSummary(),
    ]);
    return {
      status: 'ready',
      identity: {
        publicKey: key.publicKey,
        fingerprint: full,
        shortFingerprint: shortFingerprint(full),
        createdAt: createdAt ?? key.createdAt,
        rotations: rotations.count,
        rotatedAt: rotations.lastAt,
      },
    };
  }

  private shortOf(publicKey: string): string {
    return shortFingerprint(fingerprint(publicKey));
  }

  /** Clients hear about a change, not about every retry that changed nothing. */
  private publish(next: IdentityState): void {
    const changed = JSON.stringify(next) !== JSON.stringify(this.current);
    this.current = next;
    if (changed) this.bus.emit('identity.updated', { state: next });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
