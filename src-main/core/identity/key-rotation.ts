import type { KeyObject } from 'node:crypto';
import { keyRotationSchema, type KeyRotation } from '../protocol/entities.js';
import { canonicalJson } from './canonical-json.js';
import { signBytes, verifySignature } from './signing.js';

/**
 * Links the previous key to the next: the previous key's signature says "my successor is this key",
 * the next key's countersignature proves the successor holds its private half (no one can name a
 * key they do not own as their successor).
 */
export function signRotation(
  previous: { publicKey: string; privateKey: KeyObject },
  next: { publicKey: string; privateKey: KeyObject },
  rotatedAt: number,
): KeyRotation {
  const unsigned = {
    type: 'cell0.key-rotation' as const,
    version: 1 as const,
    previousPublicKey: previous.publicKey,
    nextPublicKey: next.publicKey,
    rotatedAt,
  };
  const payload = canonicalJson(unsigned);
  return {
    ...unsigned,
    previousSignature: signBytes(previous.privateKey, payload),
    nextSignature: signBytes(next.privateKey, payload),
  };
}

/** Whether a rotation record (untrusted input) is well formed and signed by both keys it names. */
export function verifyRotation(record: unknown): boolean {
  const parsed = keyRotationSchema.safeParse(record);
  if (!parsed.success) return false;
  const { previousPublicKey, nextPublicKey } = parsed.data;
  if (previousPublicKey === nextPublicKey) return false;
  try {
    // Every field present but the two signatures is covered, so a field added afterwards fails.
    const { previousSignature, nextSignature, ...unsigned } = record as Record<string, unknown>;
    const payload = canonicalJson(unsigned);
    return (
      verifySignature(previousPublicKey, payload, String(previousSignature)) &&
      verifySignature(nextPublicKey, payload, String(nextSignature))
    );
  } catch {
    return false;
  }
}

/**
 * Whether records, oldest first, form one unbroken chain: each verifies and hands over to the key
 * the next one starts from (and the first starts from `firstPublicKey`, when given). An empty chain
 * is valid: the first key is still the current one.
 */
export function verifyRotationChain(records: readonly unknown[], firstPublicKey?: string): boolean {
  let expected = firstPublicKey;
  for (const record of records) {
    if (!verifyRotation(record)) return false;
    const { previousPublicKey, nextPublicKey } = record as KeyRotation;
    if (expected !== undefined && previousPublicKey !== expected) return false;
    expected = nextPublicKey;
  }
  return true;
}
