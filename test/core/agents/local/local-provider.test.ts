import { join } from 'node:path';
import { tool } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalModels } from '../../../../src-main/core/agents/local/local-models.js';
import type { Message } from '../../../../src-main/core/protocol/entities.js';
import type { EventPayload } from '../../../../src-main/core/protocol/events.js';
import type { EmbeddingStatus } from '../../../../src-main/core/protocol/memory-entities.js';
import { tinyCatalog, type TinyCatalog } from '../../../fixtures/gguf/local-catalog.js';
import { AFTER_TOOL_TEXT } from '../../../fixtures/gguf/tool-calling-model.js';
import { ModelFileServer } from '../../../fixtures/model-file-server.js';
import { startTestCore, tempDir, type TestCore } from '../../../helpers/core.js';

/** The local provider inside the core, through the protocol, as the window and the CLI use it. */
describe('models on this computer in the core', () => {
  let server: ModelFileServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let catalog: TinyCatalog;
  let t: TestCore;
  const toolRuns: unknown[] = [];

  beforeEach(async () => {
    server = new ModelFileServer();
    await server.start();
    dir = await tempDir();
    catalog = await tinyCatalog(server, join(dir.path, 'served'));
    t = await startTestCore({
      dataDir: join(dir.path, 'data'),
      flushIntervalMs: 20,
      localModels: {
        catalogFile: catalog.file,
        runtime: { gpu: false, threads: 1, maxContext: 8192 },
        progressEveryMs: 0,
      },
      tools: {
        get_time: tool({
          description: 'The current time',
          inputSchema: z.object({ zone: z.string() }),
          execute: async (input) => {
            toolRuns.push(input);
            return { time: '10:42' };
          },
        }),
      },
    });
  });
  afterEach(async () => {
    await t.close();
    await server.stop();
    await dir.remove();
  });

  const ready = (name: string) =>
    t.waitFor((f) => {
      if (f.event !== 'localModel.updated') return false;
      const { model } = f.payload as EventPayload<'localModel.updated'>;
      return model.name === name && model.state === 'ready';
    }, 30_000);

  it('pulls a model, lists it as "This computer" and chats with it through the one turn', async () => {
    const started = await t.call('localModels.pull', { name: 'tiny-tools' });
    expect(started.state).toBe('downloading');
    await ready('tiny-tools');
    const progress = t.events
      .filter((f) => f.event === 'localModel.updated')
      .map((f) => (f.payload as EventPayload<'localModel.updated'>).model.progress)
      .filter((p) => p !== null);
    expect(progress.at(-1)).toMatchObject({
      receivedBytes: catalog.entries.tools.sizeBytes,
      totalBytes: catalog.entries.tools.sizeBytes,
    });
    const settings = await t.call('settings.get');
    expect(settings.providers).toEqual([
      expect.objectContaining({ id: 'local', kind: 'local', defaultModel: 'tiny-tools' }),
    ]);
    expect((await t.call('providers.models', { id: 'local' })).models).toEqual([
      { id: 'tiny-tools', pricing: null },
    ]);

    const conversation = await t.call('conversations.create', {});
    await t.call('conversations.setModel', {
      id: conversation.id,
      modelRef: { providerId: 'local', model: 'tiny-tools' },
    });
    const sent = await t.call('chat.send', {
      conversationId: conversation.id,
      text: 'What time is it?',
      clientMessageId: 'c1',
    });
    const done = await t.waitFor((f) => {
      const m = (f.payload as { message?: Message }).message;
      return f.event === 'message.updated' && m?.id === sent.assistantMessage.id && m.status !== 'streaming';
    }, 60_000);
    const reply = (done.payload as { message: Message }).message;
    expect(reply).toMatchObject({
      status: 'complete',
      content: AFTER_TOOL_TEXT,
      providerId: 'local',
      model: 'tiny-tools',
    });
    expect(reply.usage).toMatchObject({ costUsd: 0 });
    expect(toolRuns).toHaveLength(1);
    expect(t.events.some((f) => f.event === 'message.toolCall')).toBe(true);
  });

  it('switches memory search to a local embedding model and re-indexes with progress', async () => {
    await t.call('memories.create', { text: 'My sister has a dog called Pepper.' });
    await t.call('memories.create', { text: 'The meeting moved to Tuesday.' });
    await t.call('localModels.pull', { name: 'tiny-embed' });
    await ready('tiny-embed');
    const before = await t.call('memory.embedding');
    expect(before.activeId).toMatch(/^hash-/);
    await t.call('settings.setMemoryEmbedder', { kind: 'local', model: 'tiny-embed' });
    const indexed = await t.waitFor((f) => {
      if (f.event !== 'memory.embedding') return false;
      const { status } = f.payload as { status: EmbeddingStatus };
      return status.state === 'ready' && status.activeId === 'local:tiny-embed';
    }, 30_000);
    expect((indexed.payload as { status: EmbeddingStatus }).status.activeLabel).toBe(
      'This computer · Tiny tiny-embed',
    );
    const progress = t.events
      .filter((f) => f.event === 'memory.embedding')
      .map((f) => (f.payload as { status: EmbeddingStatus }).status)
      .filter((s) => s.state === 'reindexing');
    expect(progress.length).toBeGreaterThan(0);
    const found = await t.call('memories.list', { query: 'sister dog', limit: 5 });
    expect(found.memories[0]?.text).toContain('Pepper');
  });

  it('refuses a local embedding model that is not installed, and changes nothing', async () => {
    await expect(
      t.call('settings.setMemoryEmbedder', { kind: 'local', model: 'tiny-embed' }),
    ).rejects.toMatchObject({
      code: 'LOCAL_MODEL_UNKNOWN',
    });
    expect((await t.call('memory.embedding')).choice).toEqual({ kind: 'built-in' });
  });

  it('picks up a model another Cell 0 process (the CLI) pulled into the same data directory', async () => {
    const cli = new LocalModels({ dataDir: join(dir.path, 'data'), catalogFile: catalog.file });
    await cli.pull({ name: 'tiny-chat' });
    await cli.settled('tiny-chat');
    await cli.stop();
    const updated = await t.waitFor(
      (f) =>
        f.event === 'settings.updated' &&
        (f.payload as EventPayload<'settings.updated'>).settings.providers.some((p) => p.id === 'local'),
      10_000,
    );
    expect((updated.payload as EventPayload<'settings.updated'>).settings.providers[0]).toMatchObject({
      defaultModel: 'tiny-chat',
    });
  });
});
