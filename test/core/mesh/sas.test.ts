import { describe, expect, it } from 'vitest';
import { codesMatch, commitment, newNonce, shortCode, transcript } from '../../../src-main/core/mesh/sas.js';

const keys = { initiatorKey: 'A'.repeat(43), responderKey: 'B'.repeat(43) };

describe('the pairing code', () => {
  it('is six digits both sides compute alike from both keys and both nonces', () => {
    const nonces = { initiatorNonce: newNonce(), responderNonce: newNonce() };
    const hash = transcript({ ...keys, ...nonces });
    expect(shortCode(hash)).toMatch(/^\d{3} \d{3}$/);
    expect(shortCode(transcript({ ...keys, ...nonces }))).toBe(shortCode(hash));
  });

  it('changes with either key or either nonce, so a key in the middle shows another code', () => {
    const base = { ...keys, initiatorNonce: 'n1', responderNonce: 'n2' };
    const variants = [
      { ...base, initiatorKey: 'C'.repeat(43) },
      { ...base, responderKey: 'C'.repeat(43) },
      { ...base, initiatorNonce: 'n3' },
      { ...base, responderNonce: 'n3' },
    ];
    for (const v of variants) expect(transcript(v)).not.toBe(transcript(base));
  });

  it('commits to a nonce without revealing it, and reads a typed code with or without spaces', () => {
    const nonce = newNonce();
    expect(commitment(nonce)).not.toContain(nonce);
    expect(commitment(nonce)).toBe(commitment(nonce));
    expect(codesMatch('123456', '123 456')).toBe(true);
    expect(codesMatch(' 123-456 ', '123 456')).toBe(true);
    expect(codesMatch('123457', '123 456')).toBe(false);
  });
});
