import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EgressProxy,
  type EgressAttempt,
  type EgressOptions,
} from '../../../../src-main/core/kernel/network/egress-proxy.js';
import { parseHostPattern } from '../../../../src-main/core/kernel/network/host-patterns.js';

let dir: string;
let web: HttpServer;
let webPort: number;
let echo: Server;
let echoPort: number;
const proxies: EgressProxy[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cell0-egress-'));
  web = createHttpServer((req, res) =>
    res.end(`hello from ${req.method} ${req.url} host=${req.headers.host}`),
  );
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '::1', r));
  echoPort = (echo.address() as AddressInfo).port;
});

afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
  await new Promise<void>((r) => web.close(() => r()));
  await new Promise<void>((r) => echo.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

async function proxy(
  options: Partial<EgressOptions> & { hosts?: string[]; anyPublic?: boolean; mode?: 'enforce' | 'record' },
) {
  const attempts: EgressAttempt[] = [];
  const recorded: Array<() => void> = [];
  const p = await EgressProxy.open(
    {
      rules: {
        mode: options.mode ?? 'enforce',
        anyPublic: options.anyPublic ?? false,
        hosts: (options.hosts ?? []).map(parseHostPattern),
      },
      onAttempt: (a) => {
        attempts.push(a);
        recorded.splice(0).forEach((wake) => wake());
      },
      connectTimeoutMs: 300,
      ...options,
    },
    join(dir, `p${proxies.length}.sock`),
  );
  proxies.push(p);
  /** Resolves once n attempts are recorded. */
  const attemptsAt = (n: number) =>
    new Promise<EgressAttempt[]>((resolve) => {
      const check = () => (attempts.length >= n ? resolve(attempts) : recorded.push(check));
      check();
    });
  return { p, attempts, attemptsAt };
}

/** Opens the proxy's Unix socket, writes `request`, returns everything it answers until it closes. */
function exchange(
  socketPath: string,
  request: Buffer | string,
  then?: (s: Socket, seen: Buffer) => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    let seen = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      seen = Buffer.concat([seen, d]);
      then?.(s, seen);
    });
    s.on('close', () => resolve(seen));
    s.on('error', reject);
    s.write(request);
  });
}

