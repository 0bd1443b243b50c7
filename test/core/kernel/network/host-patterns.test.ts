import { describe, expect, it } from 'vitest';
import {
  formatPattern,
  isExactGrant,
  matchesHost,
  parseHostPattern,
} from '../../../../src-main/core/kernel/network/host-patterns.js';
import { addressRange, isPublicAddress } from '../../../../src-main/core/kernel/network/addresses.js';

describe('host patterns', () => {
  it('parses hosts, ports, wildcards and IPv6 literals', () => {
    expect(parseHostPattern('API.GitHub.com.')).toEqual({
      host: 'api.github.com',
      wildcard: false,
      port: null,
    });
    expect(parseHostPattern('*.github.com:443')).toEqual({ host: 'github.com', wildcard: true, port: 443 });
    expect(parseHostPattern('[::1]:8080')).toEqual({ host: '::1', wildcard: false, port: 8080 });
    expect(parseHostPattern('10.0.0.5:5432')).toEqual({ host: '10.0.0.5', wildcard: false, port: 5432 });
    expect(formatPattern(parseHostPattern('*.github.com:443'))).toBe('*.github.com:443');
    expect(formatPattern(parseHostPattern('[::1]:8080'))).toBe('[::1]:8080');
  });

  it('refuses what is not a host, with a stable code', () => {
    for (const bad of ['', 'a b', 'host:0', 'host:99999', 'host:http', '*.com', '*.10.0.0.1', '-bad.com']) {
      expect(() => parseHostPattern(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_PARAMS' }));
    }
  });

  it('a wildcard covers subdomains only, a port only that port', () => {
    const p = parseHostPattern('*.github.com:443');
    expect(matchesHost(p, 'api.github.com', 443)).toBe(true);
    expect(matchesHost(p, 'github.com', 443)).toBe(false);
    expect(matchesHost(p, 'api.github.com', 22)).toBe(false);
    expect(matchesHost(p, 'evilgithub.com', 443)).toBe(false);
    expect(matchesHost(parseHostPattern('pypi.org'), 'PyPI.org', 8443)).toBe(true);
  });

  it('only a grant of this exact host and port counts as exact', () => {
    expect(isExactGrant(parseHostPattern('localhost:5432'), 'localhost', 5432)).toBe(true);
    expect(isExactGrant(parseHostPattern('localhost'), 'localhost', 5432)).toBe(false);
    expect(isExactGrant(parseHostPattern('*.home.arpa:5432'), 'db.home.arpa', 5432)).toBe(false);
  });
});

describe('addresses', () => {
  it('only unicast addresses are public, in IPv4, IPv6 and IPv4 written in IPv6', () => {
    for (const a of ['8.8.8.8', '2606:4700::1111', '93.184.216.34']) expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      '::ffff:192.168.1.1',
      '10.0.0.1',
      '172.16.3.4',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::',
      'fe80::1%eth0',
      'fd12:3456::1',
      '224.0.0.251',
      '64:ff9b::7f00:1',
      '2002:7f00:1::1',
      'not-an-address',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    expect(addressRange('::ffff:10.1.1.1')).toBe('private');
  });
});
