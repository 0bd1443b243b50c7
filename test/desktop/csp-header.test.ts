import { describe, expect, it } from 'vitest';
import { withCspHeader } from '../../src-main/desktop/csp-header.js';

const csp = "default-src 'none'";

describe('withCspHeader', () => {
  it('adds the policy to a response without one, keeping other headers', () => {
    expect(withCspHeader({ 'Content-Type': ['text/html'] }, csp)).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [csp],
    });
    expect(withCspHeader(undefined, csp)).toEqual({ 'Content-Security-Policy': [csp] });
  });

  it('keeps a policy already there, under its own spelling, so both apply', () => {
    expect(withCspHeader({ 'content-security-policy': ["script-src 'self'"] }, csp)).toEqual({
      'content-security-policy': ["script-src 'self'", csp],
    });
  });

  it('does not change the headers it was given', () => {
    const headers = { 'Content-Security-Policy': ['x'] };
    withCspHeader(headers, csp);
    expect(headers).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});
