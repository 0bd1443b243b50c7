import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * Ed25519 through node:crypto, nothing else. Public keys travel as the raw 32 bytes in unpadded
 * base64url; private keys leave memory only as PKCS8 DER (base64) on their way into the keychain.
 */

export interface IdentityKeyPair {
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
  privateKey: KeyObject;
}

const PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

export function generateKeyPair(): IdentityKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: publicKeyOf(privateKey), privateKey };
}

/** The raw public half of a private key, base64url (the JWK `x` is exactly that). */
export function publicKeyOf(privateKey: KeyObject): string {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('Not an Ed25519 key.');
  return x;
}

/** The form the keychain holds. Callers hand it to the keychain and nowhere else. */
export function exportPrivateKey(privateKey: KeyObject): string {
  return privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

/** Throws a TypeError that says nothing about the secret when it is not an Ed25519 PKCS8 key. */
export function importPrivateKey(secret: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(secret, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new TypeError('The stored secret is not a private key.');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('The stored secret is not an Ed25519 key.');
  return key;
}

function decodeBase64url(text: string, bytes: number): Buffer | null {
  // Buffer.from skips characters it does not know; the round trip refuses those and non-canonical tails.
  const raw = Buffer.from(text, 'base64url');
  return raw.length === bytes && raw.toString('base64url') === text ? raw : null;
}

/** Throws when the text is not a canonical base64url Ed25519 public key. */
export function importPublicKey(publicKey: string): KeyObject {
  if (!decodeBase64url(publicKey, PUBLIC_KEY_BYTES)) {
    throw new TypeError('A public key is 32 bytes in unpadded base64url.');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Signs bytes (or a string as UTF-8); the 64-byte signature comes back as base64url. */
export function signBytes(privateKey: KeyObject, data: Uint8Array | string): string {
  return sign(null, toBytes(data), privateKey).toString('base64url');
}

/**
 * Whether `signature` (base64url) is the Ed25519 signature of `data` by `publicKey` (raw, base64url).
 * Pure, and total: a malformed key or signature is simply not a valid signature, so it returns false
 * rather than throwing — the audit log and the mesh check untrusted input with it.
 */
export function verifySignature(publicKey: string, data: Uint8Array | string, signature: string): boolean {
  try {
    if (typeof signature !== 'string') return false;
    const sig = decodeBase64url(signature, SIGNATURE_BYTES);
    if (!sig) return false;
    return verify(null, toBytes(data), importPublicKey(publicKey), sig);
  } catch {
    return false;
  }
}
