import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src-main/core/identity/canonical-json.js';
import { issueCard, verifyCard } from '../../../src-main/core/identity/identity-card.js';
import {
  signRotation,
  verifyRotation,
  verifyRotationChain,
} from '../../../src-main/core/identity/key-rotation.js';
import {
  exportPrivateKey,
  generateKeyPair,
  importPrivateKey,
  publicKeyOf,
  signBytes,
  verifySignature,
} from '../../../src-main/core/identity/signing.js';

function flipByte(base64url: string, index = 0): string {
  const raw = Buffer.from(base64url, 'base64url');
  raw[index] = (raw[index] ?? 0) ^ 0x01;
  return raw.toString('base64url');
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('serialises the same document the same way whatever order it was built in', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('has no form for values JSON cannot round-trip', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: new Date() })).toThrow(TypeError);
  });
});

describe('signatures', () => {
  const alice = generateKeyPair();
  const mallory = generateKeyPair();

  it('round-trips bytes and strings', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(verifySignature(alice.publicKey, bytes, signBytes(alice.privateKey, bytes))).toBe(true);
    expect(verifySignature(alice.publicKey, 'héllo', signBytes(alice.privateKey, 'héllo'))).toBe(true);
    expect(verifySignature(alice.publicKey, Buffer.from('héllo'), signBytes(alice.privateKey, 'héllo'))).toBe(
      true,
    );
  });

  it('refuses a changed byte in the data or the signature, and another key', () => {
    const data = Buffer.from('audit record 42');
    const signature = signBytes(alice.privateKey, data);
    const changed = Buffer.from(data);
    changed[3] = (changed[3] ?? 0) ^ 0x01;
    expect(verifySignature(alice.publicKey, changed, signature)).toBe(false);
    expect(verifySignature(alice.publicKey, data, flipByte(signature, 10))).toBe(false);
    expect(verifySignature(mallory.publicKey, data, signature)).toBe(false);
  });

  it('returns false for malformed keys and signatures instead of throwing', () => {
    const signature = signBytes(alice.privateKey, 'x');
    const malformed: [string, string][] = [
      ['', signature],
      ['not a key', signature],
      [alice.publicKey.slice(1), signature],
      [`${alice.publicKey}=`, signature],
      [Buffer.alloc(33).toString('base64url'), signature],
      [alice.publicKey, ''],
      [alice.publicKey, 'AAAA'],
      [alice.publicKey, `${signature}AA`],
      [alice.publicKey, signature.replace(/.$/, '!')],
      [alice.publicKey, Buffer.from(signature, 'base64url').toString('base64')],
    ];
    for (const [key, sig] of malformed) expect(verifySignature(key, 'x', sig), `${key} / ${sig}`).toBe(false);
    expect(verifySignature(alice.publicKey, 'x', null as unknown as string)).toBe(false);
  });

  it('carries a private key through its keychain form unchanged', () => {
    const restored = importPrivateKey(exportPrivateKey(alice.privateKey));
    expect(publicKeyOf(restored)).toBe(alice.publicKey);
    expect(() => importPrivateKey('bm90IGEga2V5')).toThrow('The stored secret is not a private key.');
  });
});

describe('identity card', () => {
  const key = { ...generateKeyPair(), createdAt: 1_700_000_000_000 };

  it('verifies as issued, with the default name', () => {
    const card = issueCard(key, { issuedAt: 1_700_000_100_000 });
    expect(card.name).toBe('Cell 0');
    expect(card.publicKey).toBe(key.publicKey);
    expect(verifyCard(card)).toBe(true);
    // What travels is JSON: it still verifies after a round trip with keys in another order.
    const reordered = Object.fromEntries(
      Object.entries(JSON.parse(JSON.stringify(card)) as object).reverse(),
    );
    expect(verifyCard(reordered)).toBe(true);
  });

  it('fails when a field is changed, the key is swapped, or a field is added', () => {
    const card = issueCard(key, { name: 'Laptop' });
    const other = generateKeyPair();
    expect(verifyCard({ ...card, name: 'Desktop' })).toBe(false);
    expect(verifyCard({ ...card, issuedAt: card.issuedAt + 1 })).toBe(false);
    expect(verifyCard({ ...card, publicKey: other.publicKey })).toBe(false);
    // Swapping key and fingerprint together still fails: the old key's signature does not match.
    const swapped = issueCard({ ...other, createdAt: key.createdAt }, { name: 'Laptop' });
    expect(verifyCard({ ...card, publicKey: swapped.publicKey, fingerprint: swapped.fingerprint })).toBe(
      false,
    );
    expect(verifyCard({ ...card, fingerprint: swapped.fingerprint })).toBe(false);
    expect(verifyCard({ ...card, admin: true })).toBe(false);
  });

  it('fails for things that are not cards', () => {
    for (const bad of [
      null,
      'card',
      {},
      { ...issueCard(key), version: 2 },
      { ...issueCard(key), signature: 'x' },
    ]) {
      expect(verifyCard(bad)).toBe(false);
    }
  });
});

describe('key rotation records', () => {
  const keys = [generateKeyPair(), generateKeyPair(), generateKeyPair()] as const;
  const first = signRotation(keys[0], keys[1], 1000);
  const second = signRotation(keys[1], keys[2], 2000);

  it('verify with both keys and chain from the first key to the last', () => {
    expect(verifyRotation(first)).toBe(true);
    expect(verifyRotation(second)).toBe(true);
    expect(verifyRotationChain([first, second], keys[0].publicKey)).toBe(true);
    expect(verifyRotationChain([first, second])).toBe(true);
    expect(verifyRotationChain([], keys[0].publicKey)).toBe(true);
  });

  it('fail when either signature is wrong or anything signed changed', () => {
    expect(verifyRotation({ ...first, previousSignature: second.previousSignature })).toBe(false);
    expect(verifyRotation({ ...first, nextSignature: first.previousSignature })).toBe(false);
    expect(verifyRotation({ ...first, rotatedAt: 1001 })).toBe(false);
    expect(verifyRotation({ ...first, nextPublicKey: keys[2].publicKey })).toBe(false);
    expect(verifyRotation({ ...first, note: 'added later' })).toBe(false);
    // Naming a successor one does not own: the successor cannot countersign.
    const hijack = signRotation(keys[0], keys[2], 1000);
    expect(verifyRotation({ ...hijack, nextPublicKey: keys[1].publicKey })).toBe(false);
    expect(verifyRotation(signRotation(keys[0], keys[0], 1000))).toBe(false);
    expect(verifyRotation(null)).toBe(false);
  });

  it('fail as a chain when a link is missing, out of order, or starts elsewhere', () => {
    expect(verifyRotationChain([second], keys[0].publicKey)).toBe(false);
    expect(verifyRotationChain([second, first])).toBe(false);
    expect(verifyRotationChain([first, second], keys[1].publicKey)).toBe(false);
    expect(verifyRotationChain([first, { ...second, rotatedAt: 1 }])).toBe(false);
  });
});
