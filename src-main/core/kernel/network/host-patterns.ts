import { Cell0Error } from '../../protocol/errors.js';
import { isIpLiteral } from './addresses.js';

/**
 * One host a call may reach: `api.github.com`, `*.github.com:443`, `10.0.0.5:5432`, `[::1]:8080`.
 * No port means any port; `*.` covers the subdomains (not the bare domain).
 */
export interface HostPattern {
  host: string;
  wildcard: boolean;
  port: number | null;
}

/** A name as the proxy compares it: lower case, no trailing dot, IPv6 without brackets. */
export function normaliseHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function validName(host: string): boolean {
  return host.length <= 253 && host.split('.').every((label) => LABEL.test(label));
}

export function parseHostPattern(text: string): HostPattern {
  const raw = text.trim();
  let hostPart = raw;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  if (bracketed) {
    hostPart = bracketed[1]!;
    port = bracketed[2] === undefined ? null : Number(bracketed[2]);
  } else if ((raw.match(/:/g) ?? []).length === 1) {
    const at = raw.lastIndexOf(':');
    hostPart = raw.slice(0, at);
    if (!/^\d+$/.test(raw.slice(at + 1))) throw badPattern(text, 'the port must be a number');
    port = Number(raw.slice(at + 1));
  }
  if (port !== null && (port < 1 || port > 65535)) throw badPattern(text, 'the port must be from 1 to 65535');
  let host = normaliseHost(hostPart);
  const wildcard = host.startsWith('*.');
  if (wildcard) host = host.slice(2);
  if (!host) throw badPattern(text, 'no host');
  if (isIpLiteral(host)) {
    if (wildcard) throw badPattern(text, 'an address cannot have a wildcard');
  } else if (!validName(host) || (wildcard && !host.includes('.'))) {
    throw badPattern(text, 'not a host name');
  }
  return { host, wildcard, port };
}

function badPattern(text: string, why: string): Cell0Error {
  return new Cell0Error(
    'BAD_PARAMS',
    `“${text}” is not a host: ${why}. Write it as host, host:port or *.domain:port (e.g. *.github.com:443).`,
  );
}

export function formatPattern(p: HostPattern): string {
  const host = p.host.includes(':') ? `[${p.host}]` : p.host;
  return `${p.wildcard ? '*.' : ''}${host}${p.port === null ? '' : `:${p.port}`}`;
}

export function formatTarget(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function matchesHost(pattern: HostPattern, host: string, port: number): boolean {
  if (pattern.port !== null && pattern.port !== port) return false;
  const name = normaliseHost(host);
  return pattern.wildcard ? name.endsWith(`.${pattern.host}`) : name === pattern.host;
}

/**
 * Only a grant naming this very host and port lets a connection reach a loopback, private or
 * link-local address: a wildcard, a bare host or "any public host" never does.
 */
export function isExactGrant(pattern: HostPattern, host: string, port: number): boolean {
  return !pattern.wildcard && pattern.port === port && pattern.host === normaliseHost(host);
}
