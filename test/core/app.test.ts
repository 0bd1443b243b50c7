import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core/app.js';
import { silentLogger } from '../../src-main/core/base/logger.js';
import type { EventFrame } from '../../src-main/core/protocol/frames.js';
import type { ServiceStatus } from '../../src-main/core/protocol/core-methods.js';
import { tempDir, testKeychainService } from '../helpers/core.js';

let core: Core | null = null;
let cleanup: (() => Promise<void>) | null = null;

afterEach(async () => {
  await core?.stop();
  await cleanup?.();
  core = null;
});

async function call(method: string, params: unknown = {}) {
  const res = await core!.router.handle(JSON.stringify({ type: 'req', id: method, method, params }), {
    authenticated: true,
    peer: 'test',
  });
  return res;
}

describe('the core starts ready first, the rest after', () => {
  it('answers at once; requests that need a background service wait for it and succeed', async () => {
    const dir = await tempDir();
    cleanup = dir.remove;
    core = createCore({
      dataDir: dir.path,
      mode: 'serve',
      logger: silentLogger,
      keychainService: testKeychainService(),
    });
    const frames: EventFrame[] = [];
    core.bus.subscribe((f) => frames.push(f));
    await core.start();
    // Storage and settings are up: these answer without waiting on anything else.
    const status = await call('core.status');
    expect(status.ok).toBe(true);
    const services = (status as { result: { services: ServiceStatus[] } }).result.services;
    expect(services.map((s) => s.name)).toEqual([
      // Models on this computer start first: loading one is the slowest start there is.
      'local-models',
      'identity',
      'audit',
      'permissions',
      'kernel',
      'memory',
      'chat',
      'swarms',
      'agents-monitor',
      'channels',
      'mesh',
      'mcp',
    ]);
    expect(services.some((s) => s.state === 'starting')).toBe(true);
    // Sent before the background start is over: each waits for its service, none fails.
    const early = await Promise.all([
      call('conversations.list'),
      call('kernel.status'),
      call('memory.status'),
      call('swarm.list'),
      call('identity.get'),
      call('agents.status'),
      call('mcp.list'),
    ]);
    expect(early.map((r) => r.ok)).toEqual([true, true, true, true, true, true, true]);
    await core.whenStarted();
    const last = frames.filter((f) => f.event === 'core.status').at(-1)!.payload as {
      services: ServiceStatus[];
    };
    expect(last.services.every((s) => s.state === 'ready')).toBe(true);
  });
});
