import { createRequire } from 'node:module';
import { Cell0Error } from '../protocol/errors.js';

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

export const DEFAULT_KEYCHAIN_SERVICE = 'Cell 0';

const requireNative = createRequire(import.meta.url);
let keytarModule: Keytar | undefined;

function loadKeytar(): Keytar {
  // Loaded on first use: a machine without libsecret still starts, and says so when a secret is needed.
  keytarModule ??= requireNative('keytar') as Keytar;
  return keytarModule;
}

function unavailable(cause: unknown): Cell0Error {
  return new Cell0Error(
    'KEYCHAIN_UNAVAILABLE',
    'The system keychain is locked or not available. Unlock it (or start your keyring service) and try again; Cell 0 never stores secrets in a file.',
    { cause },
  );
}

/**
 * The one module that touches secrets. Everything goes to the OS keychain (macOS Keychain,
 * Windows Credential Manager, Secret Service on Linux); there is no plaintext fallback, and
 * errors never carry the secret.
 */
export class Keychain {
  constructor(readonly service: string = DEFAULT_KEYCHAIN_SERVICE) {}

  async get(account: string): Promise<string | null> {
    try {
      return await loadKeytar().getPassword(this.service, account);
    } catch (err) {
      throw unavailable(err);
    }
  }

  /**
   * For a secret that should be there. A locked Secret Service answers a lookup with "nothing"
   * rather than an error, so an empty answer is checked with a harmless write: it fails on a
   * locked keychain, which is then reported as such instead of as a missing secret.
   */
  async getExpected(account: string): Promise<string | null> {
    const secret = await this.get(account);
    if (secret !== null) return secret;
    const probe = `${account}:probe`;
    await this.set(probe, 'probe');
    await this.delete(probe);
    return null;
  }

  async set(account: string, secret: string): Promise<void> {
    try {
      await loadKeytar().setPassword(this.service, account, secret);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async delete(account: string): Promise<boolean> {
    try {
      return await loadKeytar().deletePassword(this.service, account);
    } catch (err) {
      throw unavailable(err);
    }
  }
}
