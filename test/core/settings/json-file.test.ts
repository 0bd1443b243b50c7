import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFile } from '../../../src-main/core/settings/json-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cell0-json-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JsonFile (settings.json as conf keeps it)', () => {
  it('is {} before the file exists, and sets one key or several, keeping the rest', () => {
    const file = new JsonFile(join(dir, 'settings.json'));
    expect(file.store).toEqual({});
    file.set('persona', { name: 'Ada' });
    file.set({ mesh: { enabled: false }, memory: { budget: 3 } });
    file.set('memory', { budget: 4 });
    expect(file.store).toEqual({ persona: { name: 'Ada' }, mesh: { enabled: false }, memory: { budget: 4 } });
  });

  it('writes the very bytes conf writes, and reads what conf wrote', async () => {
    const ours = new JsonFile(join(dir, 'settings.json'));
    ours.set({ providers: [{ id: 'p', name: 'Fake' }], defaultModel: null });
    const conf = new Conf<Record<string, unknown>>({
      cwd: join(dir, 'conf'),
      configName: 'settings',
      projectName: 'cell0',
    });
    conf.set({ providers: [{ id: 'p', name: 'Fake' }], defaultModel: null });
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(await readFile(conf.path, 'utf8'));
    conf.set('persona', { name: 'Grace' });
    expect(new JsonFile(conf.path).store).toEqual(conf.store);
  });

  it('replaces the file whole and leaves no temporary file behind', async () => {
    const file = new JsonFile(join(dir, 'settings.json'));
    for (let i = 0; i < 20; i++) file.set('n', i);
    expect(await readdir(dir)).toEqual(['settings.json']);
    expect(file.store).toEqual({ n: 19 });
  });

  it('throws a SyntaxError on a damaged file or one that is no JSON object, and changes nothing', async () => {
    await writeFile(join(dir, 'settings.json'), '{"providers": [');
    const file = new JsonFile(join(dir, 'settings.json'));
    expect(() => file.store).toThrow(SyntaxError);
    expect(() => file.set('a', 1)).toThrow(SyntaxError);
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe('{"providers": [');
    await writeFile(join(dir, 'settings.json'), '[1, 2]');
    expect(() => file.store).toThrow(SyntaxError);
  });
});
