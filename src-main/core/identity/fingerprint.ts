import { createHash } from 'node:crypto';

const GROUPS = 12;
const DIGITS_PER_GROUP = 5;

/**
 * SHA-256 of the raw 32-byte public key as 12 groups of 5 decimal digits, for reading aloud and
 * comparing (in the spirit of Signal's safety numbers). A 32-byte digest cannot supply twelve 5-byte
 * chunks, so the whole digest is read as one big-endian integer and its last 60 decimal digits are
 * shown: about 199 bits, and every bit of the digest influences them.
 *
 * Throws when the key is not a canonical base64url encoding of 32 bytes.
 */
export function fingerprint(publicKey: string): string {
  const raw = Buffer.from(publicKey, 'base64url');
  if (raw.length !== 32 || raw.toString('base64url') !== publicKey) {
    throw new TypeError('A public key is 32 bytes in unpadded base64url.');
  }
  const digest = createHash('sha256').update(raw).digest();
  const value = BigInt(`0x${digest.toString('hex')}`) % 10n ** BigInt(GROUPS * DIGITS_PER_GROUP);
  const digits = value.toString().padStart(GROUPS * DIGITS_PER_GROUP, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += DIGITS_PER_GROUP)
    groups.push(digits.slice(i, i + DIGITS_PER_GROUP));
  return groups.join(' ');
}

/** The first two groups: enough to tell instances apart in a status bar, not to authenticate one. */
export function shortFingerprint(fullFingerprint: string): string {
  return fullFingerprint.split(' ').slice(0, 2).join(' ');
}
