import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src-main/core/base/atomic-file.js';
import { tempDir } from '../../helpers/core.js';

describe('writeFileAtomic', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('replaces the file whole, owner-only, and leaves no temp file behind', async () => {
    const file = join(dir.path, 'state.json');
    await writeFile(file, 'old');
    await Promise.all([writeFileAtomic(file, '{"a":1}\n'), writeFileAtomic(file, '{"a":2}\n')]);
    expect(['{"a":1}\n', '{"a":2}\n']).toContain(await readFile(file, 'utf8'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir.path)).toEqual(['state.json']);
  });

  it('a write whose rename fails throws and removes its temp file; what stood there stays', async () => {
    // A folder stands where the file should go: the temp file is written, the rename refused.
    const target = join(dir.path, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'kept');
    await expect(writeFileAtomic(target, 'new')).rejects.toMatchObject({ code: 'EISDIR' });
    expect(await readdir(dir.path)).toEqual(['taken']);
    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('kept');
  });
});
