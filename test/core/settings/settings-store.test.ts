import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_SETTINGS, SettingsStore } from '../../../src-main/core/settings/settings-store.js';
import { DEFAULT_DESKTOP_SETTINGS } from '../../../src-main/core/protocol/entities.js';
import { tempDir } from '../../helpers/core.js';

const ollama = {
  id: 'ollama',
  kind: 'openai-compatible' as const,
  name: 'Ollama',
  baseUrl: 'http://127.0.0.1:11434/v1',
  defaultModel: 'llama3',
  keyStored: false,
};

describe('settings', () => {
  it('persists providers and the default model in settings.json, without any key', async () => {
    const dir = await tempDir();
    try {
      const a = new SettingsStore(dir.path);
      await a.start();
      expect(a.read()).toEqual({
        providers: [],
        defaultModel: null,
        onboardingDone: false,
        desktop: DEFAULT_DESKTOP_SETTINGS,
      });
      a.update((s) => ({
        ...s,
        providers: [ollama],
        defaultModel: { providerId: 'ollama', model: 'llama3' },
      }));
      const b = new SettingsStore(dir.path);
      await b.start();
      const expected = {
        providers: [ollama],
        defaultModel: { providerId: 'ollama', model: 'llama3' },
        onboardingDone: false,
        desktop: DEFAULT_DESKTOP_SETTINGS,
      };
      expect(b.read()).toEqual(expected);
      expect(JSON.parse(await readFile(join(dir.path, 'settings.json'), 'utf8'))).toEqual(expected);
    } finally {
      await dir.remove();
    }
  });

  it('keeps a damaged file aside and starts with defaults', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, 'settings.json'), '{"providers": [{oops');
      const store = new SettingsStore(dir.path);
      await store.start();
      expect(store.read().providers).toEqual([]);
      expect(store.setAside).toMatch(/settings\.corrupt-\d+\.json$/);
      expect(await readFile(store.setAside!, 'utf8')).toBe('{"providers": [{oops');
      expect(await readdir(dir.path)).toEqual([expect.stringMatching(/^settings\.corrupt-/)]);
    } finally {
      await dir.remove();
    }
  });

  it('ignores values of the wrong shape and keeps the good ones', async () => {
    const dir = await tempDir();
    try {
      await writeFile(
        join(dir.path, 'settings.json'),
        JSON.stringify({
          providers: [{ kind: 'other', baseUrl: 5 }, ollama],
          defaultModel: 'nope',
          onboardingDone: true,
          desktop: { closeToTray: 'yes', theme: 'dark' },
        }),
      );
      const store = new SettingsStore(dir.path);
      await store.start();
      expect(store.read()).toEqual({
        providers: [ollama],
        defaultModel: null,
        onboardingDone: true,
        desktop: { ...DEFAULT_DESKTOP_SETTINGS, theme: 'dark' },
      });
    } finally {
      await dir.remove();
    }
  });

  it('keeps the memory embedder choice (built-in by default) beside the budget, across a restart', async () => {
    const dir = await tempDir();
    try {
      const a = new SettingsStore(dir.path);
      await a.start();
      expect(a.memory()).toEqual({ tokensPerDay: 200_000, embedder: { kind: 'built-in' } });
      const choice = { kind: 'provider' as const, providerId: 'ollama', model: 'nomic-embed-text' };
      a.setMemory({ ...a.memory(), embedder: choice });
      const b = new SettingsStore(dir.path);
      await b.start();
      expect(b.memory()).toEqual({ tokensPerDay: 200_000, embedder: choice });
      // The provider list does not know about it, and rewriting that list leaves it alone.
      b.update((s) => ({ ...s, providers: [ollama] }));
      expect(b.memory().embedder).toEqual(choice);
      expect(() =>
        b.setMemory({ ...b.memory(), embedder: { kind: 'provider', providerId: '', model: 'x' } }),
      ).toThrow();
      expect(b.memory().embedder).toEqual(choice);
    } finally {
      await dir.remove();
    }
  });

  it('reads a malformed embedder choice as built-in without resetting the budget', async () => {
    const dir = await tempDir();
    try {
      await writeFile(
        join(dir.path, 'settings.json'),
        JSON.stringify({ memory: { tokensPerDay: 5000, embedder: { kind: 'provider', model: 42 } } }),
      );
      const store = new SettingsStore(dir.path);
      await store.start();
      expect(store.memory()).toEqual({ ...DEFAULT_MEMORY_SETTINGS, tokensPerDay: 5000 });
    } finally {
      await dir.remove();
    }
  });
});
