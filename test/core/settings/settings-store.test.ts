import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsStore } from '../../../src-main/core/settings/settings-store.js';
import { tempDir } from '../../helpers/core.js';

describe('settings', () => {
  it('persists the provider in settings.json, without any key', async () => {
    const dir = await tempDir();
    try {
      const a = new SettingsStore(dir.path);
      await a.start();
      expect(a.provider()).toBeNull();
      a.setProvider({ kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' });
      const b = new SettingsStore(dir.path);
      await b.start();
      expect(b.provider()).toEqual({
        kind: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:11434/v1',
        model: 'llama3',
      });
      expect(JSON.parse(await readFile(join(dir.path, 'settings.json'), 'utf8'))).toEqual({
        provider: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' },
      });
    } finally {
      await dir.remove();
    }
  });

  it('keeps a damaged file aside and starts with defaults', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, 'settings.json'), '{"provider": {oops');
      const store = new SettingsStore(dir.path);
      await store.start();
      expect(store.provider()).toBeNull();
      expect(store.setAside).toMatch(/settings\.corrupt-\d+\.json$/);
      expect(await readFile(store.setAside!, 'utf8')).toBe('{"provider": {oops');
      expect((await readdir(dir.path)).sort()).toEqual([expect.stringMatching(/^settings\.corrupt-/)]);
    } finally {
      await dir.remove();
    }
  });

  it('ignores values of the wrong shape instead of using them', async () => {
    const dir = await tempDir();
    try {
      await writeFile(
        join(dir.path, 'settings.json'),
        JSON.stringify({ provider: { kind: 'other', baseUrl: 5 } }),
      );
      const store = new SettingsStore(dir.path);
      await store.start();
      expect(store.provider()).toBeNull();
    } finally {
      await dir.remove();
    }
  });
});
