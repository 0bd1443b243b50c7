import { createRequire } from 'node:module';
import type IpAddr from 'ipaddr.js';

// require, not import: ipaddr.js is CommonJS, and importing it would make Node's ESM loader scan
// its source for exports first (some 20 ms of a `cell0 sandbox run`).
const ipaddr = createRequire(import.meta.url)('ipaddr.js') as typeof IpAddr;

/**
 * Where an IP address points, by ipaddr.js's special ranges: 'unicast' is the public internet;
 * anything else (loopback, private, link-local, unique-local, carrier-grade NAT, multicast,
 * reserved, 6to4, Teredo, NAT64…) is not. IPv4 written inside IPv6 (::ffff:127.0.0.1) is judged
 * as the IPv4 address it is. Text that is no address is 'invalid'.
 */
export function addressRange(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return 'invalid';
  return ipaddr.process(bare).range();
}

/** Only unicast addresses are public: tunnels and translators could carry a private address inside. */
export const isPublicAddress = (address: string): boolean => addressRange(address) === 'unicast';

export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
}
