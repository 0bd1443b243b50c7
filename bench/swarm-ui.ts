/**
 * bench:swarm-ui — how fast the core produces swarm events, and how smoothly the window draws a
 * 200-agent swarm while they arrive.
 *
 * 1. Core throughput: a real 200-agent swarm (coordinator, 198 workers in dependent layers,
 *    reviewer) runs in `cell0 serve` against a fake model server that answers at once; a
 *    WebSocket client counts the `swarm.event` frames it receives (run_events_per_s: what a real
 *    run produces). Then that run's events are pushed as fast as they go through the event bus,
 *    the gateway and the store (events_per_s: the core's capacity).
 * 2. Frame time: that run's stored events are played again, as a new live run, into the real
 *    window in Chromium: all 200 agents appear, then the rest of the events arrive at 50 a second
 *    for the measuring window. A requestAnimationFrame loop in the page records every frame's
 *    duration; p50/p95 are printed (goal: p95 under 33 ms).
 *
 * Progress goes to stderr; the last line of stdout is one JSON object with the figures.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { silentLogger } from '../src-main/core/base/logger.js';
import type { SwarmEvent, SwarmRun } from '../src-main/core/protocol/swarm-entities.js';
import { startServe } from '../src-main/serve.js';
import { StorageService } from '../src-main/core/storage/storage-service.js';
import { SwarmStore } from '../src-main/core/swarms/swarm-store.js';
import { chromiumLaunchOptions } from '../test/fixtures/chromium.js';
import { FakeOpenAI } from '../test/fixtures/fake-openai.js';
import { swarmResponder } from '../test/fixtures/swarm-script.js';

const AGENTS = 200;
const WORKERS = AGENTS - 2;
const LAYERS = 6;
/** The rate the window receives (BENCH_EVENTS_PER_S=0 measures the idle graph, a baseline). */
const EVENTS_PER_SECOND = Number(process.env.BENCH_EVENTS_PER_S ?? 50);
const MEASURE_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const GOAL_P95_MS = 33;

/** What the page-side functions use of the browser (this file is type-checked without the DOM). */
interface PageGlobals {
  location: { hash: string };
  document: { querySelectorAll(selector: string): { length: number } };
  __frames: number[];
  __stop: boolean;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Client {
  call<T>(method: string, params?: unknown): Promise<T>;
  onEvent(listener: (event: string, payload: unknown) => void): void;
  close(): void;
}

async function connect(port: number, token: string): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: ((event: string, payload: unknown) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as {
      type: string;
      id?: string;
      ok?: boolean;
      result?: unknown;
      error?: { message: string };
      event?: string;
      payload?: unknown;
    };
    if (frame.type === 'event') for (const l of listeners) l(frame.event!, frame.payload);
    else if (frame.id && pending.has(frame.id)) {
      const p = pending.get(frame.id)!;
      pending.delete(frame.id);
      if (frame.ok) p.resolve(frame.result);
      else p.reject(new Error(frame.error?.message ?? 'request failed'));
    }
  });
  let id = 0;
  const client: Client = {
    call<T>(method: string, params?: unknown) {
      const reqId = String(++id);
      ws.send(JSON.stringify({ type: 'req', id: reqId, method, params }));
      return new Promise<T>((resolve, reject) =>
        pending.set(reqId, { resolve: resolve as (v: unknown) => void, reject }),
      );
    },
    onEvent: (l) => listeners.push(l),
    close: () => ws.close(),
  };
  await client.call('session.hello', { token });
  return client;
}

/** The plan: 198 workers in layers, each depending on two agents of the layer before. */
function layeredPlan() {
  const perLayer = Math.ceil(WORKERS / LAYERS);
  return Array.from({ length: WORKERS }, (_, i) => {
    const layer = Math.floor(i / perLayer);
    const dependsOn =
      layer === 0 ? [] : [`w${(layer - 1) * perLayer + (i % perLayer)}`, `w${(layer - 1) * perLayer}`];
    return { id: `w${i}`, title: `Worker ${i}`, dependsOn: [...new Set(dependsOn)] };
  });
}

