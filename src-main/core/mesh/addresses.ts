import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Multiaddr } from '@multiformats/multiaddr';
import { Cell0Error } from '../protocol/errors.js';

/**
 * Where the owner says a peer is: a multiaddr (`/ip4/10.0.0.2/tcp/7341`, with or without its
 * `/p2p/` id), `host:port`, `[v6]:port`, or a bare host name — a Tailscale MagicDNS name like
 * `desktop.tail1234.ts.net`, which Tailscale's resolver answers but mDNS never carries — on the
 * default port. Names are resolved here, so a name that does not resolve says so.
 */
export async function resolveAddress(target: string, defaultPort: number): Promise<Multiaddr> {
  // Loaded at the first dial, with the node's other modules, not when the core starts.
  const { multiaddr } = await import('@multiformats/multiaddr');
  const text = target.trim();
  if (text.startsWith('/')) {
    try {
      return multiaddr(text);
    } catch {
      throw new Cell0Error('PEER_NOT_FOUND', `"${text}" is not a valid multiaddr.`);
    }
  }
  const { host, port } = splitHostPort(text, defaultPort);
  const family = isIP(host);
  if (family === 4) return multiaddr(`/ip4/${host}/tcp/${port}`);
  if (family === 6) return multiaddr(`/ip6/${host}/tcp/${port}`);
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(host)) {
    throw new Cell0Error(
      'PEER_NOT_FOUND',
      `"${text}" is not an address: give host:port, a host name, or a multiaddr.`,
    );
  }
  let found: { address: string; family: number };
  try {
    found = await lookup(host);
  } catch {
    throw new Cell0Error(
      'PEER_NOT_FOUND',
      `The name "${host}" does not resolve. For a Tailscale name, check that Tailscale runs here and MagicDNS is on.`,
    );
  }
  return multiaddr(`/${found.family === 6 ? 'ip6' : 'ip4'}/${found.address}/tcp/${port}`);
}

function splitHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: portOf(bracketed[2], defaultPort, text) };
  if (isIP(text) === 6) return { host: text, port: defaultPort };
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text, port: defaultPort };
  return { host: text.slice(0, colon), port: portOf(text.slice(colon + 1), defaultPort, text) };
}

function portOf(raw: string | undefined, fallback: number, text: string): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Cell0Error('PEER_NOT_FOUND', `"${text}" has no valid port (1 to 65535).`);
  }
  return port;
}

/** Whether the owner typed an address (rather than a peer's name or fingerprint). */
export function looksLikeAddress(target: string): boolean {
  return target.startsWith('/') || target.includes(':') || target.includes('.');
}
