import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keychain } from '../../identity/keychain.js';
import { Cell0Error } from '../../protocol/errors.js';
import type { SessionStore } from './adapter.js';
import type { ChannelStore } from './channel-store.js';

export const sessionKeyAccount = (channelId: string) => `channel:${channelId}:session-key`;
export const tokenAccount = (channelId: string) => `channel:${channelId}:token`;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A channel's session (WhatsApp's credentials and Signal keys) in SQLite, each entry sealed with
 * AES-256-GCM under a key that lives only in the keychain. The entry's channel and name are the
 * associated data, so a row copied to another name or channel does not open.
 */
export class SessionVault implements SessionStore {
  private key: Buffer | null = null;

  constructor(
    private readonly channelId: string,
    private readonly store: ChannelStore,
    private readonly keychain: Keychain,
  ) {}

  private async sealKey(create: boolean): Promise<Buffer | null> {
    if (this.key) return this.key;
    const stored = await this.keychain.getExpected(sessionKeyAccount(this.channelId));
    if (stored) {
      this.key = Buffer.from(stored, 'base64');
    } else if (create) {
      const fresh = randomBytes(32);
      await this.keychain.set(sessionKeyAccount(this.channelId), fresh.toString('base64'));
      this.key = fresh;
    }
    return this.key;
  }

  private aad(name: string): Buffer {
    return Buffer.from(`${this.channelId}\0${name}`);
  }

  async read(name: string): Promise<string | null> {
    const sealed = await this.store.readSession(this.channelId, name);
    if (!sealed) return null;
    const key = await this.sealKey(false);
    if (!key) {
      throw new Cell0Error(
        'CHANNEL_NEEDS_LOGIN',
        'The key that opens this WhatsApp session is missing from the keychain. Link the account again.',
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(this.aad(name));
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (err) {
      throw new Cell0Error(
        'CHANNEL_NEEDS_LOGIN',
        'This WhatsApp session could not be opened with the key in the keychain. Link the account again.',
        { cause: err },
      );
    }
  }

  async write(name: string, value: string | null): Promise<void> {
    if (value === null) return this.store.writeSession(this.channelId, name, null);
    const key = (await this.sealKey(true))!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(this.aad(name));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    await this.store.writeSession(this.channelId, name, Buffer.concat([iv, cipher.getAuthTag(), body]));
  }

  async clear(): Promise<void> {
    await this.store.clearSession(this.channelId);
  }
}
