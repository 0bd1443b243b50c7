import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Keychain } from '../../../src-main/core/identity/keychain.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import type { EmbeddingStatus } from '../../../src-main/core/protocol/memory-entities.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

const isEmbedding = (match: (s: EmbeddingStatus) => boolean) => (e: EventFrame) =>
  e.event === 'memory.embedding' && match((e.payload as { status: EmbeddingStatus }).status);

describe('memory embedder setting (protocol)', () => {
  let t: TestCore;
  let fake: FakeOpenAI;

  beforeEach(async () => {
    fake = new FakeOpenAI({
      apiKey: 'sk-embed-test',
      models: ['gpt-fake', 'fake-embed', 'text-embedding-3-small'],
    });
    await fake.start();
    t = await startTestCore();
    await t.call('providers.save', {
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-embed-test',
      defaultModel: 'gpt-fake',
    });
  });

  afterEach(async () => {
    await new Keychain(t.keychainService).delete('provider:openai:api-key').catch(() => false);
    await t.close();
    await fake.stop();
  });

  it('starts on the built-in embedder', async () => {
    expect(await t.call('memory.embedding')).toEqual({
      choice: { kind: 'built-in' },
      activeId: 'hash-384-v1',
      activeLabel: 'Built-in (no download)',
      state: 'ready',
      progress: null,
      error: null,
    });
  });

  it('lists the provider models that look like embedding models', async () => {
    expect(await t.call('memory.embeddingModels', { providerId: 'openai' })).toEqual({
      models: ['fake-embed', 'text-embedding-3-small'],
    });
  });

  it('refuses bad choices with stable codes: malformed, unknown provider, Anthropic, unknown model', async () => {
    await expect(
      t.call('settings.setMemoryEmbedder', { kind: 'provider', providerId: 'openai', model: '  ' }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    await expect(
      t.call('settings.setMemoryEmbedder', { kind: 'provider', providerId: 'nobody', model: 'fake-embed' }),
    ).rejects.toMatchObject({ code: 'EMBEDDER_PROVIDER_UNKNOWN' });
    await t.call('providers.save', { kind: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'sk-ant-test' });
    try {
      await expect(
        t.call('settings.setMemoryEmbedder', { kind: 'provider', providerId: 'anthropic', model: 'claude' }),
      ).rejects.toMatchObject({ code: 'EMBEDDINGS_UNSUPPORTED', message: /Anthropic has no embeddings API/ });
      await expect(t.call('memory.embeddingModels', { providerId: 'anthropic' })).rejects.toMatchObject({
        code: 'EMBEDDINGS_UNSUPPORTED',
      });
    } finally {
      await t.call('providers.remove', { id: 'anthropic' });
    }
    await expect(
      t.call('settings.setMemoryEmbedder', { kind: 'provider', providerId: 'openai', model: 'gpt-fake' }),
    ).rejects.toMatchObject({ code: 'EMBEDDER_MODEL_UNKNOWN' });
    expect(await t.call('memory.embedding')).toMatchObject({ choice: { kind: 'built-in' }, state: 'ready' });
  });

  it('restores the chosen embedder after a restart; without its key the built-in one answers, says why, and keeps the choice', async () => {
    await t.call('memories.create', { text: 'The owner keeps bees on the roof' });
    const chosen = await t.call('settings.setMemoryEmbedder', {
      kind: 'provider',
      providerId: 'openai',
      model: 'text-embedding-3-small',
    });
    expect(chosen.choice).toEqual({
      kind: 'provider',
      providerId: 'openai',
      model: 'text-embedding-3-small',
    });
    await t.waitFor(
      isEmbedding((s) => s.state === 'ready' && s.activeId === 'openai:text-embedding-3-small'),
    );
    expect(fake.requests.filter((r) => r.path === '/v1/embeddings').map((r) => r.authorization)).toContain(
      'Bearer sk-embed-test',
    );

    await t.restart();
    expect(await t.call('memory.embedding')).toMatchObject({
      activeId: 'openai:text-embedding-3-small',
      activeLabel: 'OpenAI · text-embedding-3-small',
      state: 'ready',
      error: null,
    });

    // The key is gone from the keychain (another app removed it, or a fresh keychain).
    await new Keychain(t.keychainService).delete('provider:openai:api-key');
    await t.restart();
    const status = await t.call('memory.embedding');
    expect(status).toMatchObject({
      choice: { kind: 'provider', providerId: 'openai', model: 'text-embedding-3-small' },
      activeId: 'hash-384-v1',
      state: 'fallback',
      error: { code: 'PROVIDER_AUTH' },
    });
    expect(status.error?.message).toMatch(/needs an API key/);
    // Searching still works, on the built-in embedder.
    expect((await t.call('memories.list', { query: 'bees', limit: 5 })).total).toBe(1);

    // Once the key is back, choosing again (the window's "Retry") uses the provider again.
    await t.call('providers.save', { id: 'openai', kind: 'openai', apiKey: 'sk-embed-test' });
    await t.call('settings.setMemoryEmbedder', {
      kind: 'provider',
      providerId: 'openai',
      model: 'text-embedding-3-small',
    });
    await t.waitFor(
      isEmbedding(
        (s) => s.state === 'ready' && s.activeId === 'openai:text-embedding-3-small' && s.error === null,
      ),
    );
  });
});
