import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonStatus, Memory } from '../../../src-main/core/protocol/memory-entities.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import {
  addExchange,
  eventsNamed,
  openMemoryFixture,
  operationsReply,
  useModel,
  type MemoryFixture,
} from './memory-fixture.js';

const WEEK = 7 * 24 * 3600_000;
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function fixture(options: Parameters<typeof openMemoryFixture>[0] = {}): Promise<MemoryFixture> {
  const f = await openMemoryFixture(options);
  cleanup.push(() => f.remove());
  return f;
}

async function fakeModel(): Promise<FakeOpenAI> {
  const fake = new FakeOpenAI();
  await fake.start();
  cleanup.push(() => fake.stop());
  return fake;
}

function modelRequests(fake: FakeOpenAI) {
  return fake.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => JSON.stringify(r.body));
}

async function all(f: MemoryFixture): Promise<Memory[]> {
  return (await f.memory.store.list({ includeRetired: true, limit: 500 })).memories;
}

/** A model server that takes requests and never answers: the child is killed while it waits. */
async function silentServer(): Promise<{ url: string; received: Promise<void>; server: Server }> {
  let arrived!: () => void;
  const received = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req) => {
    if (req.url?.endsWith('/chat/completions')) arrived();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, received, server };
}

describe('the memory daemon', () => {
  it('redoes a step killed mid-way exactly once after a restart, without duplicates', async () => {
    const hang = await silentServer();
    let f = await openMemoryFixture();
    const { dataDir, keychainService } = f;
    cleanup.push(() => openMemoryFixture({ dataDir, keychainService }).then((g) => g.remove()));
    await useModel(f, hang.url);
    const conv = await f.conversations.create('Moving');
    const said = await addExchange(f, conv.id, 'We move to Porto on 2024-06-01.', 'Exciting!');
    const start = f.clock.now;
    await f.close();

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./daemon-child.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          CELL0_MEMORY_DIR: dataDir,
          CELL0_MEMORY_KEYCHAIN: keychainService,
          CELL0_MEMORY_NOW: String(start),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await hang.received;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(output).not.toContain('finished');

    const fake = await fakeModel();
    f = await openMemoryFixture({ dataDir, keychainService, start });
    const task = await f.storage.db.get<{ value: string }>(
      "SELECT value FROM memory_daemon_state WHERE key = 'task'",
    );
    expect(JSON.parse(task!.value)).toEqual({ kind: 'extract', conversationId: conv.id });
    expect(await all(f)).toEqual([]);

    await useModel(f, fake.baseUrl);
    fake.script(
      operationsReply([
        {
          op: 'add',
          text: 'The owner moves to Porto on 2024-06-01.',
          kind: 'event',
          importance: 0.8,
          eventDate: '2024-06-01',
          sourceIndexes: [0],
        },
      ]),
    );
    await f.memory.runUntilIdle();
    await f.memory.runUntilIdle();

    expect(modelRequests(fake)).toHaveLength(1);
    const memories = await all(f);
    expect(memories.map((m) => [m.text, m.sources])).toEqual([
      [
        'The owner moves to Porto on 2024-06-01.',
        [{ conversationId: conv.id, messageId: said.userMessage.id }],
      ],
    ]);
    const state = await f.storage.db.all<{ key: string; value: string }>(
      "SELECT key, value FROM memory_daemon_state WHERE key IN ('task', ?)",
      [`extract:${conv.id}`],
    );
    expect(state).toEqual([{ key: `extract:${conv.id}`, value: '1' }]);
    await f.close();
  });

  it('skips model work when the daily budget is spent, and still indexes and decays', async () => {
    const fake = await fakeModel();
    const f = await fixture();
    await useModel(f, fake.baseUrl);
    await f.memory.setBudget(10);
    const conv = await f.conversations.create('Budget');
    await addExchange(f, conv.id, 'My dog is called Rex.', 'Hello Rex!');
    const memory = await f.memory.store.create({ text: 'The owner likes hiking.', createdBy: 'owner' });
    f.clock.now += 2 * WEEK;

    await f.memory.runUntilIdle();

    expect(modelRequests(fake)).toEqual([]);
    const status = await f.memory.status();
    expect(status).toMatchObject({ state: 'budget-exhausted', tokensToday: 0, budgetPerDay: 10 });
    expect(eventsNamed<{ status: DaemonStatus }>(f, 'memory.status').at(-1)!.status.state).toBe(
      'budget-exhausted',
    );
    const vectors = await f.storage.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM vectors');
    expect(vectors!.n).toBeGreaterThanOrEqual(3);
    expect((await f.memory.store.get(memory.id)).importance).toBeCloseTo(0.5 * 0.98 ** 2, 3);

    // Raising the budget lets the held-back work run.
    fake.script(
      operationsReply([
        {
          op: 'add',
          text: 'The owner has a dog called Rex.',
          kind: 'fact',
          importance: 0.6,
          sourceIndexes: [0],
        },
      ]),
    );
    expect((await f.memory.setBudget(100_000)).state).toBe('idle');
    await f.memory.runUntilIdle();
    expect(modelRequests(fake)).toHaveLength(1);
    expect((await f.memory.status()).state).toBe('idle');
  });

  it('says no-model when no provider is set up, and error when the model fails', async () => {
    const f = await fixture();
    const conv = await f.conversations.create('No model');
    await addExchange(f, conv.id, 'Remember my birthday is 1990-03-04.', 'Sure.');
    await f.memory.runUntilIdle();
    expect((await f.memory.status()).state).toBe('no-model');

    const fake = await fakeModel();
    await useModel(f, fake.baseUrl);
    fake.script({ status: 401 });
    await f.memory.runUntilIdle();
    const status = await f.memory.status();
    expect(status.state).toBe('error');
    expect(status.lastError).toMatch(/API key/);
  });

  it('saves durable notes from the part of a long conversation it summarises, before the summary', async () => {
    const fake = await fakeModel();
    const f = await fixture({ timing: { idleMs: 24 * 3600_000 } });
    await useModel(f, fake.baseUrl);
    const conv = await f.conversations.create('Long');
    const first = await addExchange(f, conv.id, 'My partner is called Sam.', 'Noted.');
    for (let i = 1; i < 30; i++) await addExchange(f, conv.id, `Small talk ${i}`, `Reply ${i}`);
    fake.script(
      operationsReply([
        { op: 'add', text: 'The owner’s partner is Sam.', kind: 'fact', importance: 0.8, sourceIndexes: [0] },
      ]),
      operationsReply([]),
      { tokens: ['The owner introduced their partner Sam, then made small talk.'] },
    );

    await f.memory.runUntilIdle();

    const requests = modelRequests(fake);
    expect(requests).toHaveLength(3);
    expect(requests[0]).toContain('long-term memory');
    expect(requests[1]).toContain('long-term memory');
    expect(requests[2]).toContain('running summary');
    expect((await all(f)).map((m) => [m.text, m.sources[0]!.messageId])).toEqual([
      ['The owner’s partner is Sam.', first.userMessage.id],
    ]);
    const summary = await f.storage.db.get<{ upto_index: number; summary: string }>(
      'SELECT upto_index, summary FROM conversation_summaries WHERE conversation_id = ?',
      [conv.id],
    );
    // 60 messages, the newest 10 left out of the summary.
    expect(summary).toEqual({
      upto_index: 49,
      summary: 'The owner introduced their partner Sam, then made small talk.',
    });
    const cursor = await f.storage.db.get<{ value: string }>(
      'SELECT value FROM memory_daemon_state WHERE key = ?',
      [`extract:${conv.id}`],
    );
    expect(Number(cursor!.value)).toBeGreaterThanOrEqual(49);
  });

  it('merges duplicates: keeps one and retires the other, superseded by it', async () => {
    const f = await fixture();
    const a = await f.memory.store.create({
      text: 'The owner is allergic to peanuts.',
      importance: 0.7,
      createdBy: 'owner',
    });
    f.clock.now += 1000;
    const b = await f.memory.store.create({
      text: 'the owner is allergic to peanuts',
      importance: 0.5,
      createdBy: 'daemon',
    });
    const c = await f.memory.store.create({ text: 'The owner is allergic to cats.', createdBy: 'daemon' });

    await f.memory.runUntilIdle();

    expect(await f.memory.store.get(a.id)).toMatchObject({ status: 'active', importance: 0.7 });
    expect(await f.memory.store.get(b.id)).toMatchObject({ status: 'retired', supersededBy: a.id });
    expect(await f.memory.store.get(c.id)).toMatchObject({ status: 'active', supersededBy: null });
    const updates = eventsNamed<{ memory: Memory }>(f, 'memory.updated').filter((e) => e.memory.id === b.id);
    expect(updates.at(-1)!.memory.status).toBe('retired');
  });

  it('decays unused memories by 0.98 a week, never below 0.05, and never pinned ones', async () => {
    const f = await fixture();
    const stale = await f.memory.store.create({
      text: 'The owner once visited Oslo.',
      importance: 0.5,
      createdBy: 'owner',
    });
    const low = await f.memory.store.create({
      text: 'The owner disliked one film.',
      importance: 0.051,
      createdBy: 'owner',
    });
    const pinned = await f.memory.store.create({
      text: 'Call the owner Sir.',
      importance: 0.5,
      pinned: true,
      createdBy: 'owner',
    });

    f.clock.now += 3 * WEEK + 3600_000;
    await f.memory.runUntilIdle();
    expect((await f.memory.store.get(stale.id)).importance).toBeCloseTo(0.5 * 0.98 ** 3, 3);
    expect((await f.memory.store.get(low.id)).importance).toBe(0.05);
    expect((await f.memory.store.get(pinned.id)).importance).toBe(0.5);

    // Run again at the same time, or after a restart: nothing decays twice.
    await f.memory.runUntilIdle();
    expect((await f.memory.store.get(stale.id)).importance).toBeCloseTo(0.5 * 0.98 ** 3, 3);
    f.clock.now += WEEK;
    await f.memory.runUntilIdle();
    expect((await f.memory.store.get(stale.id)).importance).toBeCloseTo(0.5 * 0.98 ** 4, 3);
  });
});
