import { join } from 'node:path';
import { tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runAgentTurn } from '../../../../src-main/core/agents/agent-turn.js';
import { LocalModels } from '../../../../src-main/core/agents/local/local-models.js';
import { ProviderRegistry, type ResolvedModel } from '../../../../src-main/core/agents/provider-registry.js';
import { Keychain } from '../../../../src-main/core/identity/keychain.js';
import type { RuntimeState } from '../../../../src-main/core/protocol/local-model-entities.js';
import { SettingsStore } from '../../../../src-main/core/settings/settings-store.js';
import { tinyCatalog } from '../../../fixtures/gguf/local-catalog.js';
import { AFTER_TOOL_TEXT } from '../../../fixtures/gguf/tool-calling-model.js';
import { ModelFileServer } from '../../../fixtures/model-file-server.js';
import { tempDir, testKeychainService } from '../../../helpers/core.js';

/**
 * The local provider through the one agent turn, with real models running in the worker thread:
 * the tiny random chat model (ChatML, no function calling) and the hand-set tool-calling model
 * (Qwen2.5's template).
 */
describe('a model on this computer through the agent turn', () => {
  let server: ModelFileServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let models: LocalModels;
  let registry: ProviderRegistry;
  let settings: SettingsStore;
  const states: { path: string; state: RuntimeState }[] = [];
  const stateWaiters: { predicate: (s: RuntimeState, path: string) => boolean; resolve: () => void }[] = [];

  beforeAll(async () => {
    server = new ModelFileServer();
    await server.start();
    dir = await tempDir();
    const catalog = await tinyCatalog(server, join(dir.path, 'served'));
    models = new LocalModels({
      dataDir: join(dir.path, 'data'),
      catalogFile: catalog.file,
      runtime: { gpu: false, threads: 1, maxContext: 8192, idleMs: 60_000 },
    });
    // Runtime state changes are observed through the runtime's own hook, wrapped here.
    const runtime = models.runtime as unknown as {
      options: { onState?: (p: string, s: RuntimeState) => void };
    };
    const inner = runtime.options.onState;
    runtime.options.onState = (path, state) => {
      inner?.(path, state);
      states.push({ path, state });
      for (const w of stateWaiters.splice(0)) {
        if (w.predicate(state, path)) w.resolve();
        else stateWaiters.push(w);
      }
    };
    await models.start();
    settings = new SettingsStore(join(dir.path, 'data'));
    await settings.start();
    registry = new ProviderRegistry(settings, new Keychain(testKeychainService()), { local: models });
    await Promise.all([models.pull({ name: 'tiny-chat' }), models.pull({ name: 'tiny-tools' })]);
    await Promise.all([models.settled('tiny-chat'), models.settled('tiny-tools')]);
  });
  afterAll(async () => {
    await models.stop();
    await settings.stop();
    await server.stop();
    await dir.remove();
  });

  const turn = (resolved: ResolvedModel, over: Partial<Parameters<typeof runAgentTurn>[0]> = {}) =>
    runAgentTurn({
      resolved,
      system: 'You are a helpful assistant.',
      messages: [{ role: 'user', content: 'What time is it?' }],
      scope: 'reply-1',
      signal: new AbortController().signal,
      steps: 4,
      ...over,
    });

  it('lists the ready models as the provider "This computer"', async () => {
    const provider = registry.snapshot().providers.find((p) => p.id === 'local');
    expect(provider).toMatchObject({ kind: 'local', name: 'This computer', local: true });
    expect((await registry.models({ id: 'local' })).map((m) => m.id).sort()).toEqual([
      'tiny-chat',
      'tiny-tools',
    ]);
  });

  it('loads the model on first use, streams its tokens and counts them at no cost', async () => {
    const resolved = await registry.resolve({ providerId: 'local', model: 'tiny-chat' });
    const path = models.store.modelPath('tiny-chat');
    expect(models.runtime.state(path)).toEqual({ state: 'unloaded', contextSize: null });
    const deltas: string[] = [];
    const result = await turn(resolved, { maxOutputTokens: 12, events: { text: (t) => deltas.push(t) } });
    expect(result.status).toBe('complete');
    expect(deltas.length).toBeGreaterThan(1);
    expect(result.text).toBe(deltas.join(''));
    expect(result.usage).toMatchObject({ outputTokens: 12, costUsd: 0 });
    expect(result.usage!.inputTokens).toBeGreaterThan(10);
    // Loaded lazily, with a context sized from free memory (capped here at 8192).
    const loaded = models.runtime.state(path);
    expect(loaded.state).toBe('loaded');
    expect(loaded.contextSize).toBeGreaterThanOrEqual(512);
    expect(loaded.contextSize).toBeLessThanOrEqual(8192);
    expect(states.filter((s) => s.path === path).map((s) => s.state.state)).toEqual(['loading', 'loaded']);
  });

  it('stops when asked and keeps what it streamed', async () => {
    const resolved = await registry.resolve({ providerId: 'local', model: 'tiny-chat' });
    const controller = new AbortController();
    let deltas = 0;
    const result = await turn(resolved, {
      signal: controller.signal,
      maxOutputTokens: 4000,
      events: {
        text: () => {
          if (++deltas === 3) controller.abort();
        },
      },
    });
    expect(result.status).toBe('stopped');
    expect(deltas).toBeGreaterThanOrEqual(3);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('calls a tool where the template supports it, feeds the result back and answers', async () => {
    const resolved = await registry.resolve({ providerId: 'local', model: 'tiny-tools' });
    expect(resolved.toolsOff).toBeNull();
    const calls: unknown[] = [];
    const seen: { toolCallId: string; toolName: string }[] = [];
    const result = await turn(resolved, {
      tools: () => ({
        get_time: tool({
          description: 'The current time in a time zone',
          inputSchema: z.object({ zone: z.string().describe('An IANA time zone') }),
          execute: async (input, options) => {
            calls.push({ input, id: options.toolCallId });
            return { time: '10:42' };
          },
        }),
      }),
      events: { toolCall: (c) => seen.push(c) },
    });
    expect(result).toMatchObject({ status: 'complete', text: AFTER_TOOL_TEXT, toolCalls: 1 });
    expect(calls).toEqual([
      { input: { zone: expect.any(String) }, id: expect.stringMatching(/^reply-1:1\.0:/) },
    ]);
    expect(seen).toEqual([expect.objectContaining({ toolName: 'get_time' })]);
  });

  it('offers no tools to a model whose template has no function calling, and says why', async () => {
    const resolved = await registry.resolve({ providerId: 'local', model: 'tiny-chat' });
    expect(resolved.toolsOff).toMatch(/Tools are off for .*no function calling/);
    let called = false;
    const result = await turn(resolved, {
      maxOutputTokens: 6,
      tools: () => ({
        get_time: tool({
          inputSchema: z.object({}),
          execute: async () => {
            called = true;
            return 'never';
          },
        }),
      }),
    });
    expect(result.status).toBe('complete');
    expect(called).toBe(false);
  });

  it('unloads a model after its idle time and loads it again on the next use', async () => {
    const path = models.store.modelPath('tiny-chat');
    const unloaded = new Promise<void>((resolve) =>
      stateWaiters.push({ predicate: (s, p) => p === path && s.state === 'unloaded', resolve }),
    );
    (models.runtime as unknown as { idleMs: number }).idleMs = 1;
    const resolved = await registry.resolve({ providerId: 'local', model: 'tiny-chat' });
    await turn(resolved, { maxOutputTokens: 2 });
    await unloaded;
    expect(models.runtime.state(path).state).toBe('unloaded');
    (models.runtime as unknown as { idleMs: number }).idleMs = 60_000;
    const again = await turn(resolved, { maxOutputTokens: 2 });
    expect(again.status).toBe('complete');
    expect(models.runtime.state(path).state).toBe('loaded');
  });

  it('embeds texts with an embedding model: fixed width, same text same vector', async () => {
    await models.pull({ name: 'tiny-embed' });
    await models.settled('tiny-embed');
    const embedder = models.embeddingModel('tiny-embed');
    const { embeddings } = await embedder.doEmbed({
      values: ['my sister and her dog', 'my sister and her dog', 'the weather on Sunday'],
    });
    expect(embeddings).toHaveLength(3);
    expect(embeddings.every((v) => v.length === 64)).toBe(true);
    expect(embeddings[0]).toEqual(embeddings[1]);
    expect(embeddings[0]).not.toEqual(embeddings[2]);
  });

  it('refuses a model that is not on this computer before anything is sent', async () => {
    await expect(
      registry.resolve({ providerId: 'local', model: 'qwen2.5-0.5b-instruct' }),
    ).rejects.toMatchObject({
      code: 'LOCAL_MODEL_UNKNOWN',
    });
  });
});
