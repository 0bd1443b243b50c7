import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '../identity/canonical-json.js';

/**
 * The short authentication string both screens show while two instances pair. It hashes both
 * public keys and a nonce from each side; the side that starts commits to its nonce before it sees
 * the other's, so no one in the middle can search for keys that give the same six digits (the
 * scheme of Bluetooth's numeric comparison and ZRTP). One in a million per attempt, and an attempt
 * needs the owner's confirmation on both screens.
 */

export const CODE_DIGITS = 6;

export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

export function commitment(nonce: string): string {
  return createHash('sha256').update(`cell0.mesh.commit.v1:${nonce}`).digest('base64url');
}

/** What both sides agreed on: the hash their confirmations sign. */
export function transcript(p: {
  initiatorKey: string;
  responderKey: string;
  initiatorNonce: string;
  responderNonce: string;
}): string {
  return createHash('sha256')
    .update(canonicalJson({ purpose: 'cell0.mesh.pairing.v1', ...p }))
    .digest('base64url');
}

/** Six digits from the transcript, grouped "123 456" for reading aloud. */
export function shortCode(transcriptHash: string): string {
  const digest = createHash('sha256').update(`cell0.mesh.sas.v1:${transcriptHash}`).digest();
  const n = digest.readBigUInt64BE(0) % 10n ** BigInt(CODE_DIGITS);
  const digits = n.toString().padStart(CODE_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** What the owner typed, without the spaces, dashes or dots people put in codes. */
export function normaliseCode(typed: string): string {
  return typed.replace(/[\s.\-_]/g, '');
}

export function codesMatch(typed: string, code: string): boolean {
  return normaliseCode(typed) === normaliseCode(code);
}
