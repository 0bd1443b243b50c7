import { afterEach, describe, expect, it } from 'vitest';
import {
  asFailure,
  DaemonFailures,
  MAX_ATTEMPTS,
  MAX_TRANSIENT_ATTEMPTS,
  nextAttempt,
} from '../../../src-main/core/memory/daemon-failures.js';
import { Cell0Error } from '../../../src-main/core/protocol/errors.js';
import type { Memory } from '../../../src-main/core/protocol/memory-entities.js';
import { FakeOpenAI, type ScriptedReply } from '../../fixtures/fake-openai.js';
import { startTestCore } from '../../helpers/core.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import {
  addExchange,
  openMemoryFixture,
  operationsReply,
  useModel,
  type FixtureOptions,
  type MemoryFixture,
} from './memory-fixture.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Longer than any wait between attempts. */
const LATER = 3600_000;

async function fixture(options: FixtureOptions = {}): Promise<MemoryFixture> {
  const f = await openMemoryFixture(options);
  cleanup.push(() => f.remove());
  return f;
}

/**
 * A model server that answers each extraction by the conversation it is about: `failing` says
 * which titles get which error; every other conversation gets one memory naming its title.
 */
async function modelByConversation(failing: Map<string, ScriptedReply>): Promise<FakeOpenAI> {
  const fake = new FakeOpenAI();
  await fake.start();
  cleanup.push(() => fake.stop());
  fake.responder = (body) => {
    const prompt = JSON.stringify(body);
    const title = /Conversation: ([^\\]+)\\n/.exec(prompt)?.[1] ?? '?';
    return (
      failing.get(title) ??
      operationsReply([
        {
          op: 'add',
          text: `The owner talked about ${title}.`,
          kind: 'fact',
          importance: 0.5,
          sourceIndexes: [0],
        },
      ])
    );
  };
  return fake;
}

