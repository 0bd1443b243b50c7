import { test as base, expect } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyCatalog, type TinyCatalog } from '../fixtures/gguf/local-catalog.js';
import { ModelFileServer } from '../fixtures/model-file-server.js';
import { ServeProcess } from '../fixtures/serve-process.js';
import { lastReply, openApp, send, skipOnboarding, openSettings } from './fixtures.js';

interface LocalFixture {
  serve: ServeProcess;
  files: ModelFileServer;
  catalog: TinyCatalog;
}

/**
 * A real `cell0 serve` whose catalog names the tiny models the suite writes, served from a local
 * model host; the models run in its worker thread on the CPU.
 */
const test = base.extend<{ local: LocalFixture }>({
  // eslint-disable-next-line no-empty-pattern
  local: async ({}, use) => {
    const home = await mkdtemp(join(tmpdir(), 'cell0-e2e-local-'));
    const files = new ModelFileServer();
    await files.start();
    const catalog = await tinyCatalog(files, join(home, 'served'));
    const serve = new ServeProcess(join(home, 'data'), {
      CELL0_KEYCHAIN_SERVICE: `Cell 0 e2e ${randomUUID()}`,
      CELL0_MODEL_CATALOG: catalog.file,
      CELL0_LOCAL_GPU: '0',
      CELL0_LOCAL_THREADS: '1',
      CELL0_OLLAMA_URL: `${files.baseUrl}/no-ollama`,
      CELL0_LMSTUDIO_URL: `${files.baseUrl}/no-lmstudio/v1`,
    });
    await serve.start();
    await use({ serve, files, catalog });
    await serve.stop();
    await files.stop();
    await rm(home, { recursive: true, force: true });
  },
});

test('onboarding runs a model on this computer: it downloads, becomes the default and the first chat streams from it', async ({
  page,
  local,
}) => {
  await openApp(page, local.serve.url);
  const card = page.getByTestId('onboarding-local');
  await expect(card).toContainText('Run a model on this computer');
  await expect(card).toContainText('of memory and runs models on the CPU');
  await page.getByTestId('onboarding-local-model').selectOption('tiny-chat');
  await page.getByTestId('onboarding-local-start').click();
  // Downloaded, checked, made the default; the first chat opens with the composer focused.
  await expect(page.getByTestId('onboarding')).toBeHidden({ timeout: 30_000 });
  await expect(page.getByTestId('composer-input')).toBeFocused();
  await expect(page.getByTestId('status-model')).toContainText('tiny-chat');
  // Its chat template has no function calling: the conversation says tools are off.
  await expect(page.getByTestId('tools-off-notice')).toContainText('Tools are off for Tiny tiny-chat');

  await send(page, 'Hello there');
  const reply = lastReply(page);
  await expect(reply).toHaveAttribute('data-status', 'streaming', { timeout: 30_000 });
  await expect(reply).not.toHaveText('', { timeout: 30_000 });
  await page.getByTestId('stop-button').click();
  await expect(reply).toHaveAttribute('data-status', 'stopped');
  // What it streamed before Stop is kept.
  await expect(reply).not.toHaveText('');
});

test('Settings lists models on this computer with size and state, pauses and resumes a download, and removes a model', async ({
  page,
  local,
}) => {
  await openApp(page, local.serve.url);
  await skipOnboarding(page);
  await openSettings(page, 'local-models');
  const section = page.getByTestId('settings-section-local-models');
  await expect(section).toContainText('No model on this computer yet.');

  // A slow host: the download holds after 120 kB, long enough to pause it.
  local.files.serve('/models/tiny-tools.gguf', {
    bytes: local.catalog.entries.tools.bytes,
    holdAfter: 120_000,
  });
  await page.getByTestId('local-catalog-select').selectOption('tiny-tools');
  await page.getByTestId('local-catalog-download').click();
  const row = section.locator('[data-testid="local-model-row"][data-model="tiny-tools"]');
  await expect(row.getByTestId('local-download-progress')).toContainText('120 kB of 384 kB');
  await row.getByTestId('local-download-pause').click();
  await expect(row).toHaveAttribute('data-state', 'paused');
  local.files.release();
  await row.getByTestId('local-download-resume').click();
  await expect(row).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(row).toContainText('calls tools');
  await expect(row.getByTestId('local-model-state')).toHaveText('Ready');

  // A URL with nothing behind it fails where it happened, with the reason and a Retry.
  await page.getByTestId('local-model-source').fill(`${local.files.baseUrl}/nothing/else.gguf`);
  await page.getByTestId('local-model-add').click();
  const failed = section.locator('[data-testid="local-model-row"][data-model="else"]');
  await expect(failed.getByTestId('local-download-error')).toContainText('HTTP 404');
  await expect(failed.getByTestId('local-download-retry')).toBeVisible();

  await row.getByTestId('local-model-remove').click();
  await page.getByTestId('confirm-delete').click();
  await expect(row).toHaveCount(0);
});

test('Settings → Memory switches search to an embedding model on this computer and re-indexes', async ({
  page,
  local,
}) => {
  await openApp(page, local.serve.url);
  await skipOnboarding(page);
  await openSettings(page, 'local-models');
  await page.getByTestId('local-catalog-select').selectOption('tiny-embed');
  await page.getByTestId('local-catalog-download').click();
  await expect(page.locator('[data-testid="local-model-row"][data-model="tiny-embed"]')).toHaveAttribute(
    'data-state',
    'ready',
    { timeout: 30_000 },
  );
  await page.getByTestId('settings-nav-memory').click();
  await page.getByTestId('memory-embedder-source').selectOption('local:tiny-embed');
  await page.getByTestId('memory-embedder-save').click();
  await expect(page.getByTestId('settings-section-memory')).toContainText('This computer · Tiny tiny-embed', {
    timeout: 30_000,
  });
  // The Memory view's "forget" says it finds a topic by meaning now.
  await page.getByTestId('nav-memory').click();
  await expect(page.getByTestId('memory-forget-help')).toContainText('in other words');
});

test('the Memory view says forget matches words while the built-in embedder answers', async ({
  page,
  local,
}) => {
  await openApp(page, local.serve.url);
  await skipOnboarding(page);
  await page.getByTestId('nav-memory').click();
  await expect(page.getByTestId('memory-forget-help')).toContainText('matches words here');
});
