import { test as base, expect, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { FakeOllama } from '../fixtures/fake-ollama.js';
import { FakeOpenAI } from '../fixtures/fake-openai.js';
import { ServeProcess } from '../fixtures/serve-process.js';

export interface Cell0Fixture {
  serve: ServeProcess;
  /** An OpenAI-compatible model server, scripted per test. */
  fake: FakeOpenAI;
  /** Ollama "running on this machine": `cell0 serve` is pointed at it. */
  ollama: FakeOllama;
  home: string;
  keychainService: string;
  /** Restarts `cell0 serve` on the same data directory (on `port`, else any); returns the new URL. */
  restart(port?: number): Promise<string>;
}

/** Every test gets its own data directory, its own `cell0 serve`, and its own fake model servers. */
export const test = base.extend<{ cell0: Cell0Fixture; cell0Env: Record<string, string> }>({
  /** More environment for `cell0 serve` (`test.use({ cell0Env: … })`), e.g. a faster memory daemon. */
  cell0Env: [{}, { option: true }],
  cell0: async ({ cell0Env }, use) => {
    const home = await mkdtemp(join(tmpdir(), 'cell0-e2e-'));
    const fake = new FakeOpenAI();
    const ollama = new FakeOllama({ models: ['llama3.2:latest'] });
    await fake.start();
    await ollama.start();
    const keychainService = `Cell 0 e2e ${randomUUID()}`;
    const env = {
      CELL0_KEYCHAIN_SERVICE: keychainService,
      CELL0_OLLAMA_URL: ollama.origin,
      // Nothing listens there: LM Studio is "not running".
      CELL0_LMSTUDIO_URL: `${fake.origin}/no-lmstudio/v1`,
      // A mesh turned on in a test listens on loopback only.
      CELL0_MESH_LISTEN: '/ip4/127.0.0.1/tcp/0',
      ...cell0Env,
    };
    const fixture: Cell0Fixture = {
      serve: new ServeProcess(home, env),
      fake,
      ollama,
      home,
      keychainService,
      async restart(port = 0) {
        await fixture.serve.stop();
        fixture.serve = new ServeProcess(home, env);
        return fixture.serve.start(port);
      },
    };
    await fixture.serve.start();
    await use(fixture);
    await fixture.serve.stop();
    await fake.stop();
    await ollama.stop();
    await rm(home, { recursive: true, force: true });
  },
});

export { expect };

export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
}

export async function skipOnboarding(page: Page): Promise<void> {
  await page.getByTestId('onboarding-skip').click();
  await expect(page.getByTestId('onboarding')).toBeHidden();
}

/** First-run onboarding with "another OpenAI-compatible server": the fake, its key, its first model. */
export async function connectProvider(
  page: Page,
  fake: FakeOpenAI,
  apiKey = 'sk-e2e-test-key',
): Promise<void> {
  await page.getByTestId('onboarding-choice-custom').click();
  await page.getByTestId('onboarding-base-url').fill(fake.baseUrl);
  await page.getByTestId('onboarding-api-key').fill(apiKey);
  await page.getByTestId('onboarding-test').click();
  await expect(page.getByTestId('onboarding-test-result')).toHaveAttribute('data-ok', 'true');
  await page.getByTestId('onboarding-model').selectOption('fake-small');
  await page.getByTestId('onboarding-finish').click();
  await expect(page.getByTestId('onboarding')).toBeHidden();
  await expect(page.getByTestId('status-model')).toContainText('fake-small');
}

/** Types and sends as a person does: Enter once the send button is there (not while a reply still streams). */
export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await expect(page.getByTestId('send-button')).toBeEnabled();
  await page.getByTestId('composer-input').press('Enter');
}

export function lastReply(page: Page) {
  return page.locator('[data-testid="message"][data-role="assistant"]').last();
}

/** Settings shows one section at a time: open it, then choose the section in its list. */
export async function openSettings(page: Page, section: string): Promise<void> {
  await page.getByTestId('nav-settings').click();
  const item = page.getByTestId('settings-nav').getByTestId(`settings-nav-${section}`);
  await item.click();
  await expect(item).toHaveAttribute('aria-current', 'page');
  await expect(page.locator(`[data-settings-section="${section}"]`)).toBeVisible();
}