describe('the egress proxy', () => {
  it('forwards a plain HTTP request to a granted host:port, one request per connection, and audits the bytes', async () => {
    const { p, attemptsAt } = await proxy({ hosts: [`127.0.0.1:${webPort}`] });
    const answer = await exchange(
      p.address,
      `GET http://127.0.0.1:${webPort}/status?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${webPort}\r\nProxy-Connection: keep-alive\r\n\r\n`,
    );
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.toString()).toContain(`hello from GET /status?x=1 host=127.0.0.1:${webPort}`);
    const [attempt] = await attemptsAt(1);
    expect(attempt).toMatchObject({
      host: '127.0.0.1',
      port: webPort,
      via: 'http',
      method: 'GET',
      path: '/status?x=1',
      allowed: true,
      address: '127.0.0.1',
    });
    expect(attempt!.bytesOut).toBeGreaterThan(40);
    expect(attempt!.bytesIn).toBe(answer.length);
  });

  it('tunnels CONNECT to a granted IPv6 host:port without looking inside', async () => {
    const { p, attemptsAt } = await proxy({ hosts: [`[::1]:${echoPort}`] });
    const answer = await exchange(
      p.address,
      `CONNECT [::1]:${echoPort} HTTP/1.1\r\nHost: [::1]:${echoPort}\r\n\r\n`,
      (s, seen) => {
        const text = seen.toString();
        if (text.endsWith('\r\n\r\n')) s.write('opaque tls bytes');
        if (text.includes('opaque tls bytes')) s.end();
      },
    );
    expect(answer.toString()).toBe('HTTP/1.1 200 Connection Established\r\n\r\nopaque tls bytes');
    const [attempt] = await attemptsAt(1);
    expect(attempt).toMatchObject({
      host: '::1',
      port: echoPort,
      via: 'connect',
      allowed: true,
      bytesOut: 16,
      bytesIn: 16,
    });
  });

  it('hands a slow reader everything the server sent before it closed', async () => {
    // The server writes 1 MiB and closes while the client reads nothing: the proxy holds most of
    // it, and must still deliver it all once the client reads (it used to drop it on close).
    const payload = Buffer.alloc(1024 * 1024, 'y');
    let serverClosed!: Promise<void>;
    const bulk = createServer((s) => {
      serverClosed = new Promise((r) => s.once('close', () => r()));
      s.end(payload);
    });
    await new Promise<void>((r) => bulk.listen(0, '127.0.0.1', r));
    const bulkPort = (bulk.address() as AddressInfo).port;
    try {
      const { p } = await proxy({ hosts: [`127.0.0.1:${bulkPort}`] });
      const head = 'HTTP/1.1 200 Connection Established\r\n\r\n';
      const answer = await new Promise<Buffer>((resolve, reject) => {
        const s = connect(p.address);
        const chunks: Buffer[] = [];
        s.once('data', () => {
          s.pause();
          void serverClosed.then(() => s.resume());
        });
        s.on('data', (d: Buffer) => chunks.push(d));
        s.on('close', () => resolve(Buffer.concat(chunks)));
        s.on('error', reject);
        s.write(`CONNECT 127.0.0.1:${bulkPort} HTTP/1.1\r\nHost: 127.0.0.1:${bulkPort}\r\n\r\n`);
      });
      expect(answer.subarray(0, head.length).toString()).toBe(head);
      expect(answer.length - head.length).toBe(payload.length);
    } finally {
      await new Promise<void>((r) => bulk.close(() => r()));
    }
  });

  it('speaks SOCKS5 with a name the proxy resolves', async () => {
    const { p, attemptsAt } = await proxy({
      hosts: [`localhost:${webPort}`],
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const name = Buffer.from('localhost');
    const port = Buffer.alloc(2);
    port.writeUInt16BE(webPort);
    let stage = 0;
    const answer = await exchange(p.address, Buffer.from([0x05, 0x01, 0x00]), (s, seen) => {
      if (stage === 0 && seen.length >= 2) {
        stage = 1;
        s.write(Buffer.concat([Buffer.from([0x05, 0x01, 0x00, 0x03, name.length]), name, port]));
      } else if (stage === 1 && seen.length >= 12) {
        stage = 2;
        s.write(`GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      }
    });
    expect([...answer.subarray(0, 4)]).toEqual([0x05, 0x00, 0x05, 0x00]);
    expect(answer.subarray(12).toString()).toContain('hello from GET / host=localhost');
    expect((await attemptsAt(1))[0]).toMatchObject({
      host: 'localhost',
      via: 'socks',
      allowed: true,
      address: '127.0.0.1',
    });
  });

  it('refuses a host that was not granted, with a 403 that says why, and audits it', async () => {
    const { p, attemptsAt } = await proxy({ hosts: ['api.github.com:443'] });
    const answer = await exchange(p.address, `CONNECT pypi.org:443 HTTP/1.1\r\n\r\n`);
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(answer.toString()).toContain('pypi.org:443 is not among the hosts this call may reach');
    expect((await attemptsAt(1))[0]).toMatchObject({ host: 'pypi.org', port: 443, allowed: false });
  });

  it('never lets "any public host" or a wildcard reach a name that resolves to loopback or a private address', async () => {
    const lookup = async (host: string) =>
      host === 'rebind.example.com'
        ? [
            { address: '93.184.216.34', family: 4 },
            { address: '127.0.0.1', family: 4 },
          ]
        : [{ address: host === 'six.example.com' ? '::ffff:10.0.0.7' : '127.0.0.1', family: 4 }];
    const { p, attemptsAt } = await proxy({ anyPublic: true, hosts: ['*.example.com'], lookup });
    for (const host of [
      'evil.example.com',
      'rebind.example.com',
      'six.example.com',
      '127.0.0.1',
      '[::1]',
      '169.254.169.254',
    ]) {
      const answer = await exchange(p.address, `CONNECT ${host}:${webPort} HTTP/1.1\r\n\r\n`);
      expect(answer.toString()).toMatch(/^HTTP\/1\.1 403/);
    }
    const attempts = await attemptsAt(6);
    expect(attempts.every((a) => !a.allowed)).toBe(true);
    expect(attempts[0]!.reason).toMatch(/resolves to 127\.0\.0\.1 \(loopback\)/);
    expect(attempts[1]!.reason).toMatch(/127\.0\.0\.1/);
    expect(attempts[2]!.reason).toMatch(/private/);
    expect(attempts[5]!.reason).toMatch(/linkLocal/);
  });

  it('lets a public address through under "any public host"', async () => {
    const { p, attemptsAt } = await proxy({
      anyPublic: true,
      lookup: async () => [{ address: '192.0.43.10', family: 4 }],
    });
    await exchange(p.address, `CONNECT www.iana.example:443 HTTP/1.1\r\n\r\n`, (s, seen) => {
      if (seen.includes('\r\n\r\n')) s.end();
    });
    const [attempt] = await attemptsAt(1);
    // The check passed; whether this machine then reaches the internet is another matter.
    expect(attempt!.reason).not.toMatch(/not among|resolves to/);
  });

  it('asks the owner about a refused host mid-run, and lets it through when allowed', async () => {
    const asked: string[] = [];
    const { p, attemptsAt } = await proxy({
      hosts: [],
      ask: async ({ host, port }) => {
        asked.push(`${host}:${port}`);
        return 'exact' as const;
      },
    });
    const answer = await exchange(p.address, `GET http://127.0.0.1:${webPort}/ HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 200/);
    expect(asked).toEqual([`127.0.0.1:${webPort}`]);
    expect((await attemptsAt(1))[0]).toMatchObject({
      allowed: true,
      reason: expect.stringContaining('granted'),
    });
  });

  it('in record mode refuses everything and records host, port, method and path', async () => {
    const { p, attemptsAt } = await proxy({ mode: 'record', anyPublic: true });
    const answer = await exchange(
      p.address,
      `POST http://api.example.com/v1/items HTTP/1.1\r\nHost: api.example.com\r\n\r\n`,
    );
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 403/);
    expect((await attemptsAt(1))[0]).toMatchObject({
      host: 'api.example.com',
      port: 80,
      method: 'POST',
      path: '/v1/items',
      allowed: false,
    });
  });
});
