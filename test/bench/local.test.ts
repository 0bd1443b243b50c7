import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyEmbeddingModel, writeModel } from '../fixtures/gguf/tiny-models.js';
import { tempDir } from '../helpers/core.js';

const run = promisify(execFile);

describe('npm run bench:local', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('ends with one JSON object: load, first token, prefill, decode, peak RSS and recall with --embedder', async () => {
    const embedder = await writeModel(dir.path, 'embed.gguf', tinyEmbeddingModel());
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/local.ts', '--tiny', '--threads', '1', '--embedder', embedder.path],
      { cwd: process.cwd(), env: { ...process.env, CELL0_LOCAL_GPU: '0' }, timeout: 120_000 },
    );
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({
      model: 'generated tiny',
      loadMs: expect.any(Number),
      timeToFirstTokenMs: expect.any(Number),
      prefillTokensPerSecond: expect.any(Number),
      decodeTokensPerSecond: expect.any(Number),
      peakRssMb: expect.any(Number),
      memoryRecall: { embedder: embedder.path, questions: expect.any(Number) },
    });
    expect(last.promptTokens).toBeGreaterThan(100);
    expect(last.decodeTokensPerSecond).toBeGreaterThan(0);
    // A recall is a share of the questions: a number from 0 to 1 (NaN or a count would fail here).
    expect(last.memoryRecall.hybridR10).toBeGreaterThanOrEqual(0);
    expect(last.memoryRecall.hybridR10).toBeLessThanOrEqual(1);
    expect(last.memoryRecall.questions).toBeGreaterThan(0);
  }, 150_000);
});
