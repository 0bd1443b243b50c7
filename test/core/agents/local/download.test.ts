import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { download } from '../../../../src-main/core/agents/local/download.js';
import type { DownloadProgress } from '../../../../src-main/core/protocol/local-model-entities.js';
import { ModelFileServer } from '../../../fixtures/model-file-server.js';
import { tempDir } from '../../../helpers/core.js';

const BYTES = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));

describe('download', () => {
  let server: ModelFileServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let part: string;

  beforeEach(async () => {
    server = new ModelFileServer();
    await server.start();
    dir = await tempDir();
    part = join(dir.path, 'm.gguf.part');
  });
  afterEach(async () => {
    await server.stop();
    await dir.remove();
  });

  const spec = (url: string, over: Partial<Parameters<typeof download>[0]> = {}) => ({
    url,
    partPath: part,
    startAt: 0,
    expectedBytes: null,
    maxBytes: 1e12,
    signal: new AbortController().signal,
    onProgress: () => undefined,
    ...over,
  });

  it('reports bytes, speed and time left, and ends with the whole file', async () => {
    const url = server.serve('/m.gguf', { bytes: BYTES });
    const seen: DownloadProgress[] = [];
    const { totalBytes } = await download(spec(url, { onProgress: (p) => seen.push(p), progressEveryMs: 0 }));
    expect(totalBytes).toBe(BYTES.length);
    expect(await readFile(part)).toEqual(BYTES);
    const last = seen.at(-1)!;
    expect(last.receivedBytes).toBe(BYTES.length);
    expect(last.totalBytes).toBe(BYTES.length);
    expect(last.secondsLeft === null || last.secondsLeft === 0).toBe(true);
    expect(seen.every((p) => p.bytesPerSecond >= 0)).toBe(true);
  });

  it('reports what arrived before the server stalled, even between two reporting intervals', async () => {
    const url = server.serve('/m.gguf', { bytes: BYTES, holdAfter: 120_000 });
    const controller = new AbortController();
    let reported = 0;
    const reachedHold = new Promise<void>((resolve) => {
      const onProgress = (p: DownloadProgress) => {
        reported = p.receivedBytes;
        if (p.receivedBytes === 120_000) resolve();
      };
      void download(spec(url, { onProgress, progressEveryMs: 50, signal: controller.signal })).catch(
        () => undefined,
      );
    });
    await reachedHold;
    expect(reported).toBe(120_000);
    controller.abort();
    server.release();
  });

  it('resumes a cut download with an HTTP Range request from the bytes it has', async () => {
    const url = server.serve('/m.gguf', { bytes: BYTES, cutAfter: 70_000 });
    await expect(download(spec(url))).rejects.toMatchObject({ code: 'LOCAL_MODEL_DOWNLOAD_FAILED' });
    const have = (await stat(part)).size;
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(BYTES.length);
    await download(spec(url, { startAt: have }));
    expect(server.requests.at(-1)!.range).toBe(`bytes=${have}-`);
    expect(await readFile(part)).toEqual(BYTES);
  });

  it('starts again from the first byte when the server ignores the Range header', async () => {
    const url = server.serve('/m.gguf', { bytes: BYTES, ignoreRange: true });
    await writeFile(part, Buffer.from('stale bytes from another file'));
    await download(spec(url, { startAt: 29 }));
    expect(await readFile(part)).toEqual(BYTES);
  });

  it('takes a part that already holds the whole file as done (416 past the end)', async () => {
    const url = server.serve('/m.gguf', { bytes: BYTES });
    await writeFile(part, BYTES);
    const { totalBytes } = await download(spec(url, { startAt: BYTES.length }));
    expect(totalBytes).toBe(BYTES.length);
    expect(await readFile(part)).toEqual(BYTES);
    expect(server.requests.at(-1)!.range).toBe(`bytes=${BYTES.length}-`);
  });

  it('says a 404 is no file at that URL', async () => {
    await expect(download(spec(`${server.baseUrl}/nothing.gguf`))).rejects.toMatchObject({
      code: 'LOCAL_MODEL_DOWNLOAD_FAILED',
      message: expect.stringContaining('HTTP 404'),
    });
  });

  it('says a server that cannot be reached is unreachable, with its host', async () => {
    await server.stop();
    await expect(download(spec(`${server.baseUrl}/m.gguf`))).rejects.toMatchObject({
      code: 'LOCAL_MODEL_DOWNLOAD_FAILED',
      message: expect.stringContaining('127.0.0.1'),
    });
  });

  it('refuses a file of another size than the catalog names before writing a byte', async () => {
    const url = server.serve('/m.gguf', { bytes: BYTES });
    await expect(download(spec(url, { expectedBytes: BYTES.length + 1 }))).rejects.toMatchObject({
      code: 'LOCAL_MODEL_CHECKSUM_MISMATCH',
    });
    await expect(stat(part)).rejects.toThrow();
  });

  it('refuses a file larger than this computer could hold in memory', async () => {
    const url = server.serve('/big.gguf', { bytes: Buffer.alloc(0), claimLength: 5_000_000 });
    await expect(download(spec(url, { maxBytes: 1_000_000 }))).rejects.toMatchObject({
      code: 'LOCAL_MODEL_TOO_BIG',
    });
  });

  it('checks the free disk before starting', async () => {
    // More than any disk holds: the check refuses before a byte is written.
    const url = server.serve('/huge.gguf', { bytes: Buffer.alloc(0), claimLength: 2 ** 52 });
    await expect(download(spec(url, { maxBytes: 2 ** 60 }))).rejects.toMatchObject({
      code: 'LOCAL_MODEL_DISK_FULL',
      message: expect.stringContaining('free'),
    });
    await expect(stat(part)).rejects.toThrow();
  });

  it('keeps the part when paused, and a resume continues from it', async () => {
    const url = server.serve('/m.gguf', { bytes: BYTES, holdAfter: 50_000 });
    const controller = new AbortController();
    const paused = new Error('paused');
    let reached!: () => void;
    const halfway = new Promise<void>((resolve) => (reached = resolve));
    const running = download(
      spec(url, {
        signal: controller.signal,
        progressEveryMs: 0,
        onProgress: (p) => p.receivedBytes >= 50_000 && reached(),
      }),
    );
    await halfway;
    controller.abort(paused);
    await expect(running).rejects.toBe(paused);
    const have = (await stat(part)).size;
    expect(have).toBe(50_000);
    await download(spec(url, { startAt: have }));
    expect(server.requests.at(-1)!.range).toBe('bytes=50000-');
    expect(await readFile(part)).toEqual(BYTES);
  });
});
