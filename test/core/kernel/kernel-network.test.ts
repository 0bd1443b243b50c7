import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PermissionRequest } from '../../../src-main/core/protocol/kernel-entities.js';
import { kernelHarness, type KernelHarness } from './kernel-fixture.js';

const open: KernelHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

let web: Server;
let port: number;
beforeAll(async () => {
  web = createServer((req, res) => res.end(`page ${req.url}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  port = (web.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => web.close(() => r())));

async function setup(): Promise<KernelHarness> {
  const h = await kernelHarness();
  open.push(h);
  return h;
}

const never = new AbortController().signal;

/** Resolves with the next card shown for the given pseudo-tool or tool, answering nothing. */
function cardFor(h: KernelHarness, tool: string): Promise<PermissionRequest> {
  return new Promise((resolve) => {
    const check = () => {
      const found = h.permissions.pending().find((r) => r.tool === tool);
      if (found) resolve(found);
      else setImmediate(check);
    };
    check();
  });
}

describe('kernel: network for a call, through the proxy', () => {
  it('"these hosts" lets the call reach what it named; a host beyond it is asked on a card while the call runs', async () => {
    const h = await setup();
    const url = `http://127.0.0.1:${port}/named`;
    const pending = h.kernel.execute(
      h.call('fetch', 'shell', {
        // The second address is filled in at run time: the call does not name it.
        command: `curl -sS ${url}; H=localhost; curl -sS -o /dev/null -w ' second:%{http_code}' "http://$H:${port}/other"`,
        network: true,
      }),
      never,
    );
    const card = await h.nextRequest();
    expect(card).toMatchObject({ tool: 'shell', network: true, hosts: [`127.0.0.1:${port}`] });
    await h.permissions.respond(card.id, 'allow-once', undefined, 'hosts');
    // localhost is not among the hosts it named: the proxy holds that connection and asks.
    const connection = await cardFor(h, 'network');
    expect(connection).toMatchObject({
      display: `localhost:${port}`,
      toolCallId: 'fetch',
      workspace: null,
      proposedPattern: `localhost:${port}`,
    });
    await h.permissions.respond(connection.id, 'deny');
    const { toolCall } = await pending;
    expect(toolCall.status).toBe('done');
    expect(toolCall.output).toContain('page /named');
    expect(toolCall.output).toContain('second:403');
    const { records } = await h.audit.list({ limit: 50 });
    const network = records.filter((r) => r.kind.startsWith('network.')).map((r) => [r.kind, r.outcome]);
    expect(network).toEqual(
      expect.arrayContaining([
        [
          'network.connect',
          expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port} via http GET /named: allowed`)),
        ],
        [
          'network.refuse',
          expect.stringMatching(new RegExp(`^localhost:${port} via http GET /other: refused`)),
        ],
      ]),
    );
  });

  it('"any public host" never covers loopback; a signed rule for a host pattern answers without a card', async () => {
    const h = await setup();
    const pending = h.kernel.execute(
      h.call('any', 'shell', {
        command: `H=localhost; curl -sS -o /dev/null -w 'code:%{http_code}' "http://$H:${port}/"`,
        network: true,
      }),
      never,
    );
    const card = await h.nextRequest();
    expect(card.hosts).toEqual([]);
    await h.permissions.respond(card.id, 'allow-once', undefined, 'any-public');
    const connection = await cardFor(h, 'network');
    // Always allow, as an exact host:port: signed, and enough to reach loopback.
    await h.permissions.respond(connection.id, 'allow-always', `localhost:${port}`);
    const first = await pending;
    expect(first.toolCall.output).toContain('code:200');
    expect(h.permissions.rules()).toEqual([
      expect.objectContaining({
        tool: 'network',
        pattern: `localhost:${port}`,
        decision: 'allow',
        valid: true,
      }),
    ]);

    // The same connection again: the rule covers it, nobody is asked.
    const again = h.kernel.execute(
      h.call('again', 'shell', { command: `H=localhost; curl -sS "http://$H:${port}/again"`, network: true }),
      never,
    );
    const second = await h.nextRequest();
    await h.permissions.respond(second.id, 'allow-once', undefined, 'any-public');
    const { toolCall } = await again;
    expect(toolCall.output).toContain('page /again');
    expect(h.permissions.pending()).toEqual([]);
  });

  it('refuses a host pattern that is not one, and "these hosts" for a call that names none', async () => {
    const h = await setup();
    const pending = h.kernel.execute(
      h.call('bad', 'shell', { command: `H=x; curl -sS "http://$H:${port}/"`, network: true }),
      never,
    );
    const card = await h.nextRequest();
    await expect(h.permissions.respond(card.id, 'allow-once', undefined, 'hosts')).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    await h.permissions.respond(card.id, 'deny');
    await pending;
  });
});
