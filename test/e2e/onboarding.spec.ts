import { test, expect, lastReply, openApp, send, openSettings } from './fixtures.js';

test('first run: onboarding finds Ollama on this machine, connects it, and the first reply is local', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  const onboarding = page.getByTestId('onboarding');
  await expect(onboarding).toBeVisible();
  // Ollama answers on its port: marked as running; LM Studio does not.
  await expect(page.getByTestId('onboarding-detected-ollama')).toBeVisible();
  await expect(page.getByTestId('onboarding-detected-lmstudio')).toHaveCount(0);
  await page.getByTestId('onboarding-choice-ollama').click();
  await expect(page.getByTestId('onboarding-base-url')).toHaveValue(`${cell0.ollama.origin}/v1`);
  await page.getByTestId('onboarding-test').click();
  await expect(page.getByTestId('onboarding-test-result')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('onboarding-model')).toHaveValue('llama3.2:latest');
  await page.getByTestId('onboarding-finish').click();
  await expect(onboarding).toBeHidden();
  await expect(page.getByTestId('composer-input')).toBeFocused();
  await expect(page.getByTestId('status-model')).toContainText('llama3.2:latest');

  cell0.ollama.script({ tokens: ['Hello', ' from', ' your', ' machine.'], usage: { input: 9, output: 4 } });
  await send(page, 'Hi');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  await expect(lastReply(page)).toContainText('Hello from your machine.');
  await expect(lastReply(page).getByTestId('message-usage')).toContainText('local');

  // Done once: a reload does not ask again, and Settings can reopen it.
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(onboarding).toBeHidden();
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('rerun-onboarding').click();
  await expect(onboarding).toBeVisible();
  await page.getByTestId('onboarding-skip').click();
  await expect(onboarding).toBeHidden();
});

test('a wrong key during onboarding is said inline, and nothing is saved', async ({ page, cell0 }) => {
  cell0.fake.apiKey = 'sk-right';
  await openApp(page, cell0.serve.url);
  await page.getByTestId('onboarding-choice-custom').click();
  await page.getByTestId('onboarding-base-url').fill(cell0.fake.baseUrl);
  await page.getByTestId('onboarding-api-key').fill('sk-wrong');
  await page.getByTestId('onboarding-test').click();
  const result = page.getByTestId('onboarding-test-result');
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText('refused the API key');
  await expect(page.getByTestId('onboarding-finish')).toHaveCount(0);
  await page.getByTestId('onboarding-skip').click();
  await openSettings(page, 'models');
  await expect(page.getByTestId('provider-row')).toHaveCount(0);
});
