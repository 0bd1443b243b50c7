import { chmod } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelStore } from '../../src-main/core/agents/local/model-store.js';
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
      'devices',
      'automations',
    ]);
    expect(services.some((s) => s.state === 'starting')).toBe(true);
    const workspace = await tempDir();
    await chmod(workspace.path, 0o777);
    const removeData = dir.remove;
    cleanup = async () => {
      await workspace.remove();
      await removeData();
    };
    const created = (await call('conversations.create')) as { ok: true; result: { id: string } };
    // Sent before the background start is over: each waits for its service, none fails.
    const early = await Promise.all([
      call('conversations.setWorkspace', { id: created.result.id, path: workspace.path }),
      call('conversations.list'),
      call('kernel.status'),
      call('memory.status'),
      call('swarm.list'),
      call('identity.get'),
      call('agents.status'),
      call('mcp.list'),
    ]);
    expect(early.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual(early.map(() => 'ok'));
    await core.whenStarted();
    const last = frames.filter((f) => f.event === 'core.status').at(-1)!.payload as {
      services: ServiceStatus[];
    };
    expect(last.services.every((s) => s.state === 'ready')).toBe(true);
  });

  it('a request naming a model on this computer, sent at start-up, waits for their read', async () => {
    const dir = await tempDir();
    cleanup = dir.remove;
    // A chat model pulled earlier (by the CLI, say): its manifest is read in the background.
    await new ModelStore(dir.path).write({
      name: 'pulled-chat',
      label: 'Pulled chat',
      kind: 'chat',
      state: 'ready',
      source: 'https://example.invalid/pulled-chat.gguf',
      sizeBytes: 1,
      sha256: null,
      checksumPublished: false,
      error: null,
      architecture: 'llama',
      trainedContext: 2048,
      supportsTools: false,
      verified: null,
      addedAt: 1,
    });
    const open = () =>
      createCore({
        dataDir: dir.path,
        mode: 'serve',
        logger: silentLogger,
        keychainService: testKeychainService(),
      });
    core = open();
    await core.start();
    const created = (await call('conversations.create')) as { ok: true; result: { id: string } };
    await core.stop();
    // The next start, as `cell0 ask` makes one: its first requests name the local model.
    core = open();
    const frames: EventFrame[] = [];
    core.bus.subscribe((f) => frames.push(f));
    await core.start();
    const modelRef = { providerId: 'local', model: 'pulled-chat' };
    const [set, models, byDefault] = await Promise.all([
      call('conversations.setModel', { id: created.result.id, modelRef }),
      call('providers.models', { id: 'local' }),
      call('settings.setDefaultModel', { modelRef }),
    ]);
    expect(set).toMatchObject({ ok: true, result: { modelRef } });
    expect(models).toMatchObject({ ok: true, result: { models: [{ id: 'pulled-chat' }] } });
    expect(byDefault).toMatchObject({ ok: true, result: { defaultModel: modelRef } });
    // A window that read settings before the models did is told they are there.
    const updated = frames.filter((f) => f.event === 'settings.updated');
    expect(updated.length).toBeGreaterThan(0);
    await core.whenStarted();
  });
});