async function coreThroughput(client: Client, fake: FakeOpenAI, conversationId: string) {
  const plan = layeredPlan();
  const workers = Object.fromEntries(
    plan.map((s) => [s.id, { replies: [{ tokens: Array.from({ length: 12 }, (_, k) => `part${k} `) }] }]),
  );
  fake.responder = swarmResponder({ plan, workers, merge: 'All layers done.' }).respond;
  let frames = 0;
  let runId = '';
  let resolveEnd!: (run: SwarmRun) => void;
  const ended = new Promise<SwarmRun>((r) => (resolveEnd = r));
  client.onEvent((event, payload) => {
    if (event === 'swarm.event') frames++;
    if (event === 'swarm.updated') {
      const { run } = payload as { run: SwarmRun };
      if (run.id === runId && ['done', 'failed', 'stopped'].includes(run.status)) resolveEnd(run);
    }
  });
  const started = performance.now();
  const { run } = await client.call<{ run: SwarmRun }>('swarm.start', {
    conversationId,
    task: 'Benchmark: a wide, layered swarm.',
    clientMessageId: randomUUID(),
    budget: {
      maxAgents: AGENTS,
      concurrency: 32,
      tokens: 50_000_000,
      costUsd: 0,
      toolCalls: 10,
      wallTimeMs: 30 * 60_000,
    },
  });
  runId = run.id;
  const end = await ended;
  // Asking for the events writes the last batch, so the stored run is complete for what follows.
  await client.call('swarm.events', { runId: run.id, limit: 1 });
  const seconds = (performance.now() - started) / 1000;
  if (end.status !== 'done')
    throw new Error(`the benchmark swarm ended ${end.status}: ${end.error?.message}`);
  log(
    `core: ${end.usage.agents} agents, ${frames} events in ${seconds.toFixed(2)} s → ${Math.round(frames / seconds)} events/s`,
  );
  return { runId: run.id, events: frames, seconds, eventsPerSecond: frames / seconds };
}

/**
 * The core's capacity: a run's events pushed as fast as they can go through the event bus, the
 * WebSocket gateway and the batched store writes, until the client has received every one.
 */
async function coreCapacity(
  port: number,
  token: string,
  dataDir: string,
  bus: { emit(event: 'swarm.event', payload: unknown): void },
  sourceRunId: string,
) {
  const storage = new StorageService(dataDir);
  await storage.start();
  const store = new SwarmStore(storage.db);
  const original = await store.run(sourceRunId);
  const events = await store.events(sourceRunId, 0, 1_000_000);
  const rounds = 5;
  const client = await connect(port, token);
  const runId = randomUUID();
  await store.saveRun({ ...original, id: runId });
  const total = events.length * rounds;
  let received = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  client.onEvent((event) => {
    if (event === 'swarm.event' && ++received === total) resolveAll();
  });
  const started = performance.now();
  let seq = 0;
  // In batches, as a run flushes them; between batches the socket drains (the gateway drops a
  // client that lets megabytes pile up, so an unpaced burst would measure that, not throughput).
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < events.length; i += 100) {
      const batch = events
        .slice(i, i + 100)
        .map((e) => ({ ...e, runId, seq: ++seq, at: Date.now() }) as SwarmEvent);
      for (const e of batch) bus.emit('swarm.event', { event: e });
      await store.write([], batch);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await all;
  const seconds = (performance.now() - started) / 1000;
  client.close();
  await storage.stop();
  log(
    `core capacity: ${total} events through bus, gateway and store in ${seconds.toFixed(2)} s → ${Math.round(total / seconds)} events/s`,
  );
  return total / seconds;
}

/** Opens a run's graph in the window. */
async function openRun(page: Page, runId: string): Promise<void> {
  await page.evaluate((id) => {
    const w = globalThis as unknown as PageGlobals;
    w.location.hash = `${w.location.hash.replace(/&?swarm=[^&]*/, '')}&swarm=${id}`;
  }, runId);
  await page.locator(`[data-swarm-run="${runId}"] .react-flow__node`).first().waitFor({ timeout: 30_000 });
}

