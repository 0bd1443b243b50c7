import type { KeyRotation } from '../protocol/entities.js';
import type { Database } from '../storage/database.js';

/** Public metadata of one key; its private half is in the keychain under `keychainAccount`. */
export interface KeyRecord {
  publicKey: string;
  keychainAccount: string;
  createdAt: number;
}

interface KeyRow {
  public_key: string;
  keychain_account: string;
  created_at: number;
}

/** The identity tables: public keys and the signed rotation chain. Never a private key. */
export class IdentityStore {
  constructor(private readonly db: Database) {}

  /** The key that is not retired; the unique partial index allows at most one. */
  async current(): Promise<KeyRecord | undefined> {
    const row = await this.db.get<KeyRow>(
      'SELECT public_key, keychain_account, created_at FROM identity_keys WHERE retired_at IS NULL',
    );
    return (
      row && { publicKey: row.public_key, keychainAccount: row.keychain_account, createdAt: row.created_at }
    );
  }

  /** When the first key was made: the instance's birth, which retired keys keep on record. */
  async instanceCreatedAt(): Promise<number | null> {
    const row = await this.db.get<{ t: number | null }>('SELECT MIN(created_at) AS t FROM identity_keys');
    return row?.t ?? null;
  }

  /** How many rotations there were, and when the last one was (null when none). */
  async rotationSummary(): Promise<{ count: number; lastAt: number | null }> {
    const row = await this.db.get<{ n: number; last: number | null }>(
      'SELECT COUNT(*) AS n, MAX(created_at) AS last FROM identity_rotations',
    );
    return { count: row?.n ?? 0, lastAt: row?.last ?? null };
  }

  /** Rotation records, oldest first. */
  async rotations(): Promise<KeyRotation[]> {
    const rows = await this.db.all<{ record: string }>('SELECT record FROM identity_rotations ORDER BY seq');
    return rows.map((r) => JSON.parse(r.record) as KeyRotation);
  }

  /** Fails on the unique index when another process made the first key meanwhile. */
  async insertFirst(key: KeyRecord): Promise<void> {
    await this.db.run(
      'INSERT INTO identity_keys (public_key, keychain_account, created_at) VALUES (?, ?, ?)',
      [key.publicKey, key.keychainAccount, key.createdAt],
    );
  }

  /** Retires the previous key, makes the next one current and appends the record, all or nothing. */
  async commitRotation(next: KeyRecord, rotation: KeyRotation): Promise<void> {
    await this.db.transaction(async () => {
      const retired = await this.db.run(
        'UPDATE identity_keys SET retired_at = ? WHERE public_key = ? AND retired_at IS NULL',
        [rotation.rotatedAt, rotation.previousPublicKey],
      );
      if (retired.changes !== 1) {
        throw new Error('The identity key changed in another process while rotating; nothing was changed.');
      }
      await this.db.run(
        'INSERT INTO identity_keys (public_key, keychain_account, created_at) VALUES (?, ?, ?)',
        [next.publicKey, next.keychainAccount, next.createdAt],
      );
      await this.db.run('INSERT INTO identity_rotations (record, created_at) VALUES (?, ?)', [
        JSON.stringify(rotation),
        rotation.rotatedAt,
      ]);
    });
  }
}
