import { verifyRotationChain } from '../../identity/key-rotation.js';
import type { KeyRotation } from '../../protocol/entities.js';

/** One row of identity_keys, as far as verification cares. Rotation records arrive unchecked. */
export interface InstanceKey {
  publicKey: string;
  retiredAt: number | null;
}

export type TrustedKeys =
  { ok: true; keys: string[]; current: string | null } | { ok: false; reason: string };

/**
 * The keys whose signatures count as this instance's: the current key and every key it succeeds
 * through the signed rotation chain. A row in identity_keys is not enough on its own — an edit
 * could add one — so a retired key counts only if a rotation record signed by both keys links it.
 */
export function trustedKeys(rows: readonly InstanceKey[], rotations: readonly unknown[]): TrustedKeys {
  const stored = new Set(rows.map((r) => r.publicKey));
  const current = rows.find((r) => r.retiredAt === null)?.publicKey ?? null;
  if (rotations.length === 0) return { ok: true, keys: current ? [current] : [], current };
  if (!verifyRotationChain(rotations)) {
    return {
      ok: false,
      reason: "this instance's key rotation chain does not verify, so none of its keys can be trusted",
    };
  }
  const links = rotations as readonly KeyRotation[];
  const chain = [links[0]!.previousPublicKey, ...links.map((r) => r.nextPublicKey)];
  return { ok: true, keys: chain.filter((k) => stored.has(k)), current };
}