async function frameTimes(
  serveUrl: string,
  dataDir: string,
  bus: { emit(event: 'swarm.event' | 'swarm.updated', payload: unknown): void },
  source: { runId: string; conversationId: string },
) {
  // A second connection to the same database (WAL) holds the copy of the run.
  const storage = new StorageService(dataDir);
  await storage.start();
  const store = new SwarmStore(storage.db);
  const original = await store.run(source.runId);
  const events = await store.events(source.runId, 0, 1_000_000);
  const runId = randomUUID();
  const run: SwarmRun = { ...original, id: runId, status: 'running', finalAnswer: null, endedAt: null };
  await store.saveRun(run);
  const copy = (e: SwarmEvent, seq: number): SwarmEvent =>
    ({ ...e, runId, seq, at: Date.now() }) as SwarmEvent;
  // Agents keep their ids; they belong to the new run.
  const agents = events.filter((e) => e.type === 'agent.spawned').length;

  const browser = await chromium.launch(chromiumLaunchOptions);
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(serveUrl);
  await page.waitForLoadState('networkidle');
  bus.emit('swarm.updated', { run });

  // Everything up to the last spawn arrives at once: the graph starts with all its agents.
  let seq = 0;
  const lastSpawn = events.map((e) => e.type).lastIndexOf('agent.spawned');
  const head = events.slice(0, lastSpawn + 1).map((e) => copy(e, ++seq));
  await store.write([], head);
  for (const e of head) bus.emit('swarm.event', { event: e });
  await openRun(page, runId);
  await page.waitForFunction(
    ([id, n]) =>
      (globalThis as unknown as PageGlobals).document.querySelectorAll(
        `[data-swarm-run="${id}"] .react-flow__node`,
      ).length >= n,
    [runId, agents] as const,
    { timeout: 60_000 },
  );
  log(`ui: ${agents} agents on the graph; measuring ${MEASURE_SECONDS} s at ${EVENTS_PER_SECOND} events/s`);

  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__stop = false;
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    // Long animation frames, for BENCH_PROFILE=1: where the time of the slow frames went.
    window.__loaf = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          window.__loaf.push({
            duration: e.duration,
            script: e.scripts.reduce((n, s) => n + s.duration, 0),
            layout: e.startTime + e.duration - e.styleAndLayoutStart,
            render: e.styleAndLayoutStart - e.renderStart,
            invokers: e.scripts.map((s) => s.invoker + ' ' + Math.round(s.duration)).join(', '),
          });
        }
      }).observe({ type: 'long-animation-frame', buffered: false });
    } catch {}
  })()`);
  const tail = events.slice(lastSpawn + 1).filter((e) => e.type !== 'run.status' && e.type !== 'run.final');
  const total = EVENTS_PER_SECOND * MEASURE_SECONDS;
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * EVENTS_PER_SECOND));
      for (; sent < due; sent++) {
        bus.emit('swarm.event', { event: copy(tail[sent % tail.length]!, ++seq) });
      }
      if (performance.now() - started >= MEASURE_SECONDS * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const seconds = (performance.now() - started) / 1000;
  const frames = await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    w.__stop = true;
    return w.__frames.slice(1);
  });
  if (process.env.BENCH_PROFILE) {
    const loaf = (await page.evaluate('window.__loaf')) as {
      duration: number;
      script: number;
      layout: number;
      render: number;
      invokers: string;
    }[];
    const sum = (k: 'duration' | 'script' | 'layout' | 'render') =>
      Math.round(loaf.reduce((n, e) => n + e[k], 0));
    log(
      `profile: ${loaf.length} long frames (> 50 ms of work): ${sum('duration')} ms in all, ` +
        `scripts ${sum('script')} ms, rendering ${sum('render')} ms, style and layout ${sum('layout')} ms`,
    );
    for (const e of [...loaf].sort((a, b) => b.duration - a.duration).slice(0, 8)) {
      log(
        `  ${Math.round(e.duration)} ms: scripts ${Math.round(e.script)}, layout ${Math.round(e.layout)} — ${e.invokers}`,
      );
    }
  }
  await browser.close();
  await storage.stop();
  return { frames, sent, seconds };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'cell0-bench-swarm-'));
  const fake = new FakeOpenAI();
  await fake.start();
  const serve = await startServe({
    port: 0,
    dataDir: dir,
    rendererDir: fileURLToPath(new URL('../out/renderer/', import.meta.url)),
    logger: silentLogger,
    keychainService: `Cell 0 bench ${randomUUID()}`,
  });
  try {
    const client = await connect(serve.port, serve.token);
    await client.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-small',
    });
    await client.call('settings.setOnboardingDone', { done: true });
    const conversation = await client.call<{ id: string }>('conversations.create', {
      title: 'Benchmark swarm',
    });
    const core = await coreThroughput(client, fake, conversation.id);
    client.close();
    const capacity = await coreCapacity(serve.port, serve.token, dir, serve.core.bus, core.runId);
    const ui = await frameTimes(serve.url, dir, serve.core.bus, {
      runId: core.runId,
      conversationId: conversation.id,
    });
    const p50 = percentile(ui.frames, 50);
    const p95 = percentile(ui.frames, 95);
    log(
      `ui: ${ui.sent} events in ${ui.seconds.toFixed(1)} s (${(ui.sent / ui.seconds).toFixed(1)}/s), ` +
        `${ui.frames.length} frames: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...ui.frames).toFixed(1)} ms ` +
        `(goal p95 < ${GOAL_P95_MS} ms: ${p95 < GOAL_P95_MS ? 'met' : 'MISSED'})`,
    );
    console.log(
      JSON.stringify({
        frame_p50_ms: round(p50),
        frame_p95_ms: round(p95),
        events_per_s: Math.round(capacity),
        run_events_per_s: Math.round(core.eventsPerSecond),
        ui_events_per_s: round(ui.sent / ui.seconds),
        agents: AGENTS,
      }),
    );
  } finally {
    await serve.stop();
    await fake.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
