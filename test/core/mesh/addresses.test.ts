import { describe, expect, it } from 'vitest';
import { resolveAddress } from '../../../src-main/core/mesh/addresses.js';

describe('peer addresses the owner types', () => {
  it('reads host:port, a bare IP on the default port, [v6]:port and a multiaddr', async () => {
    expect((await resolveAddress('10.0.0.7:7400', 7341)).toString()).toBe('/ip4/10.0.0.7/tcp/7400');
    expect((await resolveAddress('10.0.0.7', 7341)).toString()).toBe('/ip4/10.0.0.7/tcp/7341');
    expect((await resolveAddress('[::1]:7400', 7341)).toString()).toBe('/ip6/::1/tcp/7400');
    expect((await resolveAddress('/ip4/10.0.0.7/tcp/7341', 7341)).toString()).toBe('/ip4/10.0.0.7/tcp/7341');
  });

  it('resolves a host name (a Tailscale MagicDNS name resolves the same way) on the default port', async () => {
    expect((await resolveAddress('localhost', 7341)).toString()).toMatch(
      /^\/ip[46]\/(127\.0\.0\.1|::1)\/tcp\/7341$/,
    );
  });

  it('says what is wrong with an address that is not one', async () => {
    await expect(resolveAddress('not a host', 7341)).rejects.toMatchObject({ code: 'PEER_NOT_FOUND' });
    await expect(resolveAddress('10.0.0.7:99999', 7341)).rejects.toThrow(/no valid port/);
    await expect(resolveAddress('/ip4/nonsense', 7341)).rejects.toThrow(/not a valid multiaddr/);
  });
});
