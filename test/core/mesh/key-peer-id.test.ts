import { generateKeyPairSync } from 'node:crypto';
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { describe, expect, it } from 'vitest';
import { peerIdOfKey } from '../../../src-main/core/mesh/key-peer-id.js';
import { keyOfPeer } from '../../../src-main/core/mesh/peer-ids.js';

function identityKey(): string {
  return generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
}

describe('peerIdOfKey without libp2p', () => {
  it('gives the peer id libp2p gives, for many keys', () => {
    for (let i = 0; i < 200; i++) {
      const key = identityKey();
      const expected = peerIdFromPublicKey(publicKeyFromRaw(Buffer.from(key, 'base64url'))).toString();
      expect(peerIdOfKey(key)).toBe(expected);
      expect(keyOfPeer(expected)).toBe(key);
    }
  });

  it('holds for keys with leading zero bytes and all ones', () => {
    for (const raw of [
      Buffer.alloc(32, 0),
      Buffer.alloc(32, 0xff),
      Buffer.concat([Buffer.alloc(5), Buffer.alloc(27, 7)]),
    ]) {
      const key = raw.toString('base64url');
      expect(peerIdOfKey(key)).toBe(peerIdFromPublicKey(publicKeyFromRaw(raw)).toString());
    }
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => peerIdOfKey(Buffer.alloc(31, 1).toString('base64url'))).toThrow(/32 bytes/);
  });
});
