/**
 * Why a server failed, in words the owner can act on: how its process ended, what it broke in the
 * protocol, and — for a confined one — what it reached for that the sandbox did not give it (a
 * path, the network, memory), read from what it wrote to stderr.
 */
import { resolve } from 'node:path';
import { visibleText } from '../kernel/permissions/visible.js';
import { Cell0Error } from '../protocol/errors.js';
import { describeEnd, MAX_MESSAGE_BYTES, type ProcessEnd } from './stdio-transport.js';

export interface Failure {
  server: string;
  phase: 'start' | 'call' | 'running';
  end: ProcessEnd | null;
  stderr: string;
  malformed: readonly string[];
  overflowed: boolean;
  /** It did not answer in time (at start: the initialize handshake). */
  timedOutMs: number | null;
  /** The client's own error, when nothing better explains it. */
  cause: unknown;
  confined: boolean;
  network: boolean;
  /** What the sandbox shows it (workspace, home, declared paths, /usr). */
  visible: readonly string[];
  readOnly: readonly string[];
  /** The command it was started with (`npx`, `/usr/bin/node`…); null for a remote server. */
  command: string | null;
}

/** Commands that download the server they run on first use. */
const DOWNLOADERS = new Set(['npx', 'uvx', 'bunx', 'pnpx', 'pipx']);

const PATH_TROUBLE =
  /ENOENT|no such file|not found|does not exist|cannot access|EACCES|EPERM|permission denied|EROFS|read-only file system/i;
const NETWORK_TROUBLE =
  /ENOTFOUND|EAI_AGAIN|getaddrinfo|ENETUNREACH|network is unreachable|could not resolve host|temporary failure in name resolution|ECONNREFUSED/i;
const MEMORY_TROUBLE = /heap out of memory|cannot allocate memory|MemoryError|std::bad_alloc/i;
const EXEC_MISSING = /bwrap: execvp (\S+): No such file or directory/;
const PACKAGE_MISSING = /Cannot find (?:package|module) '([^']{1,200})'/;
const PATHS = /(?:^|[\s'"`(=:])(\/[^\s'"`),:]+)/g;

function under(path: string, place: string): boolean {
  const p = resolve(path);
  const root = resolve(place);
  return p === root || p.startsWith(`${root}/`);
}

/** What a confined server lacked, as far as its stderr tells. */
export function lacked(f: Pick<Failure, 'stderr' | 'network' | 'visible' | 'readOnly'>): string[] {
  const found: string[] = [];
  const exec = EXEC_MISSING.exec(f.stderr);
  if (exec) found.push(`“${exec[1]}” is not inside the sandbox (only /usr and the declared paths are).`);
  const pkg = PACKAGE_MISSING.exec(f.stderr);
  // `Cannot find module '/abs/path'` is a file it was not shown, told below with the other paths.
  if (pkg && !pkg[1]!.startsWith('/')) {
    found.push(
      `It could not load the package “${visibleText(pkg[1]!)}”: declare the folder its packages are installed in (a node_modules) read-only.`,
    );
  }
  const missing = new Set<string>();
  const readOnly = new Set<string>();
  for (const line of f.stderr.split('\n')) {
    if (!PATH_TROUBLE.test(line) && !PACKAGE_MISSING.test(line)) continue;
    for (const match of line.matchAll(PATHS)) {
      const path = match[1]!.replace(/[.;]+$/, '');
      if (path.startsWith('/proc') || path.startsWith('/dev')) continue;
      if (/EROFS|read-only file system/i.test(line) && f.readOnly.some((p) => under(path, p)))
        readOnly.add(path);
      else if (!f.visible.some((p) => under(path, p))) missing.add(path);
    }
  }
  for (const path of [...missing].slice(0, 3)) {
    found.push(
      `It reached for ${visibleText(path)}, which the sandbox does not show: add it to this server’s paths (read-only, or read-write if it must write there).`,
    );
  }
  for (const path of [...readOnly].slice(0, 3)) {
    found.push(`It tried to write to ${visibleText(path)}, which you declared read-only.`);
  }
  if (!f.network && NETWORK_TROUBLE.test(f.stderr)) {
    found.push('It tried to reach the network, which this server was not granted.');
  }
  if (MEMORY_TROUBLE.test(f.stderr))
    found.push('It ran out of memory (its limit is 4 GiB of address space).');
  return found;
}

/** The last thing it said on stderr, short and with its control characters made visible. */
export function lastWords(stderr: string, max = 400): string {
  const text = stderr.trim();
  if (!text) return '';
  const tail = text.length > max ? `…${text.slice(text.length - max)}` : text;
  return visibleText(tail);
}

function howItEnded(f: Failure): string {
  if (f.overflowed) {
    return `it sent a message larger than ${MAX_MESSAGE_BYTES / (1024 * 1024)} MiB, so Cell 0 closed the connection`;
  }
  // Before the end: a server that timed out was ended by Cell 0, which is not news.
  if (f.timedOutMs !== null) return `it did not answer within ${Math.round(f.timedOutMs / 1000)} s`;
  if (f.end) return `it ${describeEnd(f.end)}`;
  const message = f.cause instanceof Error ? f.cause.message : String(f.cause ?? '');
  const status = (f.cause as { code?: unknown } | null)?.code;
  if (typeof status === 'number' && status >= 400 && status < 600) {
    const refused = status === 401 || status === 403 ? ': its token or headers were refused, check them' : '';
    return `the server answered HTTP ${status}${refused}`;
  }
  if (
    /ZodError|invalid_type|invalid_union|Invalid input/i.test(message) ||
    (f.cause instanceof Error && f.cause.name === 'ZodError')
  ) {
    return 'its answer was not valid MCP';
  }
  if (/protocol version is not supported/i.test(message)) return visibleText(message.slice(0, 200));
  return message ? `the connection failed (${visibleText(message.slice(0, 200))})` : 'the connection closed';
}

export function describeFailure(f: Failure): Cell0Error {
  const what =
    f.phase === 'start'
      ? `${f.server} could not start`
      : f.phase === 'call'
        ? `${f.server} stopped during the call`
        : `${f.server} stopped`;
  const parts = [`${what}: ${howItEnded(f)}.`];
  if (f.malformed.length > 0) {
    parts.push(
      `It wrote lines that are not MCP messages to its output (a server must print only JSON-RPC there), e.g. “${visibleText(f.malformed[0]!.slice(0, 120))}”.`,
    );
  }
  if (f.confined) parts.push(...lacked(f));
  const program = f.command?.split('/').pop() ?? '';
  if (f.confined && !f.network && DOWNLOADERS.has(program)) {
    parts.push(
      `${program} downloads the server on first use, which needs network: grant this server network, or install the package where the sandbox sees it (under /usr, or a declared path) and run it directly.`,
    );
  }
  const words = lastWords(f.stderr);
  if (words) parts.push(`Its last words: “${words}”`);
  return new Cell0Error('MCP_SERVER_FAILED', parts.join(' '));
}
