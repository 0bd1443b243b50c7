import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalModels } from '../../../../src-main/core/agents/local/local-models.js';
import type { LocalModel } from '../../../../src-main/core/protocol/local-model-entities.js';
import { tinyCatalog, type TinyCatalog } from '../../../fixtures/gguf/local-catalog.js';
import { ModelFileServer } from '../../../fixtures/model-file-server.js';
import { tempDir } from '../../../helpers/core.js';

describe('LocalModels', () => {
  let server: ModelFileServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let catalog: TinyCatalog;
  let models: LocalModels;
  let changes: LocalModel[];
  let removed: string[];
  let listeners: ((m: LocalModel) => void)[];
  /** Resolves on the first change (seen or to come) that matches. */
  const until = (predicate: (m: LocalModel) => boolean) =>
    new Promise<void>((resolve) => {
      if (changes.some(predicate)) return resolve();
      listeners.push((m) => predicate(m) && resolve());
    });
  const received = (bytes: number) => (m: LocalModel) => (m.progress?.receivedBytes ?? 0) >= bytes;

  const make = (over: Partial<ConstructorParameters<typeof LocalModels>[0]> = {}) =>
    new LocalModels({
      dataDir: join(dir.path, 'data'),
      catalogFile: catalog.file,
      runtime: { gpu: false, threads: 1 },
      progressEveryMs: 0,
      onChange: (m) => {
        changes.push(m);
        for (const listener of listeners) listener(m);
      },
      onRemoved: (name) => removed.push(name),
      ...over,
    });

  beforeEach(async () => {
    server = new ModelFileServer();
    await server.start();
    dir = await tempDir();
    catalog = await tinyCatalog(server, join(dir.path, 'served'));
    changes = [];
    removed = [];
    listeners = [];
    models = make();
    await models.start();
  });
  afterEach(async () => {
    await models.stop();
    await server.stop();
    await dir.remove();
  });

  it('pulls a catalog model, checks it against its published SHA-256 and reads its facts', async () => {
    const started = await models.pull({ name: 'tiny-tools' });
    expect(started.state).toBe('downloading');
    const model = await models.settled('tiny-tools');
    expect(model).toMatchObject({
      state: 'ready',
      kind: 'chat',
      sha256: catalog.entries.tools.sha256,
      checksumPublished: true,
      sizeBytes: catalog.entries.tools.sizeBytes,
      architecture: 'llama',
      supportsTools: true,
      runtime: { state: 'unloaded' },
    });
    expect(changes.map((m) => m.state)).toEqual(
      expect.arrayContaining(['downloading', 'verifying', 'ready']),
    );
    // The file lives in the data directory under the model's name; no part is left.
    expect((await readdir(models.store.dir)).sort()).toEqual(['tiny-tools.gguf', 'tiny-tools.json']);
    expect(models.readyModels('chat')).toEqual([
      { name: 'tiny-tools', label: 'Tiny tiny-tools', supportsTools: true },
    ]);
  });

  it('reads from the file whether its chat template declares function calling', async () => {
    await models.pull({ name: 'tiny-chat' });
    expect(await models.settled('tiny-chat')).toMatchObject({ state: 'ready', supportsTools: false });
  });

  it('resumes a download cut midway from where it stopped, and the whole file checks out', async () => {
    server.serve('/models/tiny-chat.gguf', { bytes: catalog.entries.chat.bytes, cutAfter: 100_000 });
    await models.pull({ name: 'tiny-chat' });
    const failed = await models.settled('tiny-chat');
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'LOCAL_MODEL_DOWNLOAD_FAILED' } });
    expect(models.readyModels('chat')).toEqual([]);
    const part = await stat(models.store.partPath('tiny-chat'));
    await models.pull({ name: 'tiny-chat' });
    expect(await models.settled('tiny-chat')).toMatchObject({
      state: 'ready',
      sha256: catalog.entries.chat.sha256,
    });
    expect(server.requests.at(-1)!.range).toBe(`bytes=${part.size}-`);
  });

  it('resumes at start a download a crash cut short', async () => {
    server.serve('/models/tiny-chat.gguf', { bytes: catalog.entries.chat.bytes, holdAfter: 120_000 });
    await models.pull({ name: 'tiny-chat' });
    await until(received(120_000));
    // The process "dies": its download is abandoned mid-way, the manifest still says downloading.
    await models.stop();
    const manifest = JSON.parse(await readFile(join(models.store.dir, 'tiny-chat.json'), 'utf8'));
    await writeFile(
      join(models.store.dir, 'tiny-chat.json'),
      JSON.stringify({ ...manifest, state: 'downloading' }),
    );
    server.release();
    models = make();
    await models.start();
    expect(await models.settled('tiny-chat')).toMatchObject({
      state: 'ready',
      sha256: catalog.entries.chat.sha256,
    });
    expect(server.requests.at(-1)!.range).toBe('bytes=120000-');
  });

  it('pauses a download, keeps its part, and a pull resumes it', async () => {
    server.serve('/models/tiny-chat.gguf', { bytes: catalog.entries.chat.bytes, holdAfter: 80_000 });
    await models.pull({ name: 'tiny-chat' });
    await until(received(80_000));
    expect(await models.pause('tiny-chat')).toMatchObject({ state: 'paused', error: null });
    expect((await stat(models.store.partPath('tiny-chat'))).size).toBe(80_000);
    server.release();
    await models.pull({ name: 'tiny-chat' });
    expect(await models.settled('tiny-chat')).toMatchObject({ state: 'ready' });
    expect(server.requests.at(-1)!.range).toBe('bytes=80000-');
  });

  it('deletes a file whose SHA-256 differs from the published one and never offers it', async () => {
    const other = Buffer.from(catalog.entries.chat.bytes);
    other[other.length - 1] = other[other.length - 1]! ^ 0xff;
    server.serve('/models/tiny-chat.gguf', { bytes: other });
    await models.pull({ name: 'tiny-chat' });
    const model = await models.settled('tiny-chat');
    expect(model).toMatchObject({ state: 'failed', error: { code: 'LOCAL_MODEL_CHECKSUM_MISMATCH' } });
    expect(model.error!.message).toMatch(/published SHA-256/);
    expect(await readdir(models.store.dir)).toEqual(['tiny-chat.json']);
    await expect(models.readyPath('tiny-chat', 'chat')).rejects.toMatchObject({
      code: 'LOCAL_MODEL_NOT_READY',
    });
  });

  it('refuses a file that is not GGUF, from a URL', async () => {
    const url = server.serve('/page.gguf', { bytes: Buffer.from('<!doctype html><title>Sign in</title>') });
    await models.pull({ source: url });
    const model = await models.settled('page');
    expect(model, JSON.stringify(model)).toMatchObject({
      state: 'failed',
      checksumPublished: false,
      error: { code: 'LOCAL_MODEL_NOT_GGUF' },
    });
    expect(await readdir(models.store.dir)).toEqual(['page.json']);
  });

  it('says a URL with no file behind it is a 404, and a malformed one is not a URL', async () => {
    await models.pull({ source: `${server.baseUrl}/missing/model.gguf` });
    expect(await models.settled('model')).toMatchObject({
      state: 'failed',
      error: { code: 'LOCAL_MODEL_DOWNLOAD_FAILED', message: expect.stringContaining('404') },
    });
    await expect(models.pull({ source: 'http://exa mple/x.gguf' })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    await expect(models.pull({ source: 'model.gguf' })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    await expect(models.pull({ name: 'no-such-model' })).rejects.toMatchObject({
      code: 'LOCAL_MODEL_UNKNOWN',
    });
  });

  it('takes any GGUF URL, names it from its file and records the checksum it computed', async () => {
    const url = server.serve('/files/Tiny-Embed-Q8_0.gguf', { bytes: catalog.entries.embed.bytes });
    await models.pull({ source: url });
    expect(await models.settled('tiny-embed-q8_0')).toMatchObject({
      state: 'ready',
      kind: 'embedding',
      checksumPublished: false,
      sha256: createHash('sha256').update(catalog.entries.embed.bytes).digest('hex'),
    });
  });

  it('refuses a model bigger than this computer before downloading it', async () => {
    await models.stop();
    models = make({ maxModelBytes: 1024 });
    await models.start();
    await expect(models.pull({ name: 'tiny-chat' })).rejects.toMatchObject({
      code: 'LOCAL_MODEL_TOO_BIG',
      message: expect.stringContaining('memory'),
    });
    expect(await models.list()).toEqual([]);
  });

  it('removes a model cleanly: its file, part and record, and says so', async () => {
    await models.pull({ name: 'tiny-chat' });
    await models.settled('tiny-chat');
    await models.remove('tiny-chat');
    expect(removed).toEqual(['tiny-chat']);
    expect(await readdir(models.store.dir)).toEqual([]);
    expect(models.readyModels('chat')).toEqual([]);
    await expect(models.remove('tiny-chat')).rejects.toMatchObject({ code: 'LOCAL_MODEL_UNKNOWN' });
  });

  it('never loads a file changed on disk since it was checked', async () => {
    await models.pull({ name: 'tiny-chat' });
    await models.settled('tiny-chat');
    const path = models.store.modelPath('tiny-chat');
    expect(await models.readyPath('tiny-chat', 'chat')).toBe(path);
    const bytes = await readFile(path);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x55;
    await writeFile(path, bytes);
    await expect(models.readyPath('tiny-chat', 'chat')).rejects.toMatchObject({
      code: 'LOCAL_MODEL_CHECKSUM_MISMATCH',
    });
    expect(await models.get('tiny-chat')).toMatchObject({ state: 'failed' });
  });
});
