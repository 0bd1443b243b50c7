/** Peer ids and identity keys, both ways; the runtime's side (libp2p's PeerId), see key-peer-id.ts for the other. */
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';

export { peerIdOfKey } from './key-peer-id.js';

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
