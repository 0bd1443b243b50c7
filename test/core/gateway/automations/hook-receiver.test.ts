import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { openGateway } from '../../../../src-main/core/gateway/open-gateway.js';
import type { WsGateway } from '../../../../src-main/core/gateway/ws-gateway.js';
import {
  githubSignature,
  standardSignature,
} from '../../../../src-main/core/gateway/automations/webhook-signature.js';
import type { AutomationRun } from '../../../../src-main/core/protocol/automation-entities.js';
import type { EventPayload } from '../../../../src-main/core/protocol/events.js';
import { FakeOpenAI } from '../../../fixtures/fake-openai.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';

const SECRET = 'it-is-a-shared-secret';

let fake: FakeOpenAI;
let t: TestCore;
let gateway: WsGateway;

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
    token: 'x'.repeat(32),
    port: 0,
    staticDir: null,
  });
});

afterEach(async () => {
  await gateway.stop();
  await t.close();
  await fake.stop();
});

interface Reply {
  status: number;
  headers: Record<string, unknown>;
  json: Record<string, unknown>;
  text: string;
}

function post(path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<Reply> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: gateway.port,
        path,
        method: 'POST',
        // A tunnel's host name: deliveries are let in by their signature, not by where they came from.
        headers: { host: 'hooks.example.net', 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

function runEnded(runId: string): Promise<AutomationRun> {
  return t
    .waitFor((f) => {
      if (f.event !== 'automation.run') return false;
      const { run } = f.payload as EventPayload<'automation.run'>;
      return run.id === runId && ['complete', 'error', 'stopped'].includes(run.status);
    })
    .then((f) => (f.payload as EventPayload<'automation.run'>).run);
}

function chatRequests(): number {
  return fake.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
}

async function addHook(extra: Record<string, unknown> = {}) {
  return t.call('hooks.add', {
    name: 'github',
    prompt: 'Review PR #{{ $.pull_request.number }}: {{ pull_request.title }} by {{ $.sender.login }}',
    secret: SECRET,
    ...extra,
  });
}

const payload = JSON.stringify({
  action: 'opened',
  pull_request: { number: 42, title: 'Fix the flux capacitor' },
  sender: { login: 'marty' },
});

describe('webhooks', () => {
  it('verifies GitHub’s X-Hub-Signature-256 over the raw body and runs the filled prompt', async () => {
    await addHook();
    fake.script({ tokens: ['Looks', ' good.'] });
    const res = await post('/hooks/github', payload, {
      'x-hub-signature-256': githubSignature(SECRET, Buffer.from(payload)),
      'x-github-delivery': 'delivery-1',
    });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ queued: true, deliveryId: 'delivery-1' });
    const run = await runEnded(res.json.runId as string);
    expect(run).toMatchObject({ status: 'complete', trigger: 'delivery', deliveryId: 'delivery-1' });
    const messages = await t.call('messages.page', {
      conversationId: run.conversationId!,
      offset: 0,
      limit: 50,
    });
    expect(messages.messages.map((m) => m.content)).toEqual([
      'Review PR #42: Fix the flux capacitor by marty',
      'Looks good.',
    ]);
  });

  it('verifies the Standard Webhooks form with its timestamp', async () => {
    const { secret } = await t.call('hooks.add', { name: 'std', prompt: 'Event {{ $.type }}' });
    expect(secret).toMatch(/^whsec_/);
    const now = Math.floor(Date.now() / 1000);
    const body = Buffer.from(JSON.stringify({ type: 'invoice.paid' }));
    const res = await post('/hooks/std', body, {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(now),
      'webhook-signature': `v1,bm90LXRoaXMtb25l ${standardSignature(secret!, 'msg_1', now, body)}`,
    });
    expect(res.status).toBe(202);
    const run = await runEnded(res.json.runId as string);
    expect(run.status).toBe('complete');
  });

  it('refuses a tampered byte with 401, one audit record and no stack trace, and runs nothing', async () => {
    await addHook();
    const signature = githubSignature(SECRET, Buffer.from(payload));
    const tampered = payload.replace('42', '43');
    const auditBefore = (await t.call('audit.list', { limit: 10 })).total;
    const res = await post('/hooks/github', tampered, { 'x-hub-signature-256': signature });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code: 'WEBHOOK_UNAUTHORIZED', message: expect.any(String) } });
    expect(res.text).not.toMatch(/at .*\.ts:\d+|Error:/);
    const audit = await t.call('audit.list', { limit: 10 });
    expect(audit.total).toBe(auditBefore + 1);
    expect(audit.records[0]).toMatchObject({ kind: 'webhook.refuse', actor: 'webhook:github' });
    expect(audit.records[0]!.outcome).toContain('does not match');
    const { hooks } = await t.call('automations.list');
    expect(hooks[0]!.lastRun).toBeNull();
    expect(chatRequests()).toBe(0);
  });

  it('refuses a Standard Webhooks delivery whose timestamp is stale, though its signature is right', async () => {
    const { secret } = await t.call('hooks.add', { name: 'std', prompt: 'Event' });
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    const body = Buffer.from('{}');
    const res = await post('/hooks/std', body, {
      'webhook-id': 'msg_old',
      'webhook-timestamp': String(stale),
      'webhook-signature': standardSignature(secret!, 'msg_old', stale, body),
    });
    expect(res.status).toBe(401);
    const audit = await t.call('audit.list', { limit: 10 });
    expect(audit.records[0]!.outcome).toContain('webhook-timestamp');
  });

  it('answers a replayed delivery 200 with the first run, and does not run it twice', async () => {
    await addHook();
    const headers = {
      'x-hub-signature-256': githubSignature(SECRET, Buffer.from(payload)),
      'x-github-delivery': 'delivery-7',
    };
    const first = await post('/hooks/github', payload, headers);
    expect(first.status).toBe(202);
    await runEnded(first.json.runId as string);
    const again = await post('/hooks/github', payload, headers);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ replayed: true, deliveryId: 'delivery-7', runId: first.json.runId });
    const runs = await t.call('automations.runs', {
      automationId: (await t.call('automations.list')).hooks[0]!.id,
    });
    expect(runs.runs).toHaveLength(1);
    expect(chatRequests()).toBe(1);
  });

  it('takes a bearer secret when the hook is set to one', async () => {
    await addHook({ auth: 'bearer', name: 'bearer' });
    const wrong = await post('/hooks/bearer', payload, { authorization: 'Bearer nope-nope-nope' });
    expect(wrong.status).toBe(401);
    const right = await post('/hooks/bearer', payload, {
      authorization: `Bearer ${SECRET}`,
      'idempotency-key': 'k1',
    });
    expect(right.status).toBe(202);
    await runEnded(right.json.runId as string);
  });

  it('refuses a body over the hook’s limit with 413 before reading it all', async () => {
    await addHook({ maxBodyBytes: 2048 });
    const big = JSON.stringify({ blob: 'x'.repeat(4096) });
    const res = await post('/hooks/github', big, {
      'x-hub-signature-256': githubSignature(SECRET, Buffer.from(big)),
    });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(chatRequests()).toBe(0);
  });

  it('keeps to the hook’s rate: past it, 429 with Retry-After', async () => {
    await addHook({ ratePerMinute: 2, tools: 'off' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post('/hooks/github', payload, {
        'x-hub-signature-256': githubSignature(SECRET, Buffer.from(payload)),
        'x-github-delivery': `d-${i}`,
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([202, 202, 429]);
  });

  it('answers 404 for a hook that does not exist and 405 for a GET', async () => {
    expect((await post('/hooks/nope', '{}')).status).toBe(404);
    await addHook();
    const get = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: gateway.port, path: '/hooks/github', method: 'GET' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(get).toBe(405);
  });

  it('runs every delivery of a hook with a conversation in that one conversation, one after another', async () => {
    const conversation = await t.call('conversations.create', {});
    await addHook({ conversationId: conversation.id });
    const ids: string[] = [];
    for (const d of ['a', 'b']) {
      const res = await post('/hooks/github', payload, {
        'x-hub-signature-256': githubSignature(SECRET, Buffer.from(payload)),
        'x-github-delivery': d,
      });
      ids.push(res.json.runId as string);
    }
    const runs = await Promise.all(ids.map(runEnded));
    expect(runs.map((r) => [r.status, r.conversationId])).toEqual([
      ['complete', conversation.id],
      ['complete', conversation.id],
    ]);
    const { messages } = await t.call('messages.page', {
      conversationId: conversation.id,
      offset: 0,
      limit: 50,
    });
    expect(messages).toHaveLength(4);
  });
});
