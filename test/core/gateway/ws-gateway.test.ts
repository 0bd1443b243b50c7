import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startServe, type ServeHandle } from '../../../src-main/serve.js';
import { silentLogger } from '../../../src-main/core/base/logger.js';
import { MAX_FRAME_BYTES } from '../../../src-main/core/protocol/frames.js';
import { tempDir, testKeychainService } from '../../helpers/core.js';
import { TestWsClient } from '../../helpers/ws-client.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let serve: ServeHandle;

beforeEach(async () => {
  dir = await tempDir();
  const rendererDir = join(dir.path, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Cell 0</title>');
  serve = await startServe({
    port: 0,
    dataDir: join(dir.path, 'data'),
    rendererDir,
    logger: silentLogger,
    keychainService: testKeychainService(),
  });
});

afterEach(async () => {
  await serve.stop();
  await dir.remove();
});

function httpGet(
  path: string,
  host: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: serve.port, path, method, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('WebSocket gateway', () => {
  it('prints a loopback URL that carries the token', () => {
    expect(serve.url).toBe(`http://127.0.0.1:${serve.port}/#token=${serve.token}`);
    expect(serve.token.length).toBeGreaterThanOrEqual(32);
  });

  it('requires the token, refuses bad frames with stable codes, and keeps the socket open', async () => {
    const client = await TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`);
    try {
      expect(await client.call('conversations.list')).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
      expect(await client.call('session.hello', { token: 'nope' })).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
      expect(await client.call('session.hello', { token: serve.token })).toMatchObject({ ok: true });

      expect(await client.sendRaw('this is not json')).toMatchObject({
        ok: false,
        error: { code: 'BAD_FRAME' },
      });
      expect(await client.sendRaw(Buffer.from([1, 2, 3]))).toMatchObject({
        ok: false,
        error: { code: 'BAD_FRAME' },
      });
      expect(await client.call('no.such.method')).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_METHOD' },
      });
      expect(await client.call('conversations.create', { title: 42 })).toMatchObject({
        ok: false,
        error: { code: 'BAD_PARAMS' },
      });
      const oversized = JSON.stringify({
        type: 'req',
        id: 'big',
        method: 'app.info',
        params: 'x'.repeat(MAX_FRAME_BYTES + 1),
      });
      expect(await client.sendRaw(oversized)).toMatchObject({
        ok: false,
        error: { code: 'FRAME_TOO_LARGE' },
      });

      expect(client.ws.readyState).toBe(client.ws.OPEN);
      const created = await client.call('conversations.create', { title: 'Still works' });
      expect(created).toMatchObject({ ok: true, result: { title: 'Still works' } });
    } finally {
      client.close();
    }
  });

  it('pushes events only to authenticated connections', async () => {
    const authed = await TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`);
    const stranger = await TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`);
    try {
      await authed.call('session.hello', { token: serve.token });
      await authed.call('conversations.create', { title: 'Seen' });
      await vi.waitFor(() => expect(authed.events.map((e) => e.event)).toContain('conversation.updated'));
      expect(authed.events[0]?.seq).toBeGreaterThan(0);
      // The stranger's socket is open and answered after the event went out: a push would be here.
      expect(await stranger.call('app.info')).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
      expect(stranger.events).toEqual([]);
    } finally {
      authed.close();
      stranger.close();
    }
  });

  it('refuses a WebSocket from a foreign web page (Origin) and a rebinding Host', async () => {
    await expect(
      TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`, { origin: 'https://evil.example' }),
    ).rejects.toThrow();
    await expect(
      TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`, { origin: `http://127.0.0.1:${serve.port}` }),
    ).resolves.toBeInstanceOf(TestWsClient);
    expect((await httpGet('/', 'evil.example')).status).toBe(421);
  });

  it('serves the UI with a strict CSP', async () => {
    const res = await httpGet('/', `127.0.0.1:${serve.port}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Cell 0</title>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers GET and HEAD for its static files and 405 with an Allow header for any other method', async () => {
    const host = `127.0.0.1:${serve.port}`;
    const head = await httpGet('/', host, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await httpGet('/', host, method);
      expect({ method, status: res.status, allow: res.headers['allow'] }).toEqual({
        method,
        status: 405,
        allow: 'GET, HEAD',
      });
      expect(res.body).not.toContain('<title>Cell 0</title>');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    expect((await httpGet('/index.html', host, 'POST')).status).toBe(405);
  });

  it('closes a connection whose session.hello failed five times', async () => {
    const client = await TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      client.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await client.call('session.hello', { token: `guess-${attempt}` })).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
    }
    expect(await closed).toEqual({ code: 1008, reason: 'too many failed session.hello' });
  });

  it('does not let the right token through once five hellos failed, even sent in the same burst', async () => {
    const client = await TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`);
    const replies: { id: string; ok: boolean }[] = [];
    client.ws.on('message', (data) =>
      replies.push(JSON.parse(data.toString()) as { id: string; ok: boolean }),
    );
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    const hello = (id: string, token: string) =>
      JSON.stringify({ type: 'req', id, method: 'session.hello', params: { token } });
    for (let i = 1; i <= 5; i++) client.ws.send(hello(`bad-${i}`, 'wrong'));
    client.ws.send(hello('right', serve.token));
    expect(await closed).toBe(1008);
    expect(replies.filter((r) => r.ok)).toEqual([]);
  });

  it('lets a connection that failed session.hello four times still say it with the token', async () => {
    const client = await TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`);
    try {
      for (let attempt = 1; attempt <= 4; attempt++) {
        expect(await client.call('session.hello', { token: 'wrong' })).toMatchObject({ ok: false });
      }
      expect(await client.call('session.hello', { token: serve.token })).toMatchObject({ ok: true });
      expect(await client.call('conversations.list')).toMatchObject({ ok: true });
      expect(client.ws.readyState).toBe(client.ws.OPEN);
    } finally {
      client.close();
    }
  });
});
