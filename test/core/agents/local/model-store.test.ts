import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelStore, type Manifest } from '../../../../src-main/core/agents/local/model-store.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function manifest(sizeBytes: number): Manifest {
  return {
    name: 'page',
    label: '',
    kind: 'chat',
    state: 'downloading',
    source: 'http://127.0.0.1/page.gguf',
    sizeBytes,
    sha256: null,
    checksumPublished: false,
    error: null,
    architecture: null,
    trainedContext: null,
    supportsTools: null,
    verified: null,
    addedAt: 0,
  };
}

describe('the model store', () => {
  it('takes writes of one manifest at once, the last one kept and no temp file left', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cell0-model-store-'));
    dirs.push(dataDir);
    const store = new ModelStore(dataDir);
    await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => store.write(manifest(n))));
    expect(await readdir(store.dir)).toEqual(['page.json']);
    const [kept] = await store.list();
    expect(kept?.name).toBe('page');
  });
});
