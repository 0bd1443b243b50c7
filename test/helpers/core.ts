import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../../src-main/core/app.js';
import { silentLogger } from '../../src-main/core/base/logger.js';
import type { EventFrame } from '../../src-main/core/protocol/frames.js';
import type { MethodName, MethodParams, MethodResult } from '../../src-main/core/protocol/methods.js';
import { FakeOpenAI } from '../fixtures/fake-openai.js';

export async function tempDir(prefix = 'cell0-test-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A unique keychain service per test run, so tests never read or clobber the owner's secrets. */
export function testKeychainService(): string {
  return `Cell 0 test ${randomUUID()}`;
}

export interface TestCore {
  core: Core;
  dataDir: string;
  keychainService: string;
  events: EventFrame[];
  call<M extends MethodName>(method: M, params?: MethodParams<M>): Promise<MethodResult<M>>;
  /** Resolves with the first event (already seen or future) that matches. */
  waitFor(predicate: (frame: EventFrame) => boolean, timeoutMs?: number): Promise<EventFrame>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

let frameId = 0;

/** A started core on a temporary data directory, driven through the real router. */
export async function startTestCore(
  options: Pick<
    CoreOptions,
    | 'flushIntervalMs'
    | 'localServers'
    | 'retryBaseMs'
    | 'tools'
    | 'budget'
    | 'bwrapPath'
    | 'swarmBudget'
    | 'channelAdapters'
    | 'channelBackoff'
    | 'mesh'
    | 'mcp'
    | 'localModels'
    | 'automations'
  > & {
    dataDir?: string;
    keychainService?: string;
  } = {},
): Promise<TestCore> {
  const dir = options.dataDir ? null : await tempDir();
  const dataDir = options.dataDir ?? dir!.path;
  const keychainService = options.keychainService ?? testKeychainService();
  const events: EventFrame[] = [];
  const waiters = new Set<{ predicate: (f: EventFrame) => boolean; resolve: (f: EventFrame) => void }>();
  let core: Core;
  const boot = async () => {
    core = createCore({
      dataDir,
      mode: 'serve',
      keychainService,
      logger: silentLogger,
      ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
      ...(options.localServers ? { localServers: options.localServers } : {}),
      ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.bwrapPath ? { bwrapPath: options.bwrapPath } : {}),
      ...(options.swarmBudget ? { swarmBudget: options.swarmBudget } : {}),
      ...(options.channelAdapters ? { channelAdapters: options.channelAdapters } : {}),
      ...(options.channelBackoff ? { channelBackoff: options.channelBackoff } : {}),
      ...(options.mesh ? { mesh: options.mesh } : {}),
      ...(options.mcp ? { mcp: options.mcp } : {}),
      ...(options.localModels ? { localModels: options.localModels } : {}),
      ...(options.automations ? { automations: options.automations } : {}),
    });
    core.bus.subscribe((frame) => {
      events.push(frame);
      for (const w of waiters) {
        if (w.predicate(frame)) {
          waiters.delete(w);
          w.resolve(frame);
        }
      }
    });
    await core.start();
    // Tests drive the services directly too: they wait for the background start, as requests do.
    await core.whenStarted();
  };
  await boot();
  const handle: TestCore = {
    get core() {
      return core;
    },
    dataDir,
    keychainService,
    events,
    async call(method, params) {
      const raw = JSON.stringify({ type: 'req', id: String(++frameId), method, params });
      const res = await core.router.handle(raw, { authenticated: true, peer: 'test' });
      if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
      return res.result as never;
    },
    waitFor(predicate, timeoutMs = 10_000) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error('timed out waiting for an event'));
        }, timeoutMs);
      });
    },
    async restart() {
      await core.stop();
      await boot();
    },
    async close() {
      await core.stop();
      await dir?.remove();
    },
  };
  return handle;
}

/**
 * For a test file whose every test talks to a fake OpenAI-compatible server: before each test, a
 * started fake and a core with it saved as the provider; after each, both stopped. Read `fake`
 * and `t` inside the tests (they are new each time). `per: 'file'` starts one pair for the whole
 * file instead (tests that each start slow child processes against it).
 */
export function coreWithFakeProvider(options: { per?: 'test' | 'file' } = {}): {
  readonly fake: FakeOpenAI;
  readonly t: TestCore;
} {
  const [before, after] = options.per === 'file' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  let fake: FakeOpenAI;
  let t: TestCore;
  before(async () => {
    fake = new FakeOpenAI();
    await fake.start();
    t = await startTestCore({ flushIntervalMs: 20 });
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-small',
    });
  });
  after(async () => {
    await t.close();
    await fake.stop();
  });
  return {
    get fake() {
      return fake;
    },
    get t() {
      return t;
    },
  };
}
