import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { test, expect, openApp, skipOnboarding, openSettings } from './fixtures.js';

/** A rule nobody signed, planted in the running instance's database the way another program would. */
function plantUnsignedRule(home: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(join(home, 'cell0.sqlite'), (err) => {
      if (err) return reject(err);
      db.configure('busyTimeout', 5000);
      db.run(
        'INSERT INTO permission_rules (id, tool, pattern, decision, created_at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [randomUUID(), 'shell', '*', 'allow', Date.now(), 'planted', 'planted'],
        (e) => db.close(() => (e ? reject(e) : resolve())),
      );
    });
  });
}

test('Settings → Security runs the checkpoints, shows the run, and a FAIL leads to the setting that fixes it', async ({
  page,
  cell0,
}) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await openApp(page, cell0.serve.url);
  await skipOnboarding(page);
  await plantUnsignedRule(cell0.home);
  await openSettings(page, 'security');
  const section = page.getByTestId('settings-section-security');
  await section.scrollIntoViewIfNeeded();
  await expect(section.getByTestId('checkpoints-empty')).toBeVisible();

  const run = section.getByTestId('checkpoints-run');
  await run.click();
  await expect(run).toBeDisabled();
  await expect(section.getByTestId('checkpoints-progress')).toContainText(/\d+ of \d+ checkpoints|Starting/);
  await expect(section.getByTestId('checkpoints-summary')).toBeVisible({ timeout: 40_000 });
  await expect(run).toBeEnabled();
  await expect(section.getByTestId('checkpoints-summary')).toContainText(
    /Last run .* by the app \(\s*\d+\.\d s\): \d+ passed/,
  );
  await expect(section.getByTestId('checkpoints-count-fail')).toHaveText(/^[1-9]\d* failed$/);

  // Failures first, each with its fix; the planted rule is caught twice.
  const signed = section.locator('[data-testid="checkpoint-row"][data-id="permissions.rules-signed"]');
  await expect(signed).toHaveAttribute('data-status', 'FAIL');
  await expect(
    section.locator('[data-testid="checkpoint-row"][data-id="permissions.no-allow-all-shell"]'),
  ).toHaveAttribute('data-status', 'FAIL');
  await expect(signed).toContainText('Fix: Revoke the unsigned rules');
  // The sandbox escapes ran for real and held.
  await section.getByTestId('checkpoints-show-all').check();
  await expect(
    section.locator('[data-testid="checkpoint-row"][data-id="sandbox.host-secret"]'),
  ).toHaveAttribute('data-status', 'PASS');
  const rows = await section.getByTestId('checkpoint-row').count();
  expect(rows).toBeGreaterThanOrEqual(64);

  // Nothing overflows at 800x600.
  const overflowing = await section.evaluate(
    (el) =>
      Array.from(el.querySelectorAll<HTMLElement>('[data-testid="checkpoint-row"]')).filter(
        (r) => r.scrollWidth > r.clientWidth + 1,
      ).length,
  );
  expect(overflowing).toBe(0);

  // The link goes to Permissions, with the keyboard focus there.
  await signed.getByTestId('checkpoint-fix-link').click();
  await expect(page.getByTestId('settings-section-permissions').locator('h2')).toBeFocused();

  // The run is kept: a reload shows it again.
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await openSettings(page, 'security');
  await expect(
    page.getByTestId('settings-section-security').getByTestId('checkpoints-summary'),
  ).toBeVisible();
});
