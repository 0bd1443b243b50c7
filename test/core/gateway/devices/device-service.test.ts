import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { claimMessage } from '../../../../src-main/core/gateway/devices/device-service.js';
import { scopeAllows } from '../../../../src-main/core/gateway/devices/device-scopes.js';
import { openGateway } from '../../../../src-main/core/gateway/open-gateway.js';
import type { WsGateway } from '../../../../src-main/core/gateway/ws-gateway.js';
import type { DeviceScope } from '../../../../src-main/core/protocol/device-entities.js';
import { FakeOpenAI } from '../../../fixtures/fake-openai.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';
import { TestWsClient } from '../../../helpers/ws-client.js';

let fake: FakeOpenAI;
let t: TestCore;
let gateway: WsGateway;
const ACCESS_TOKEN = 'a'.repeat(32);

beforeEach(async () => {
  fake = new FakeOpenAI();
  await fake.start();
  t = await startTestCore({ flushIntervalMs: 20 });
  await t.call('providers.save', {
    kind: 'openai-compatible',
    name: 'Fake',
    baseUrl: fake.baseUrl,
    defaultModel: 'fake-small',
  });
  gateway = await openGateway({
    core: t.core,
    logger: silentLogger,
    token: ACCESS_TOKEN,
    port: 0,
    staticDir: null,
  });
});

afterEach(async () => {
  await gateway.stop();
  await t.close();
  await fake.stop();
});

const url = () => `ws://127.0.0.1:${gateway.port}/ws`;

/** What `cell0 pair` does: a key pair, a pairing request, the owner's approval, the claim. */
async function pairDevice(name: string, scope: DeviceScope): Promise<{ token: string; deviceId: string }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const client = await TestWsClient.connect(url());
  try {
    const asked = await client.call('devices.pair', {
      name,
      scope,
      publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64url'),
    });
    if (!asked.ok) throw new Error(asked.error.message);
    const { deviceId, code } = asked.result as { deviceId: string; code: string };
    const signature = sign(null, claimMessage(deviceId), privateKey).toString('base64url');
    expect(await client.call('devices.claim', { deviceId, signature })).toMatchObject({
      ok: true,
      result: { state: 'pending', token: null },
    });
    const pending = await t.call('devices.list');
    expect(pending.devices.find((d) => d.id === deviceId)).toMatchObject({ state: 'pending', code, name });
    // The owner approves in the window, typing the code as printed (case and dash do not matter).
    await t.call('devices.approve', { code: code.toLowerCase().replace('-', '') });
    const claimed = await client.call('devices.claim', { deviceId, signature });
    const result = (claimed as { result: { state: string; token: string; scope: string } }).result;
    expect(result).toMatchObject({ state: 'paired', scope });
    // Once only: the token is handed out a single time.
    expect(await client.call('devices.claim', { deviceId, signature })).toMatchObject({
      ok: true,
      result: { state: 'refused', token: null },
    });
    return { token: result.token, deviceId };
  } finally {
    client.close();
  }
}

async function connectAs(token: string): Promise<TestWsClient> {
  const client = await TestWsClient.connect(url());
  const hello = await client.call('session.hello', { token });
  expect(hello.ok).toBe(true);
  return client;
}