function requestsAbout(fake: FakeOpenAI, title: string): number {
  return fake.requests.filter(
    (r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes(`Conversation: ${title}\\n`),
  ).length;
}

async function texts(f: MemoryFixture): Promise<string[]> {
  const { memories } = await f.memory.store.list({ limit: 100 });
  return memories.map((m: Memory) => m.text).sort();
}

const badRequest: ScriptedReply = { status: 400, errorMessage: 'Invalid response_format for this model' };

describe('the memory daemon and a conversation it cannot read', () => {
  it('retries it with backoff, then skips and marks it, and never holds up the others', async () => {
    const { logger, lines } = recordingLogger();
    const failing = new Map([['Broken', badRequest]]);
    const fake = await modelByConversation(failing);
    const f = await fixture({ logger });
    await useModel(f, fake.baseUrl);
    const broken = await f.conversations.create('Broken');
    await addExchange(f, broken.id, 'Something the model refuses.', 'Hm.');
    for (const title of ['Trip', 'Garden']) {
      const c = await f.conversations.create(title);
      await addExchange(f, c.id, `About the ${title}.`, 'Noted.');
    }

    await f.memory.runUntilIdle();
    // The failing conversation came first, and the others were read all the same.
    expect(await texts(f)).toEqual(['The owner talked about Garden.', 'The owner talked about Trip.']);
    let status = await f.memory.status();
    expect(status.failures).toEqual([
      {
        conversationId: broken.id,
        title: 'Broken',
        task: 'extract',
        error: { code: 'PROVIDER_ERROR', message: expect.stringContaining('HTTP 400') },
        attempts: 1,
        failedAt: expect.any(Number),
        retryAt: expect.any(Number),
        skipped: false,
      },
    ]);
    const firstRetry = status.failures[0]!.retryAt!;
    const firstWait = firstRetry - status.failures[0]!.failedAt;
    expect(firstWait).toBeGreaterThan(0);

    // Not before its time.
    await f.memory.runUntilIdle();
    expect(requestsAbout(fake, 'Broken')).toBe(1);

    f.clock.now = firstRetry;
    await f.memory.runUntilIdle();
    status = await f.memory.status();
    expect(requestsAbout(fake, 'Broken')).toBe(2);
    expect(status.failures[0]).toMatchObject({ attempts: 2, skipped: false });
    // Each wait is longer than the one before.
    expect(status.failures[0]!.retryAt! - status.failures[0]!.failedAt).toBeGreaterThan(firstWait);

    f.clock.now = status.failures[0]!.retryAt!;
    await f.memory.runUntilIdle();
    status = await f.memory.status();
    expect(status.failures[0]).toMatchObject({ attempts: 3, skipped: true, retryAt: null });
    expect(status.failures[0]!.error.message).toContain('Invalid response_format');

    f.clock.now += LATER;
    await f.memory.runUntilIdle();
    expect(requestsAbout(fake, 'Broken')).toBe(3);
    // Skipped, not lost: its messages are still unread, waiting for Retry.
    const cursor = await f.storage.db.get('SELECT value FROM memory_daemon_state WHERE key = ?', [
      `extract:${broken.id}`,
    ]);
    expect(cursor).toBeUndefined();

    // One line per failure, saying what and why, with no stack trace.
    const logged = lines.filter((l) => l.message.includes(broken.id));
    expect(logged).toHaveLength(3);
    for (const line of logged) {
      expect(line.message).toContain('PROVIDER_ERROR');
      expect(line.detail).toBeUndefined();
    }
    expect(logged[2]!.message).toMatch(/skipped/i);
  });

  it('keeps the mark across a restart, and Retry reads the conversation again', async () => {
    const failing = new Map([['Broken', badRequest]]);
    const fake = await modelByConversation(failing);
    let f = await openMemoryFixture();
    const { dataDir, keychainService } = f;
    cleanup.push(() => openMemoryFixture({ dataDir, keychainService }).then((g) => g.remove()));
    await useModel(f, fake.baseUrl);
    const broken = await f.conversations.create('Broken');
    await addExchange(f, broken.id, 'Something the model refuses.', 'Hm.');
    for (let attempt = 0; attempt < 3; attempt++) {
      await f.memory.runUntilIdle();
      f.clock.now += LATER;
    }
    expect((await f.memory.status()).failures[0]).toMatchObject({ attempts: 3, skipped: true });
    const start = f.clock.now;
    await f.close();

    f = await openMemoryFixture({ dataDir, keychainService, start });
    const status = await f.memory.status();
    expect(status.failures).toEqual([
      expect.objectContaining({ conversationId: broken.id, title: 'Broken', skipped: true, attempts: 3 }),
    ]);
    await f.memory.runUntilIdle();
    expect(requestsAbout(fake, 'Broken')).toBe(3);

    failing.clear();
    expect((await f.memory.retry(broken.id)).failures).toEqual([]);
    await f.memory.runUntilIdle();
    expect(requestsAbout(fake, 'Broken')).toBe(4);
    expect(await texts(f)).toEqual(['The owner talked about Broken.']);
    expect((await f.memory.status()).failures).toEqual([]);
    await expect(f.memory.retry(broken.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await f.close();
  });

  it('does not blame the conversations for a refused key, and logs that failure once', async () => {
    const { logger, lines } = recordingLogger();
    const fake = new FakeOpenAI();
    await fake.start();
    cleanup.push(() => fake.stop());
    fake.fallback = { status: 401 };
    const f = await fixture({ logger });
    await useModel(f, fake.baseUrl);
    for (const title of ['One', 'Two']) {
      const c = await f.conversations.create(title);
      await addExchange(f, c.id, `About ${title}.`, 'Noted.');
    }
    for (let tick = 0; tick < 5; tick++) {
      await f.memory.runUntilIdle();
      f.clock.now += LATER;
    }
    const status = await f.memory.status();
    expect(status).toMatchObject({ state: 'error', failures: [] });
    expect(status.lastError).toMatch(/API key/);
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions').length).toBe(5);
    expect(lines.filter((l) => l.message.includes('PROVIDER_AUTH'))).toHaveLength(1);
  });

  it('lets the others go on while a rate-limited conversation waits', async () => {
    const fake = await modelByConversation(new Map([['Busy', { status: 429, retryAfterSeconds: 1 }]]));
    const f = await fixture();
    await useModel(f, fake.baseUrl);
    const busy = await f.conversations.create('Busy');
    await addExchange(f, busy.id, 'First in the queue.', 'Ok.');
    const other = await f.conversations.create('Other');
    await addExchange(f, other.id, 'Second in the queue.', 'Ok.');

    await f.memory.runUntilIdle();
    expect(await texts(f)).toEqual(['The owner talked about Other.']);
    expect((await f.memory.status()).failures).toEqual([
      expect.objectContaining({
        conversationId: busy.id,
        error: expect.objectContaining({ code: 'PROVIDER_RATE_LIMITED' }),
        skipped: false,
      }),
    ]);
  });

  it('records nothing for a conversation deleted while it was being read', async () => {
    const f = await fixture();
    const gone = await f.conversations.create('Gone');
    await f.conversations.delete(gone.id);
    const failures = new DaemonFailures(f.storage.db);
    await failures.record(gone.id, 'extract', new Cell0Error('NOT_FOUND', 'gone'), {
      transient: false,
      baseWaitMs: 1000,
      now: 0,
    });
    expect(await failures.list()).toEqual([]);
  });
});

describe('memory.retry over the protocol', () => {
  it('answers NOT_FOUND for a conversation that is not waiting, and the status lists no failures', async () => {
    const t = await startTestCore();
    cleanup.push(() => t.close());
    expect((await t.call('memory.status')).failures).toEqual([]);
    await expect(t.call('memory.retry', { conversationId: 'no-such-conversation' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(t.call('memory.retry', { conversationId: '' })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
  });
});

describe('what follows a failure', () => {
  it('waits twice as long each time, then skips; a rate limit gets more attempts', () => {
    const waits = [1, 2].map((n) => nextAttempt(n, false, 1000, 0));
    expect(waits).toEqual([
      { retryAt: 1000, skipped: false, maxAttempts: MAX_ATTEMPTS },
      { retryAt: 2000, skipped: false, maxAttempts: MAX_ATTEMPTS },
    ]);
    expect(nextAttempt(MAX_ATTEMPTS, false, 1000, 0)).toMatchObject({ retryAt: null, skipped: true });
    expect(nextAttempt(MAX_ATTEMPTS, true, 1000, 0).skipped).toBe(false);
    expect(nextAttempt(MAX_TRANSIENT_ATTEMPTS, true, 1000, 0).skipped).toBe(true);
  });

  it('never shows a storage error to people: they get words, the log gets the text', () => {
    const { error, detail } = asFailure(
      new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: memories.id'),
    );
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toMatch(/SQLITE/);
    expect(detail).toBe('INTERNAL: SQLITE_CONSTRAINT: UNIQUE constraint failed: memories.id');
  });
});
