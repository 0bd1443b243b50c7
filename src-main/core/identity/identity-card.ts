import type { KeyObject } from 'node:crypto';
import { identityCardSchema, type IdentityCard } from '../protocol/entities.js';
import { canonicalJson } from './canonical-json.js';
import { fingerprint } from './fingerprint.js';
import { signBytes, verifySignature } from './signing.js';

export const DEFAULT_CARD_NAME = 'Cell 0';

/** Builds the public card of a key and signs it with that same key. */
export function issueCard(
  key: { publicKey: string; privateKey: KeyObject; createdAt: number },
  options: { name?: string; issuedAt?: number } = {},
): IdentityCard {
  const unsigned: Omit<IdentityCard, 'signature'> = {
    type: 'cell0.identity-card',
    version: 1,
    name: options.name ?? DEFAULT_CARD_NAME,
    publicKey: key.publicKey,
    fingerprint: fingerprint(key.publicKey),
    createdAt: key.createdAt,
    issuedAt: options.issuedAt ?? Date.now(),
  };
  return { ...unsigned, signature: signBytes(key.privateKey, canonicalJson(unsigned)) };
}

/**
 * Whether a card (untrusted input) is well formed, its fingerprint belongs to its key, and its key
 * signed it. The signature covers every field present except `signature`, so a field added after
 * signing fails too. It proves the card is self-consistent, not whose it is: compare the fingerprint.
 */
export function verifyCard(card: unknown): boolean {
  const parsed = identityCardSchema.safeParse(card);
  if (!parsed.success) return false;
  try {
    if (fingerprint(parsed.data.publicKey) !== parsed.data.fingerprint) return false;
    const { signature, ...unsigned } = card as Record<string, unknown>;
    return verifySignature(parsed.data.publicKey, canonicalJson(unsigned), String(signature));
  } catch {
    return false;
  }
}
