import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Ed25519PrivateKey } from '@libp2p/interface';
import { signBytes } from '../identity/signing.js';
import { peerIdOfKey } from './key-peer-id.js';

/**
 * The instance's identity key in the two forms the mesh needs while its node runs: libp2p's (the
 * peer id and Noise's static-key signature are this key) and node:crypto's (for signing messages).
 * Built from the seed the identity service hands over; the seed is zeroed once both exist.
 */
export class MeshKey {
  private constructor(
    readonly publicKey: string,
    readonly libp2pKey: Ed25519PrivateKey,
    private readonly signingKey: KeyObject,
  ) {}

  static async fromSeed(material: { publicKey: string; seed: Uint8Array }): Promise<MeshKey> {
    try {
      // libp2p's crypto loads with the node, not with the core.
      const { generateKeyPairFromSeed } = await import('@libp2p/crypto/keys');
      const libp2pKey = await generateKeyPairFromSeed('Ed25519', material.seed);
      const derived = Buffer.from(libp2pKey.publicKey.raw).toString('base64url');
      if (derived !== material.publicKey) throw new TypeError('The mesh key does not match the identity.');
      const signingKey = createPrivateKey({
        key: {
          kty: 'OKP',
          crv: 'Ed25519',
          x: material.publicKey,
          d: Buffer.from(material.seed).toString('base64url'),
        },
        format: 'jwk',
      });
      return new MeshKey(material.publicKey, libp2pKey, signingKey);
    } finally {
      material.seed.fill(0);
    }
  }

  /** The peer id of this key (the identity key, in libp2p's words). */
  get peerId(): string {
    return peerIdOfKey(this.publicKey);
  }

  sign(data: string): string {
    return signBytes(this.signingKey, data);
  }

  /** Once the node has stopped: libp2p's copy of the private key is overwritten (node:crypto's is dropped). */
  destroy(): void {
    this.libp2pKey.raw.fill(0);
  }
}