describe('paired devices', () => {
  it('gives two devices their scopes: read-only is refused chat.send, chat may send', async () => {
    const reader = await pairDevice('dashboard', 'read-only');
    const writer = await pairDevice('editor', 'chat');
    const conversation = await t.call('conversations.create', {});

    const r = await connectAs(reader.token);
    const w = await connectAs(writer.token);
    try {
      expect(await r.call('conversations.list')).toMatchObject({ ok: true });
      expect(
        await r.call('chat.send', { conversationId: conversation.id, text: 'hi', clientMessageId: 'r-1' }),
      ).toMatchObject({ ok: false, error: { code: 'SCOPE_DENIED' } });
      expect(await r.call('conversations.create', {})).toMatchObject({
        ok: false,
        error: { code: 'SCOPE_DENIED' },
      });

      fake.script({ tokens: ['Hello', ' editor.'] });
      expect(
        await w.call('chat.send', { conversationId: conversation.id, text: 'hi', clientMessageId: 'w-1' }),
      ).toMatchObject({ ok: true });
      // Neither may change settings or manage devices.
      expect(
        await w.call('providers.save', {
          kind: 'openai-compatible',
          name: 'x',
          baseUrl: 'http://x',
          defaultModel: null,
        }),
      ).toMatchObject({ ok: false, error: { code: 'SCOPE_DENIED' } });
      expect(await w.call('devices.revoke', { id: reader.deviceId })).toMatchObject({
        ok: false,
        error: { code: 'SCOPE_DENIED' },
      });
      const { devices } = await t.call('devices.list');
      expect(
        devices
          .filter((d) => d.state === 'paired')
          .map((d) => [d.name, d.scope])
          .sort(),
      ).toEqual([
        ['dashboard', 'read-only'],
        ['editor', 'chat'],
      ]);
      expect(devices.every((d) => d.lastSeen !== null)).toBe(true);
    } finally {
      r.close();
      w.close();
    }
  });

  it('disconnects a revoked device at once, and its token opens nothing after', async () => {
    const device = await pairDevice('script', 'full');
    const client = await connectAs(device.token);
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    await t.call('devices.revoke', { id: device.deviceId });
    expect(await closed).toBe(4001);
    const again = await TestWsClient.connect(url());
    try {
      expect(await again.call('session.hello', { token: device.token })).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
    } finally {
      again.close();
    }
    const { records } = await t.call('audit.list', { limit: 5 });
    expect(records.map((rec) => rec.kind).slice(0, 2)).toEqual(['device.revoke', 'device.pair']);
  });

  it('keeps the access token `serve` printed for the browser UI', async () => {
    const client = await connectAs(ACCESS_TOKEN);
    try {
      expect(await client.call('devices.list')).toMatchObject({ ok: true });
    } finally {
      client.close();
    }
  });

  it('hands the token to a claim that polls while the owner approves, never "refused"', async () => {
    // `cell0 pair` polls every second; a poll that read the row just as it turned "paired" used
    // to find no token yet and was told the owner had turned the device away.
    for (let round = 0; round < 20; round++) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const client = await TestWsClient.connect(url());
      try {
        const asked = await client.call('devices.pair', {
          name: `poller ${round}`,
          scope: 'chat',
          publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64url'),
        });
        const { deviceId, code } = (asked as { result: { deviceId: string; code: string } }).result;
        const signature = sign(null, claimMessage(deviceId), privateKey).toString('base64url');
        const approved = t.call('devices.approve', { code });
        let state = 'pending';
        while (state === 'pending') {
          const claimed = await client.call('devices.claim', { deviceId, signature });
          state = (claimed as { result: { state: string } }).result.state;
        }
        await approved;
        expect(state).toBe('paired');
      } finally {
        client.close();
      }
    }
  });

  it('refuses a claim signed by another key, and an unknown code', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');
    const client = await TestWsClient.connect(url());
    try {
      const asked = await client.call('devices.pair', {
        name: 'x',
        scope: 'chat',
        publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64url'),
      });
      const { deviceId } = (asked as { result: { deviceId: string } }).result;
      const forged = sign(null, claimMessage(deviceId), other.privateKey).toString('base64url');
      expect(await client.call('devices.claim', { deviceId, signature: forged })).toMatchObject({
        ok: false,
        error: { code: 'SIGNATURE_INVALID' },
      });
      await expect(t.call('devices.approve', { code: 'ZZZ-ZZZ' })).rejects.toMatchObject({
        code: 'PAIRING_FAILED',
      });
    } finally {
      client.close();
    }
  });
});

describe('device scopes', () => {
  it('lets read-only read, chat talk, and nobody but the owner manage devices', () => {
    expect(scopeAllows('read-only', 'messages.page')).toBe(true);
    expect(scopeAllows('read-only', 'chat.send')).toBe(false);
    expect(scopeAllows('chat', 'chat.send')).toBe(true);
    expect(scopeAllows('chat', 'permissions.respond')).toBe(false);
    expect(scopeAllows('full', 'permissions.respond')).toBe(true);
    expect(scopeAllows('full', 'devices.approve')).toBe(false);
  });
});
