import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: serve.port, path, headers: { host } }, (res) => {
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
      await new Promise((r) => setTimeout(r, 50));
      expect(authed.events.map((e) => e.event)).toContain('conversation.updated');
      expect(authed.events[0]?.seq).toBeGreaterThan(0);
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
});
