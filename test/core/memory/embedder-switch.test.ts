import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddingStatus } from '../../../src-main/core/protocol/memory-entities.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import { openMemoryFixture, useModel, waitForEvent, type MemoryFixture } from './memory-fixture.js';

const TEXTS = [
  'The owner is allergic to peanuts',
  'The owner plans a trip to Lisbon in May',
  'The owner bakes sourdough bread on Sundays',
  'The tax return is due in April',
];

function embeddingEvent(f: MemoryFixture, match: (s: EmbeddingStatus) => boolean): Promise<EmbeddingStatus> {
  return waitForEvent(
    f,
    (e) => e.event === 'memory.embedding' && match((e.payload as { status: EmbeddingStatus }).status),
  ).then((e) => (e.payload as { status: EmbeddingStatus }).status);
}

async function storedVectors(f: MemoryFixture): Promise<{ embedder: string; bytes: number; n: number }[]> {
  return f.storage.db.all(
    `SELECT embedder, length(vector) AS bytes, count(*) AS n FROM vectors
      WHERE owner_kind = 'memory' GROUP BY embedder, length(vector) ORDER BY embedder`,
  );
}

describe('memory embedder switch', () => {
  let f: MemoryFixture;
  let fake: FakeOpenAI;
  let providerId: string;

  beforeEach(async () => {
    fake = new FakeOpenAI({ embeddingDims: 64 });
    await fake.start();
    f = await openMemoryFixture();
    await useModel(f, fake.baseUrl);
    providerId = f.settings.read().providers[0]!.id;
    for (const text of TEXTS) {
      await f.memory.store.create({
        text,
        kind: 'fact',
        pinned: false,
        importance: 0.5,
        eventDate: null,
        createdBy: 'owner',
      });
    }
    await f.retrieval.indexPending();
  });

  afterEach(async () => {
    await f.remove();
    await fake.stop();
  });

  it('re-indexes every memory through the provider over HTTP, searches with its vectors, and switches back', async () => {
    expect(await storedVectors(f)).toEqual([{ embedder: 'hash-384-v1', bytes: 384 * 4, n: TEXTS.length }]);
    expect(f.memory.embedding()).toMatchObject({ state: 'ready', activeId: 'hash-384-v1' });

    const chosen = await f.memory.chooseEmbedder({ kind: 'provider', providerId, model: 'fake-embed' });
    // The re-index is held at the provider, so the window can be seen mid-way.
    const release = fake.holdEmbeddings();
    expect(chosen).toMatchObject({ state: 'reindexing', activeId: 'hash-384-v1' });
    const midway = await embeddingEvent(f, (s) => s.state === 'reindexing' && s.progress !== null);
    expect(midway.progress).toEqual({ done: 0, total: TEXTS.length });
    expect(midway.activeLabel).toBe('Built-in (no download)');

    // Meanwhile search still answers, with the built-in vectors.
    expect(f.retrieval.embedderId).toBe('hash-384-v1');
    const during = await f.retrieval.retrieve('sourdough', { k: 1, now: f.clock.now });
    expect(during.memories[0]?.memory.text).toContain('sourdough');

    release();
    const ready = await embeddingEvent(
      f,
      (s) => s.state === 'ready' && s.activeId === `${providerId}:fake-embed`,
    );
    expect(ready).toMatchObject({ activeLabel: 'Fake · fake-embed', progress: null, error: null });
    expect(f.retrieval.embedderId).toBe(`${providerId}:fake-embed`);
    expect(await storedVectors(f)).toEqual([
      { embedder: `${providerId}:fake-embed`, bytes: 64 * 4, n: TEXTS.length },
    ]);
    for (const text of TEXTS) expect(fake.embeddedTexts).toContain(text);
    const calls = fake.requests.filter((r) => r.path === '/v1/embeddings');
    expect(calls.every((r) => (r.body as { model: string }).model === 'fake-embed')).toBe(true);

    // A query is embedded by the provider too, and ranks by its vectors.
    const found = await f.retrieval.retrieve('which trip in may', { k: 1, now: f.clock.now });
    expect(fake.embeddedTexts.at(-1)).toBe('which trip in may');
    expect(found.memories[0]?.memory.text).toContain('Lisbon');

    expect(f.settings.memory().embedder).toEqual({ kind: 'provider', providerId, model: 'fake-embed' });
    await f.memory.chooseEmbedder({ kind: 'built-in' });
    await embeddingEvent(f, (s) => s.state === 'ready' && s.activeId === 'hash-384-v1');
    expect(await storedVectors(f)).toEqual([{ embedder: 'hash-384-v1', bytes: 384 * 4, n: TEXTS.length }]);
    expect(f.settings.memory().embedder).toEqual({ kind: 'built-in' });
  });

  it('keeps every memory and the previous vectors when the embeddings endpoint fails, says why, and a retry finishes', async () => {
    await f.memory.chooseEmbedder({ kind: 'provider', providerId, model: 'fake-embed' });
    fake.embeddingsFailWith = 500;
    const failed = await embeddingEvent(f, (s) => s.state === 'failed');
    expect(failed.error?.code).toBe('PROVIDER_SERVER_ERROR');
    expect(failed.activeId).toBe('hash-384-v1');

    expect((await f.memory.store.list({ limit: 50 })).total).toBe(TEXTS.length);
    expect(await storedVectors(f)).toEqual([{ embedder: 'hash-384-v1', bytes: 384 * 4, n: TEXTS.length }]);
    const during = await f.retrieval.retrieve('peanuts', { k: 1, now: f.clock.now });
    expect(during.memories[0]?.memory.text).toContain('peanuts');
    expect(f.memory.embedding().state).toBe('failed');

    fake.embeddingsFailWith = null;
    // The same choice again is "retry now".
    await f.memory.chooseEmbedder({ kind: 'provider', providerId, model: 'fake-embed' });
    const ready = await embeddingEvent(
      f,
      (s) => s.state === 'ready' && s.activeId === `${providerId}:fake-embed`,
    );
    expect(ready.error).toBeNull();
    expect(await storedVectors(f)).toEqual([
      { embedder: `${providerId}:fake-embed`, bytes: 64 * 4, n: TEXTS.length },
    ]);
    expect((await f.memory.store.list({ limit: 50 })).total).toBe(TEXTS.length);
  });

  it('refuses an unknown model with a stable code and changes nothing', async () => {
    await expect(
      f.memory.chooseEmbedder({ kind: 'provider', providerId, model: 'no-such-embedder' }),
    ).rejects.toMatchObject({ code: 'EMBEDDER_MODEL_UNKNOWN' });
    expect(f.settings.memory().embedder).toEqual({ kind: 'built-in' });
    expect(f.memory.embedding()).toMatchObject({ state: 'ready', activeId: 'hash-384-v1' });
    expect(f.retrieval.pendingEmbedderId).toBeNull();
  });

  it('falls back to the built-in embedder when the chosen provider is removed, keeping the choice', async () => {
    await f.memory.chooseEmbedder({ kind: 'provider', providerId, model: 'fake-embed' });
    await embeddingEvent(f, (s) => s.state === 'ready' && s.activeId === `${providerId}:fake-embed`);
    await f.providers.remove(providerId);
    // What the provider handlers announce after a removal.
    f.bus.emit('settings.updated', { settings: f.providers.snapshot() });
    const fallback = await embeddingEvent(f, (s) => s.state === 'fallback' && s.activeId === 'hash-384-v1');
    expect(fallback.error?.code).toBe('EMBEDDER_PROVIDER_UNKNOWN');
    expect(fallback.choice).toEqual({ kind: 'provider', providerId, model: 'fake-embed' });
    expect(await storedVectors(f)).toEqual([{ embedder: 'hash-384-v1', bytes: 384 * 4, n: TEXTS.length }]);
  });
});
