import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('a locked keychain (a real gnome-keyring, locked over D-Bus)', () => {
  it('is reported as locked, keeps the app serving, stores nothing, and never falls back to a file', async () => {
    // Its own D-Bus session and keyring, so locking it cannot disturb the other tests' keyring.
    const keyringHome = await mkdtemp(join(tmpdir(), 'cell0-keyring-'));
    try {
      const { stdout } = await run(
        'dbus-run-session',
        [
          '--',
          'bash',
          '-c',
          'printf pw | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null && exec node --import tsx test/fixtures/locked-keychain-probe.ts',
        ],
        { env: { ...process.env, XDG_DATA_HOME: keyringHome }, timeout: 60_000 },
      );
      const report = JSON.parse(stdout) as {
        identityBefore: string;
        identityAfter: { ok: boolean; result: { status: string; error?: { code: string; message: string } } };
        stillServing: boolean;
        send: { ok: boolean; error?: { code: string; message: string } };
        stored: number;
        save: { ok: boolean; error?: { code: string } };
        settings: { providers: { hasApiKey: boolean }[] };
      };
      expect(report.identityBefore).toBe('ready');
      expect(report.identityAfter.result.status).toBe('unavailable');
      expect(report.identityAfter.result.error?.code).toBe('KEYCHAIN_UNAVAILABLE');
      expect(report.identityAfter.result.error?.message).toMatch(/locked or not available/);
      expect(report.stillServing).toBe(true);
      expect(report.send).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
      expect(report.stored).toBe(0);
      expect(report.save).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
      // The refused save changed nothing: the old key is still recorded as stored.
      expect(report.settings.providers[0]?.hasApiKey).toBe(true);
      expect(stdout).not.toContain('sk-locked-probe-secret');
      expect(stdout).not.toContain('sk-new-key-while-locked');
    } finally {
      await rm(keyringHome, { recursive: true, force: true });
    }
  });
});
