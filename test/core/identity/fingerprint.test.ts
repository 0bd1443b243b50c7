import { describe, expect, it } from 'vitest';
import { fingerprint, shortFingerprint } from '../../../src-main/core/identity/fingerprint.js';
import { generateKeyPair } from '../../../src-main/core/identity/signing.js';

const TWELVE_GROUPS_OF_FIVE = /^\d{5}( \d{5}){11}$/;

describe('fingerprint', () => {
  it('is 12 groups of 5 digits and the same every time for the same key', () => {
    const { publicKey } = generateKeyPair();
    const first = fingerprint(publicKey);
    expect(first).toMatch(TWELVE_GROUPS_OF_FIVE);
    expect(fingerprint(publicKey)).toBe(first);
  });

  it('keeps its published definition, so other instances compute the same digits', () => {
    // SHA-256 of 32 zero bytes as a big-endian integer, mod 10^60; checked against Python's hashlib.
    expect(fingerprint(Buffer.alloc(32).toString('base64url'))).toBe(
      '10658 24234 93727 32015 22022 37096 31479 19918 10382 90276 65309 30981',
    );
  });

  it('differs for different keys', () => {
    const seen = new Set(Array.from({ length: 20 }, () => fingerprint(generateKeyPair().publicKey)));
    expect(seen.size).toBe(20);
  });

  it('gives the first two groups as the short form', () => {
    const full = fingerprint(generateKeyPair().publicKey);
    expect(shortFingerprint(full)).toMatch(/^\d{5} \d{5}$/);
    expect(full.startsWith(shortFingerprint(full))).toBe(true);
  });

  it('refuses what is not a 32-byte base64url key', () => {
    for (const bad of [
      '',
      'abc',
      Buffer.alloc(31).toString('base64url'),
      `${Buffer.alloc(32).toString('base64')}=`,
    ]) {
      expect(() => fingerprint(bad)).toThrow(TypeError);
    }
  });
});
