import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/core/base/logger.js';
import { openGateway } from '../../src-main/core/gateway/open-gateway.js';
import type { WsGateway } from '../../src-main/core/gateway/ws-gateway.js';
import type { EventPayload } from '../../src-main/core/protocol/events.js';
import { startTestCore, type TestCore } from '../helpers/core.js';
import { TestWsClient } from '../helpers/ws-client.js';

describe('cell0 pair', { timeout: 120_000 }, () => {
  let t: TestCore;
  let gateway: WsGateway;
  beforeAll(async () => {
    t = await startTestCore();
    gateway = await openGateway({
      core: t.core,
      logger: silentLogger,
      token: 'b'.repeat(32),
      port: 0,
      staticDir: null,
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await t.close();
  });

  it('prints a code, waits for the owner, then prints a token that opens a read-only session', async () => {
    const url = `ws://127.0.0.1:${gateway.port}/ws`;
    const script = `import('./src-main/cli/pair-command.ts').then((m) => m.pairCommand(${JSON.stringify(['--name', 'my script', '--scope', 'read-only', '--url', url])}))`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, CELL0_HOME: t.dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const frame = await t.waitFor(
      (f) =>
        f.event === 'devices.changed' &&
        (f.payload as EventPayload<'devices.changed'>).devices.some((d) => d.state === 'pending'),
      60_000,
    );
    const device = (frame.payload as EventPayload<'devices.changed'>).devices.find(
      (d) => d.state === 'pending',
    )!;
    expect(device).toMatchObject({ name: 'my script', scope: 'read-only' });
    await t.call('devices.approve', { code: device.code! });
    // With its stderr, so a failure says why.
    expect({ code: await exited, stderr }).toMatchObject({ code: 0 });
    expect(stderr).toContain(`Pairing code: ${device.code}`);
    const credentials = JSON.parse(stdout) as { token: string; scope: string; deviceId: string };
    expect(credentials).toMatchObject({ scope: 'read-only', deviceId: device.id, url });
    const client = await TestWsClient.connect(url);
    try {
      expect(await client.call('session.hello', { token: credentials.token })).toMatchObject({ ok: true });
      expect(await client.call('conversations.create', {})).toMatchObject({
        ok: false,
        error: { code: 'SCOPE_DENIED' },
      });
    } finally {
      client.close();
    }
  });
});
