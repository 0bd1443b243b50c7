import { test, expect, connectProvider, lastReply, openApp, send, skipOnboarding } from './fixtures.js';

test('after skipping onboarding, the setup card leads to Settings, where a provider is added', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await skipOnboarding(page);
  await page.getByTestId('new-conversation').click();
  await expect(page.getByTestId('provider-setup-card')).toBeVisible();
  await expect(page.getByTestId('composer-input')).toBeDisabled();
  await page.getByTestId('open-settings').click();

  cell0.fake.apiKey = 'sk-e2e-test-key';
  await page.getByTestId('provider-add').click();
  await page.getByTestId('provider-kind').selectOption('openai-compatible');
  await page.getByTestId('provider-name').fill('Fake server');
  await page.getByTestId('provider-base-url').fill(cell0.fake.baseUrl);
  await page.getByTestId('provider-api-key').fill('sk-e2e-test-key');
  await page.getByTestId('provider-test').click();
  await expect(page.getByTestId('provider-test-result')).toContainText('fake-large');
  await page.getByTestId('provider-default-model').fill('fake-small');
  await page.getByTestId('provider-save').click();
  await expect(page.getByTestId('provider-saved')).toBeVisible();
  await expect(page.getByTestId('provider-row')).toHaveCount(1);
  await expect(page.getByTestId('provider-row')).toContainText('Fake server');
  await page.getByTestId('nav-chat').click();
  await expect(page.getByTestId('status-model')).toContainText('fake-small');

  cell0.fake.script({
    tokens: ['Here', ' is', ' **bold**', ' and code:\n\n', '```js\n', 'const x = 1;\n', '```\n'],
    delayMs: 150,
    usage: { input: 1234, output: 56 },
  });
  await send(page, 'Show me some code');
  const reply = lastReply(page);
  // Token by token: we see it while it is still streaming, with only part of the text.
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect(reply).toContainText('Here is');
  await expect(reply).toHaveAttribute('data-status', 'complete');
  await expect(reply.locator('strong')).toHaveText('bold');
  await expect(reply.locator('pre code')).toContainText('const x = 1;');
  await expect(reply.locator('pre code .hljs-keyword').first()).toHaveText('const');
  await expect(reply.getByTestId('message-usage')).toContainText('1,234 in');
  await expect(reply.getByTestId('message-usage')).toContainText('local');
  await expect(page.locator('[data-testid="message"][data-role="user"]').last()).toContainText(
    'Show me some code',
  );
  await expect(page.locator('[data-testid="conversation-item"][data-active="true"]')).toContainText(
    'Show me some code',
  );
});

test('Stop cancels a stream, keeps the partial reply marked, and history survives reload and restart', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: Array.from({ length: 300 }, (_, i) => `word${i} `), delayMs: 40 });
  await send(page, 'Write a very long essay');
  const reply = lastReply(page);
  await expect(reply).toContainText('word3');
  await page.getByTestId('stop-button').click();
  await expect(reply).toHaveAttribute('data-status', 'stopped');
  const partial = (await reply.textContent()) ?? '';
  expect(partial).toContain('word0');
  expect(partial).not.toContain('word299');

  await page.reload();
  await expect(lastReply(page)).toHaveAttribute('data-status', 'stopped');
  await expect(lastReply(page)).toContainText('word0');
  await expect(page.locator('[data-testid="message"][data-role="user"]').last()).toContainText(
    'Write a very long essay',
  );

  // Restart the server (a new process, a new token): the history is intact, onboarding stays done.
  const url = await cell0.restart();
  await openApp(page, url);
  await expect(page.getByTestId('onboarding')).toBeHidden();
  await expect(lastReply(page)).toHaveAttribute('data-status', 'stopped');
  await expect(lastReply(page)).toContainText('word0');

  cell0.fake.script({ tokens: ['Short', ' answer.'] });
  await send(page, 'Shorter please');
  await expect(lastReply(page)).toContainText('Short answer.');
});

test('a refused API key shows its message in the conversation', async ({ page, cell0 }) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake, 'sk-a-wrong-key');
  // The key is refused only from now on (the connection test passed with it).
  cell0.fake.apiKey = 'sk-the-real-key';
  await page.getByTestId('new-conversation').click();
  await send(page, 'Hello?');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'error');
  await expect(lastReply(page).getByTestId('message-error')).toContainText('refused the API key');
  await expect(lastReply(page).getByTestId('message-error')).not.toContainText('sk-a-wrong-key');
});

test('a rate limit shows the wait, a dropped stream and a dead server each say what happened', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();

  cell0.fake.script({ status: 429, retryAfterSeconds: 2 }, { tokens: ['After', ' the', ' wait'] });
  await send(page, 'Busy?');
  await expect(lastReply(page).getByTestId('message-retrying')).toBeVisible();
  await expect(lastReply(page)).toContainText('After the wait');
  await expect(lastReply(page).getByTestId('message-retrying')).toBeHidden();

  cell0.fake.script({ tokens: ['Half', ' an', ' ans', 'wer'], dropAfter: 2, delayMs: 20 });
  await send(page, 'Go');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'error');
  await expect(lastReply(page)).toContainText('Half an');
  await expect(lastReply(page).getByTestId('message-error')).toContainText('dropped');

  await cell0.fake.stop();
  await send(page, 'Anyone there?');
  await expect(lastReply(page).getByTestId('message-error')).toContainText(
    'Could not reach the model server',
    {
      timeout: 15_000,
    },
  );
});
