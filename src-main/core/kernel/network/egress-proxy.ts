import { lookup as dnsLookup } from 'node:dns/promises';
import { chmod, rm } from 'node:fs/promises';
import {
  connect,
  createServer,
  type AddressInfo,
  type Server,
  type Socket,
  type TcpNetConnectOpts,
} from 'node:net';
import { isIpLiteral, isPublicAddress, addressRange } from './addresses.js';
import { formatTarget, isExactGrant, matchesHost, normaliseHost, type HostPattern } from './host-patterns.js';
import { SocketReader } from './socket-reader.js';

/** What one call's tools may reach through the proxy. */
export interface EgressRules {
  /** 'record': every attempt is refused and recorded (a lab run); 'enforce': the grants decide. */
  mode: 'enforce' | 'record';
  /** Any host whose every address is public. Never loopback, private or link-local. */
  anyPublic: boolean;
  hosts: HostPattern[];
}

/** One connection a tool tried to make, as the audit log and the lab's report show it. */
export interface EgressAttempt {
  host: string;
  port: number;
  via: 'http' | 'connect' | 'socks';
  /** Plain HTTP only: what was asked for (HTTPS is a tunnel; its contents are not seen). */
  method: string | null;
  path: string | null;
  allowed: boolean;
  /** Why it was allowed or refused, in words. */
  reason: string;
  /** The address connected to (after the check), when allowed. */
  address: string | null;
  bytesOut: number;
  bytesIn: number;
}

export interface EgressOptions {
  rules: EgressRules;
  /**
   * A connection the grants refuse, put to the rules and the owner while the call runs (a card:
   * "wants to reach pypi.org:443"). 'exact' lets that host:port through for the rest of the call,
   * whatever it resolves to (the owner saw it); 'public' only while it resolves to public
   * addresses (a wildcard rule covered it); false refuses it.
   */
  ask?: (target: { host: string; port: number; reason: string }) => Promise<'exact' | 'public' | false>;
  /** Every attempt once it ended: refused ones at once, allowed ones with their byte counts. */
  onAttempt: (attempt: EgressAttempt) => void;
  /** Name resolution (the system's resolver by default). */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
  connectTimeoutMs?: number;
}

type Decision =
  { ok: true; addresses: string[]; reason: string } | { ok: false; reason: string; status: number };

/** How long a side may stay open once the other has closed and all it was sent is written. */
const LINGER_MS = 30_000;
const RELAY_BUFFER = 1024 * 1024;

const systemLookup = (host: string) => dnsLookup(host, { all: true, verbatim: true });

/**
 * The kernel's egress proxy for one call: the only way out of a sandbox that has no network of
 * its own. It speaks HTTP (absolute-form requests), HTTPS through CONNECT (a tunnel: no TLS
 * interception) and SOCKS5, resolves names itself and checks the address it will connect to, so
 * a name that resolves to loopback or a private range is refused unless that exact host:port
 * was granted (no DNS-rebinding way back in).
 */
export class EgressProxy {
  private readonly sockets = new Set<Socket>();
  private readonly granted: HostPattern[];
  private readonly server: Server;
  private closed = false;
  /** The socket path, or host:port on 127.0.0.1, that tools are pointed at. */
  address = '';

  private constructor(
    private readonly options: EgressOptions,
    private readonly socketPath: string | null,
  ) {
    this.granted = [...options.rules.hosts];
    // Large socket buffers: a relay in user space moves far more per event-loop turn with them.
    this.server = createServer({ highWaterMark: RELAY_BUFFER }, (client) => this.accept(client));
  }

