import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { PeerId } from '@libp2p/interface';
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id';

/** The libp2p peer id of an identity key (raw Ed25519, base64url): the same key, in libp2p's words. */
export function peerIdOfKey(publicKey: string): string {
  return peerIdFromPublicKey(publicKeyFromRaw(Buffer.from(publicKey, 'base64url'))).toString();
}

/** The identity key inside an Ed25519 peer id; null for a peer id of another kind. */
export function keyOfPeer(peer: PeerId | string): string | null {
  try {
    const id = typeof peer === 'string' ? peerIdFromString(peer) : peer;
    if (id.type !== 'Ed25519' || !id.publicKey) return null;
    return Buffer.from(id.publicKey.raw).toString('base64url');
  } catch {
    return null;
  }
}
