/**
 * Network for sandboxed tools, for real: bubblewrap with a network namespace of its own, the
 * kernel's egress proxy on a Unix socket bound in, socat relaying to it, and the usual clients
 * (curl, Python, npm) finding it through the proxy variables.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import type { EgressAttempt, EgressOptions } from '../../../../src-main/core/kernel/network/egress-proxy.js';
import { parseHostPattern } from '../../../../src-main/core/kernel/network/host-patterns.js';
import { Sandbox } from '../../../../src-main/core/kernel/sandbox/sandbox.js';
import type { RunResult } from '../../../../src-main/core/kernel/types.js';
import { createBait, type Bait } from '../../../fixtures/sandbox/host-bait.js';

let sandbox: Sandbox;
let bait: Bait;
let web: Server;
let port: number;
let web6: Server;
let port6: number;
const served: string[] = [];

/** A tiny npm registry and web page: it answers every path, and records what it served. */
function handler(label: string) {
  return (req: { url?: string }, res: { setHeader(k: string, v: string): void; end(body: string): void }) => {
    served.push(`${label} ${req.url}`);
    if (req.url === '/cell0-probe') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          name: 'cell0-probe',
          'dist-tags': { latest: '1.2.3' },
          versions: {
            '1.2.3': { name: 'cell0-probe', version: '1.2.3', dist: { tarball: 'http://x/t.tgz' } },
          },
          time: { '1.2.3': '2026-01-01T00:00:00.000Z' },
        }),
      );
      return;
    }
    res.end(`hello from ${label}`);
  };
}

beforeAll(async () => {
  sandbox = new Sandbox({ logger: silentLogger });
  const status = await sandbox.status();
  expect(status, status.detail).toMatchObject({ kind: 'bubblewrap', available: true });
  bait = await createBait((dir) => sandbox.prepareWorkspace(dir));
  web = createServer(handler('v4'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  port = (web.address() as AddressInfo).port;
  web6 = createServer(handler('v6'));
  await new Promise<void>((r) => web6.listen(0, '::1', r));
  port6 = (web6.address() as AddressInfo).port;
});

afterAll(async () => {
  await sandbox.stop();
  await bait.cleanup();
  await new Promise<void>((r) => web.close(() => r()));
  await new Promise<void>((r) => web6.close(() => r()));
});

async function run(
  argv: string[],
  rules: { hosts?: string[]; anyPublic?: boolean },
  extra: Partial<EgressOptions> = {},
): Promise<RunResult & { attempts: EgressAttempt[] }> {
  const attempts: EgressAttempt[] = [];
  const result = await sandbox.run({
    argv,
    workspace: await bait.newWorkspace(),
    network: true,
    egress: {
      rules: {
        mode: 'enforce',
        anyPublic: rules.anyPublic ?? false,
        hosts: (rules.hosts ?? []).map(parseHostPattern),
      },
      onAttempt: (a) => attempts.push(a),
      ...extra,
    },
    limits: { wallClockMs: 20_000 },
  });
  return { ...result, attempts };
}

describe('network through the kernel’s proxy', () => {
  it('curl, Python and npm reach a granted host through the proxy, and each attempt is recorded with its bytes', async () => {
    const grant = { hosts: [`127.0.0.1:${port}`] };
    const curl = await run(['curl', '-sS', `http://127.0.0.1:${port}/curl`], grant);
    expect(curl.exitCode, curl.output).toBe(0);
    expect(curl.output).toContain('hello from v4');

    const python = await run(
      [
        'python3',
        '-c',
        `import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:${port}/python").read().decode())`,
      ],
      grant,
    );
    expect(python.exitCode, python.output).toBe(0);
    expect(python.output).toContain('hello from v4');

    const npm = await run(
      [
        'npm',
        'view',
        'cell0-probe',
        'version',
        `--registry=http://127.0.0.1:${port}/`,
        '--no-update-notifier',
      ],
      grant,
    );
    expect(npm.exitCode, npm.output).toBe(0);
    expect(npm.output).toContain('1.2.3');

    expect(served).toEqual(expect.arrayContaining(['v4 /curl', 'v4 /python', 'v4 /cell0-probe']));
    for (const r of [curl, python, npm]) {
      expect(r.attempts.length).toBeGreaterThan(0);
      expect(r.attempts.every((a) => a.allowed && a.host === '127.0.0.1' && a.port === port)).toBe(true);
      expect(r.attempts[0]!.bytesIn).toBeGreaterThan(0);
    }
  });

  it('refuses a host that was not granted, and records the refusal', async () => {
    const before = served.length;
    const result = await run(
      ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/x`],
      {
        hosts: ['api.github.com:443'],
      },
    );
    expect(result.output).toContain('403');
    expect(served.length).toBe(before);
    expect(result.attempts).toEqual([
      expect.objectContaining({ host: '127.0.0.1', port, allowed: false, method: 'GET', path: '/x' }),
    ]);
  });

  it('a name that resolves to 127.0.0.1 is refused under "any public host"', async () => {
    const result = await run(
      ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://localhost:${port}/`],
      {
        anyPublic: true,
      },
    );
    expect(result.output).toContain('403');
    expect(result.attempts[0]).toMatchObject({ host: 'localhost', allowed: false });
    expect(result.attempts[0]!.reason).toMatch(/resolves to (127\.0\.0\.1|::1) \(loopback\)/);
  });

  it('speaks SOCKS5 to a granted host:port (for TCP that is not HTTP)', async () => {
    const result = await run(
      ['curl', '-sS', '--proxy', 'socks5h://127.0.0.1:3128', `http://localhost:${port}/socks`],
      { hosts: [`localhost:${port}`] },
    );
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('hello from v4');
    expect(result.attempts[0]).toMatchObject({ host: 'localhost', port, via: 'socks', allowed: true });
  });

  it('reaches a granted IPv6 host through a CONNECT tunnel', async () => {
    const result = await run(['curl', '-sS', '-g', '--proxytunnel', `http://[::1]:${port6}/six`], {
      hosts: [`[::1]:${port6}`],
    });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('hello from v6');
    expect(result.attempts[0]).toMatchObject({ host: '::1', port: port6, via: 'connect', allowed: true });
  });

  it('puts a connection beyond the grant to the owner while the call runs, and goes on when allowed', async () => {
    const asked: string[] = [];
    const result = await run(
      ['curl', '-sS', `http://127.0.0.1:${port}/asked`],
      { hosts: [] },
      {
        ask: async ({ host, port: p }) => {
          asked.push(`${host}:${p}`);
          return 'exact';
        },
      },
    );
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('hello from v4');
    expect(asked).toEqual([`127.0.0.1:${port}`]);
  });
});
