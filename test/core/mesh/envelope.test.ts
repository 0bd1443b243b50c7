import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openEnvelope, seal, type Signer } from '../../../src-main/core/mesh/envelope.js';
import { MeshKey } from '../../../src-main/core/mesh/mesh-key.js';
import { keyOfPeer, peerIdOfKey } from '../../../src-main/core/mesh/peer-ids.js';
import { signBytes, verifySignature } from '../../../src-main/core/identity/signing.js';

function signer(): Signer & { seed: Buffer } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { publicKey: jwk.x!, sign: (d) => signBytes(privateKey, d), seed: Buffer.from(jwk.d!, 'base64url') };
}

describe('signed mesh messages', () => {
  it('opens a message signed by its sender and addressed to us', () => {
    const a = signer();
    const b = signer();
    const opened = openEnvelope(seal(a, b.publicKey, 'caps', { x: 1 }), b.publicKey);
    expect(opened).toMatchObject({ ok: true, envelope: { type: 'caps', from: a.publicKey, body: { x: 1 } } });
  });

  it('refuses one altered, addressed to another key, or claiming another sender', () => {
    const a = signer();
    const b = signer();
    const c = signer();
    const e = seal(a, b.publicKey, 'work.answer', { decision: 'deny' });
    expect(openEnvelope({ ...e, body: { decision: 'allow-once' } }, b.publicKey)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    expect(openEnvelope(e, c.publicKey)).toEqual({ ok: false, reason: 'addressed to another key' });
    expect(openEnvelope({ ...e, from: c.publicKey }, b.publicKey)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    expect(openEnvelope('not json at all', b.publicKey)).toEqual({ ok: false, reason: 'not a mesh message' });
  });
});

describe('the peer id is the identity key', () => {
  it('derives the libp2p key and peer id from the identity seed, and signs as the identity would', async () => {
    const s = signer();
    const key = await MeshKey.fromSeed({ publicKey: s.publicKey, seed: Buffer.from(s.seed) });
    expect(key.peerId).toBe(peerIdOfKey(s.publicKey));
    expect(keyOfPeer(key.peerId)).toBe(s.publicKey);
    expect(verifySignature(s.publicKey, 'hello', key.sign('hello'))).toBe(true);
  });

  it('zeroes the seed it was handed and refuses a seed of another key', async () => {
    const s = signer();
    const seed = Buffer.from(s.seed);
    await MeshKey.fromSeed({ publicKey: s.publicKey, seed });
    expect(seed.every((b) => b === 0)).toBe(true);
    const key = await MeshKey.fromSeed({ publicKey: s.publicKey, seed: Buffer.from(s.seed) });
    key.destroy();
    expect(key.libp2pKey.raw.every((b) => b === 0)).toBe(true);
    await expect(
      MeshKey.fromSeed({ publicKey: signer().publicKey, seed: Buffer.from(s.seed) }),
    ).rejects.toThrow(/does not match/);
  });
});
