import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Keychain } from '../../../src-main/core/identity/keychain.js';
import { startTestCore, testKeychainService } from '../../helpers/core.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('keychain (real Secret Service)', () => {
  it('round-trips a secret and deletes it', async () => {
    const keychain = new Keychain(testKeychainService());
    expect(await keychain.get('a')).toBeNull();
    await keychain.set('a', 'sk-round-trip');
    expect(await keychain.get('a')).toBe('sk-round-trip');
    expect(await keychain.delete('a')).toBe(true);
    expect(await keychain.get('a')).toBeNull();
  });

  it('keeps the provider key in the keychain and out of every file of the data directory', async () => {
    const t = await startTestCore();
    const secret = `sk-never-in-a-file-${Date.now()}`;
    try {
      const saved = await t.call('providers.save', {
        kind: 'openai-compatible',
        name: 'Ollama',
        baseUrl: 'http://127.0.0.1:11434/v1/',
        defaultModel: 'llama3',
        apiKey: secret,
      });
      expect(saved).toEqual({
        id: 'ollama',
        kind: 'openai-compatible',
        name: 'Ollama',
        baseUrl: 'http://127.0.0.1:11434/v1',
        defaultModel: 'llama3',
        hasApiKey: true,
        local: true,
      });
      expect(await new Keychain(t.keychainService).get('provider:ollama:api-key')).toBe(secret);
      // No frame carries it back either.
      expect(JSON.stringify(await t.call('settings.get'))).not.toContain(secret);
      expect(JSON.stringify(t.events)).not.toContain(secret);

      // Keeping the key when it is not sent, removing it with null.
      await t.call('providers.save', { id: 'ollama', kind: 'openai-compatible', defaultModel: 'llama3.1' });
      expect((await t.call('settings.get')).providers[0]?.hasApiKey).toBe(true);
      await t.restart();
      for (const file of await filesUnder(t.dataDir)) {
        expect((await readFile(file)).includes(secret), file).toBe(false);
      }
      await t.call('providers.save', { id: 'ollama', kind: 'openai-compatible', apiKey: null });
      expect((await t.call('settings.get')).providers[0]?.hasApiKey).toBe(false);
      expect(await new Keychain(t.keychainService).get('provider:ollama:api-key')).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('says plainly when the keychain is not available, without the secret', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/keychain-probe.ts'],
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } },
    );
    const result = JSON.parse(stdout) as { ok: boolean; code?: string; message?: string };
    expect(result.ok).toBe(false);
    expect(result.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(result.message).toMatch(/keychain is locked or not available/);
    expect(result.message).not.toContain('sk-probe-secret-value');
  });
});
