/**
 * bench:hooks — signed webhook deliveries over real HTTP to the gateway: verified (HMAC-SHA256,
 * GitHub's form) deliveries per second answered 202 with their run queued, and p50/p99 from a
 * delivery leaving the sender to its run's first model token against the fake model server.
 * The last line is one JSON object with the figures.
 */
import { request, Agent } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src-main/core/app.js';
import { silentLogger } from '../src-main/core/base/logger.js';
import { callCore } from './core-call.js';
import { githubSignature } from '../src-main/core/gateway/automations/webhook-signature.js';
import { openGateway } from '../src-main/core/gateway/open-gateway.js';
import type { AutomationRun } from '../src-main/core/protocol/automation-entities.js';
import { FakeOpenAI } from '../test/fixtures/fake-openai.js';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 40);
const SECRET = 'bench-secret-bench-secret';

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function deliver(port: number, hook: string, n: number): Promise<{ status: number; runId: string }> {
  const body = Buffer.from(JSON.stringify({ action: 'opened', number: n, title: `Change ${n}` }));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/hooks/${hook}`,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'x-hub-signature-256': githubSignature(SECRET, body),
          'x-github-delivery': randomUUID(),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            runId: (JSON.parse(text) as { runId?: string }).runId ?? '',
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'cell0-bench-hooks-'));
  const model = new FakeOpenAI();
  await model.start();
  model.fallback = { tokens: ['Noted', '.'] };
  const core = createCore({
    dataDir: home,
    mode: 'serve',
    logger: silentLogger,
    keychainService: `Cell 0 bench ${randomUUID()}`,
    controlSocket: false,
    memory: { autoStart: false },
  });
  await core.start();
  await core.whenStarted();
  const gateway = await openGateway({
    core,
    logger: silentLogger,
    token: randomUUID(),
    port: 0,
    staticDir: null,
  });
  try {
    await callCore(core, 'providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: model.baseUrl,
      defaultModel: 'fake-small',
    });
    // Throughput: every run queues in one conversation, so what is timed is verify → record → queue.
    const sink = await callCore(core, 'conversations.create', {});
    await callCore(core, 'hooks.add', {
      name: 'throughput',
      prompt: 'PR #{{ $.number }}: {{ $.title }}',
      secret: SECRET,
      conversationId: sink.id,
      tools: 'off',
      ratePerMinute: 6000,
    });
    await callCore(core, 'hooks.add', {
      name: 'latency',
      prompt: 'PR #{{ $.number }}: {{ $.title }}',
      secret: SECRET,
      tools: 'off',
      ratePerMinute: 6000,
    });
    // Warm-up: the keychain read, the first statements.
    await deliver(gateway.port, 'throughput', -1);

    let next = 0;
    let accepted = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < DELIVERIES) {
          const n = next++;
          const res = await deliver(gateway.port, 'throughput', n);
          if (res.status === 202) accepted++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (accepted !== DELIVERIES)
      throw new Error(`only ${accepted} of ${DELIVERIES} deliveries were accepted`);
    const deliveriesPerS = Math.round(DELIVERIES / seconds);
    // The queued runs are not what this part measures: paused and stopped, they do not crowd the next.
    await callCore(core, 'hooks.update', { id: 'throughput', paused: true });
    await callCore(core, 'chat.stop', { conversationId: sink.id });

    // Latency: one delivery at a time, each in a fresh conversation, to its run's first token.
    const runs = new Map<string, AutomationRun>();
    const firstToken = new Map<string, number>();
    const waiting = new Map<string, () => void>();
    const off = core.bus.subscribe((f) => {
      if (f.event === 'automation.run') {
        const run = (f.payload as { run: AutomationRun }).run;
        runs.set(run.id, run);
      } else if (f.event === 'message.delta') {
        const { messageId } = f.payload as { messageId: string };
        if (firstToken.has(messageId)) return;
        firstToken.set(messageId, performance.now());
        for (const run of runs.values()) if (run.messageId === messageId) waiting.get(run.id)?.();
      }
    });
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const sent = performance.now();
      let resolveToken!: () => void;
      const token = new Promise<void>((r) => (resolveToken = r));
      const res = await deliver(gateway.port, 'latency', i);
      if (res.status !== 202) throw new Error(`latency delivery answered ${res.status}`);
      const known = runs.get(res.runId);
      if (known?.messageId && firstToken.has(known.messageId)) resolveToken();
      else waiting.set(res.runId, resolveToken);
      await token;
      samples.push(firstToken.get(runs.get(res.runId)!.messageId!)! - sent);
      waiting.delete(res.runId);
    }
    off();
    const result = {
      deliveries: DELIVERIES,
      concurrency: CONCURRENCY,
      deliveries_per_s: deliveriesPerS,
      latency_samples: LATENCY_SAMPLES,
      p50_first_token_ms: Math.round(percentile(samples, 50) * 10) / 10,
      p99_first_token_ms: Math.round(percentile(samples, 99) * 10) / 10,
    };
    process.stdout.write(
      `bench:hooks\n` +
        `  ${DELIVERIES} signed deliveries, ${CONCURRENCY} at a time: ${deliveriesPerS} verified and queued per second\n` +
        `  delivery → run's first model token (one at a time): p50 ${result.p50_first_token_ms} ms, p99 ${result.p99_first_token_ms} ms\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    agent.destroy();
    await gateway.stop();
    await core.stop();
    await model.stop();
    await rm(home, { recursive: true, force: true });
  }
}

await main();
