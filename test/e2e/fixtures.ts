import { test as base, expect, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { FakeOpenAI } from '../fixtures/fake-openai.js';
import { ServeProcess } from '../fixtures/serve-process.js';

export interface Cell0Fixture {
  serve: ServeProcess;
  fake: FakeOpenAI;
  home: string;
  /** Restarts `cell0 serve` on the same data directory; returns the new URL. */
  restart(): Promise<string>;
}

/** Every test gets its own data directory, its own `cell0 serve`, and its own fake model server. */
export const test = base.extend<{ cell0: Cell0Fixture }>({
  // Playwright reads a fixture's dependencies from this pattern, so it must be an (empty) object pattern.
  // eslint-disable-next-line no-empty-pattern
  cell0: async ({}, use) => {
    const home = await mkdtemp(join(tmpdir(), 'cell0-e2e-'));
    const env = { CELL0_KEYCHAIN_SERVICE: `Cell 0 e2e ${randomUUID()}` };
    const fake = new FakeOpenAI();
    await fake.start();
    const fixture: Cell0Fixture = {
      serve: new ServeProcess(home, env),
      fake,
      home,
      async restart() {
        await fixture.serve.stop();
        fixture.serve = new ServeProcess(home, env);
        return fixture.serve.start();
      },
    };
    await fixture.serve.start();
    await use(fixture);
    await fixture.serve.stop();
    await fake.stop();
    await rm(home, { recursive: true, force: true });
  },
});

export { expect };

/** Fills the Settings view with the fake provider and saves. */
export async function connectProvider(
  page: Page,
  fake: FakeOpenAI,
  apiKey = 'sk-e2e-test-key',
): Promise<void> {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-base-url').fill(fake.baseUrl);
  await page.getByTestId('settings-model').fill('fake-small');
  await page.getByTestId('settings-api-key').fill(apiKey);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await page.getByTestId('nav-chat').click();
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}