  /** Listens on a Unix socket (bound into the sandbox) or, without a path, on a TCP port of 127.0.0.1. */
  static async open(options: EgressOptions, socketPath: string | null): Promise<EgressProxy> {
    const proxy = new EgressProxy(options, socketPath);
    const { server } = proxy;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (socketPath) server.listen(socketPath, () => resolve());
      else server.listen(0, '127.0.0.1', () => resolve());
    });
    // The sandbox runs as another user; the socket is reachable only through its bind mount.
    if (socketPath) await chmod(socketPath, 0o666);
    proxy.address = socketPath ?? `127.0.0.1:${(server.address() as AddressInfo).port}`;
    return proxy;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.socketPath) await rm(this.socketPath, { force: true });
  }

  private accept(client: Socket): void {
    this.track(client);
    client.once('data', (first: Buffer) => {
      client.pause();
      const reader = new SocketReader(client, first);
      const handled = first[0] === 0x05 ? this.socks(client, reader) : this.http(client, reader);
      handled.catch(() => client.destroy());
    });
    client.on('error', () => client.destroy());
  }

  // ---------------------------------------------------------------- protocols

  private async http(client: Socket, reader: SocketReader): Promise<void> {
    const head = (await reader.readThrough('\r\n\r\n')).toString('latin1');
    const [requestLine = '', ...headerLines] = head.slice(0, -4).split('\r\n');
    const [method = '', target = '', version = 'HTTP/1.1'] = requestLine.split(' ');
    if (method.toUpperCase() === 'CONNECT') {
      const { host, port } = splitHostPort(target, 443);
      const decision = await this.decide(host, port);
      if (!decision.ok) return this.refuseHttp(client, { host, port, via: 'connect' }, decision);
      const upstream = await this.dial(decision.addresses, port);
      if (!upstream) return this.refuseHttp(client, { host, port, via: 'connect' }, unreachable(host, port));
      client.write(`${version} 200 Connection Established\r\n\r\n`);
      return this.splice(client, upstream, reader.release(), Buffer.alloc(0), {
        host,
        port,
        via: 'connect',
        method: null,
        path: null,
        reason: decision.reason,
        address: upstream.remoteAddress ?? null,
      });
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      client.end(
        'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nCell 0: send a proxy request (absolute URL).\n',
      );
      return;
    }
    if (url.protocol !== 'http:') {
      client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nCell 0: use CONNECT for HTTPS.\n');
      return;
    }
    const host = normaliseHost(url.hostname);
    const port = url.port ? Number(url.port) : 80;
    const path = `${url.pathname}${url.search}`;
    const what = { host, port, via: 'http' as const, method, path };
    const decision = await this.decide(host, port);
    if (!decision.ok) return this.refuseHttp(client, what, decision);
    const upstream = await this.dial(decision.addresses, port);
    if (!upstream) return this.refuseHttp(client, what, unreachable(host, port));
    // One request per connection: a kept-alive proxy connection could name another host next.
    const headers = headerLines.filter(
      (line) => !/^(proxy-connection|proxy-authorization|connection|keep-alive):/i.test(line),
    );
    const rewritten = Buffer.from(
      [`${method} ${path} ${version}`, ...headers, 'Connection: close', '', ''].join('\r\n'),
      'latin1',
    );
    return this.splice(client, upstream, reader.release(), rewritten, {
      ...what,
      reason: decision.reason,
      address: upstream.remoteAddress ?? null,
    });
  }

  private async socks(client: Socket, reader: SocketReader): Promise<void> {
    const [, count = 0] = await reader.read(2);
    const methods = await reader.read(count);
    if (!methods.includes(0x00)) {
      client.end(Buffer.from([0x05, 0xff]));
      return;
    }
    client.write(Buffer.from([0x05, 0x00]));
    const [, command, , kind] = await reader.read(4);
    let host: string;
    if (kind === 0x01) host = [...(await reader.read(4))].join('.');
    else if (kind === 0x03) host = (await reader.read((await reader.read(1))[0]!)).toString('latin1');
    else if (kind === 0x04) host = ipv6Text(await reader.read(16));
    else return void client.end(socksReply(0x08));
    const port = (await reader.read(2)).readUInt16BE(0);
    host = normaliseHost(host);
    if (command !== 0x01) return void client.end(socksReply(0x07));
    const what = { host, port, via: 'socks' as const, method: null, path: null };
    const decision = await this.decide(host, port);
    if (!decision.ok) {
      this.record({
        ...what,
        allowed: false,
        reason: decision.reason,
        address: null,
        bytesOut: 0,
        bytesIn: 0,
      });
      return void client.end(socksReply(decision.status === 502 ? 0x04 : 0x02));
    }
    const upstream = await this.dial(decision.addresses, port);
    if (!upstream) {
      this.record({
        ...what,
        allowed: false,
        reason: unreachable(host, port).reason,
        address: null,
        bytesOut: 0,
        bytesIn: 0,
      });
      return void client.end(socksReply(0x05));
    }
    client.write(socksReply(0x00));
    return this.splice(client, upstream, reader.release(), Buffer.alloc(0), {
      ...what,
      reason: decision.reason,
      address: upstream.remoteAddress ?? null,
    });
  }

  // ---------------------------------------------------------------- the law

  private async decide(host: string, port: number): Promise<Decision> {
    const target = formatTarget(host, port);
    if (this.options.rules.mode === 'record') {
      return {
        ok: false,
        status: 403,
        reason: `the lab records network attempts and makes none (${target})`,
      };
    }
    let decision = await this.check(host, port);
    if (!decision.ok && decision.status === 403 && this.options.ask && !this.closed) {
      const allowed = await this.options
        .ask({ host, port, reason: decision.reason })
        .catch(() => false as const);
      if (allowed) {
        // A pattern with no port is never exact: it lets the host through to public addresses only.
        this.granted.push({ host, wildcard: false, port: allowed === 'exact' ? port : null });
        decision = await this.check(host, port);
      }
    }
    return decision;
  }

  private async check(host: string, port: number): Promise<Decision> {
    const target = formatTarget(host, port);
    const exact = this.granted.some((p) => isExactGrant(p, host, port));
    const named = this.granted.some((p) => matchesHost(p, host, port));
    if (!exact && !named && !this.options.rules.anyPublic) {
      return { ok: false, status: 403, reason: `${target} is not among the hosts this call may reach` };
    }
    let addresses: string[];
    try {
      addresses = isIpLiteral(host)
        ? [host]
        : (await (this.options.lookup ?? systemLookup)(host)).map((a) => a.address);
    } catch {
      return { ok: false, status: 502, reason: `${host} could not be resolved` };
    }
    if (addresses.length === 0) return { ok: false, status: 502, reason: `${host} could not be resolved` };
    if (exact) return { ok: true, addresses, reason: `${target} was granted for this call` };
    // Every address must be public: one private answer among public ones is how rebinding starts.
    const inner = addresses.find((a) => !isPublicAddress(a));
    if (inner !== undefined) {
      const where = isIpLiteral(host)
        ? `${host} is a ${addressRange(inner)} address`
        : `${host} resolves to ${inner} (${addressRange(inner)})`;
      return {
        ok: false,
        status: 403,
        reason: `${where}, which only a grant of exactly ${target} may reach`,
      };
    }
    return {
      ok: true,
      addresses,
      reason: named ? `${target} matches a host granted for this call` : `${target} is a public host`,
    };
  }

  // ---------------------------------------------------------------- plumbing

  private dial(addresses: string[], port: number): Promise<Socket | null> {
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    const attempt = (i: number): Promise<Socket | null> => {
      if (i >= addresses.length || this.closed) return Promise.resolve(null);
      return new Promise((resolve) => {
        // highWaterMark on a connect is Node's (since 20.1), not yet in its type definitions.
        const upstream = connect({
          host: addresses[i]!,
          port,
          highWaterMark: RELAY_BUFFER,
        } as TcpNetConnectOpts);
        const fail = () => {
          upstream.destroy();
          resolve(attempt(i + 1));
        };
        upstream.setTimeout(timeout, fail);
        upstream.once('error', fail);
        upstream.once('connect', () => {
          upstream.setTimeout(0);
          upstream.off('error', fail);
          this.track(upstream);
          resolve(upstream);
        });
      });
    };
    return attempt(0);
  }

  private splice(
    client: Socket,
    upstream: Socket,
    clientRest: Buffer,
    firstOut: Buffer,
    what: Omit<EgressAttempt, 'allowed' | 'bytesOut' | 'bytesIn'>,
  ): void {
    // One side closing ends the other gracefully: what the relay still holds for it is written
    // first (destroying it at once lost up to a buffer's worth at the end of a download). A side
    // that does not close after that is let go after LINGER_MS; an error ends both at once.
    let open = 2;
    const fail = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      const other = s === client ? upstream : client;
      s.on('error', fail);
      s.once('close', () => {
        open -= 1;
        if (open > 0) {
          other.end();
          setTimeout(() => other.destroy(), LINGER_MS).unref();
          return;
        }
        // The upstream socket counts what went each way (the request head included), at no cost per chunk.
        this.record({ ...what, allowed: true, bytesOut: upstream.bytesWritten, bytesIn: upstream.bytesRead });
      });
    }
    for (const chunk of [firstOut, clientRest]) if (chunk.length > 0) upstream.write(chunk);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }

  private refuseHttp(
    client: Socket,
    what: { host: string; port: number; via: 'http' | 'connect'; method?: string; path?: string },
    decision: { reason: string; status: number },
  ): void {
    this.record({
      host: what.host,
      port: what.port,
      via: what.via,
      method: what.method ?? null,
      path: what.path ?? null,
      allowed: false,
      reason: decision.reason,
      address: null,
      bytesOut: 0,
      bytesIn: 0,
    });
    const body = `Cell 0 refused this connection: ${decision.reason}.\n`;
    const status = decision.status === 502 ? '502 Bad Gateway' : '403 Forbidden';
    client.end(
      `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  private record(attempt: EgressAttempt): void {
    try {
      this.options.onAttempt(attempt);
    } catch {
      // Recording is the caller's; a failing recorder must not take the connection with it.
    }
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

function unreachable(host: string, port: number): { reason: string; status: number } {
  return { reason: `${formatTarget(host, port)} did not answer`, status: 502 };
}

function splitHostPort(target: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (bracketed) return { host: normaliseHost(bracketed[1]!), port: Number(bracketed[2] ?? defaultPort) };
  const at = target.lastIndexOf(':');
  if (at < 0) return { host: normaliseHost(target), port: defaultPort };
  return { host: normaliseHost(target.slice(0, at)), port: Number(target.slice(at + 1)) || defaultPort };
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

function socksReply(code: number): Buffer {
  return Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}
