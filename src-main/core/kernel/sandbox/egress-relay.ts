/**
 * How a confined command reaches the kernel's egress proxy. The sandbox has a network namespace
 * of its own with only a loopback device; the proxy's Unix socket is bound into it, and socat,
 * started first inside the sandbox, relays the sandbox's own 127.0.0.1:3128 to that socket. The
 * usual proxy variables point every tool that honours them there (HTTP, HTTPS through CONNECT,
 * SOCKS5 for other TCP). Nothing of the host's network, loopback or abstract sockets is reachable.
 */

/** Where the proxy's socket appears inside the sandbox. */
export const EGRESS_SOCKET_INSIDE = '/run/cell0/egress.sock';
export const RELAY_PORT = 3128;

/** The relay's LISTEN line in /proc/net/tcp: 127.0.0.1:3128 (little-endian hex), state 0A. */
const LISTEN_LINE = ` 0100007F:${RELAY_PORT.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A `;

/**
 * The command, wrapped: socat listens, the wrapper waits until it does (reading /proc, no probe
 * connection), then execs the command. socat ends with the sandbox's pid namespace.
 */
export function relayArgv(socatPath: string, argv: string[]): string[] {
  const script = [
    `${socatPath} TCP-LISTEN:${RELAY_PORT},bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:${EGRESS_SOCKET_INSIDE} 2>/dev/null &`,
    'n=0',
    `until grep -q '${LISTEN_LINE}' /proc/net/tcp 2>/dev/null; do`,
    '  n=$((n+1))',
    `  [ "$n" -gt 5000 ] && { echo 'cell0: the network relay did not start' >&2; exit 125; }`,
    'done',
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'cell0-net', ...argv];
}

/** The proxy variables, both spellings (curl reads only the lower-case http_proxy). */
export function proxyEnv(port: number = RELAY_PORT): Record<string, string> {
  const http = `http://127.0.0.1:${port}`;
  const socks = `socks5h://127.0.0.1:${port}`;
  return {
    http_proxy: http,
    https_proxy: http,
    all_proxy: socks,
    HTTP_PROXY: http,
    HTTPS_PROXY: http,
    ALL_PROXY: socks,
  };
}
