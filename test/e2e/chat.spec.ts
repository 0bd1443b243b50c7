import { test, expect, connectProvider, send } from './fixtures.js';

test('a new owner is guided to connect a model, then chats with a streamed reply', async ({
  page,
  cell0,
}) => {
  await page.goto(cell0.serve.url);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await page.getByTestId('new-conversation').click();
  await expect(page.getByTestId('provider-setup-card')).toBeVisible();
  await page.getByTestId('open-settings').click();

  await page.getByTestId('settings-base-url').fill(cell0.fake.baseUrl);
  await page.getByTestId('settings-model').fill('fake-small');
  await page.getByTestId('settings-api-key').fill('sk-e2e-test-key');
  cell0.fake.apiKey = 'sk-e2e-test-key';
  await page.getByTestId('settings-test').click();
  await expect(page.getByTestId('settings-test-result')).toContainText('fake-large');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await page.getByTestId('nav-chat').click();
  await expect(page.getByTestId('status-model')).toContainText('fake-small');

  cell0.fake.script({
    tokens: ['Here', ' is', ' **bold**', ' and code:\n\n', '```js\n', 'const x = 1;\n', '```\n'],
    delayMs: 150,
  });
  await send(page, 'Show me some code');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  // Token by token: we see it while it is still streaming, with only part of the text.
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect(reply).toContainText('Here is');
  await expect(reply).toHaveAttribute('data-status', 'complete');
  await expect(reply.locator('strong')).toHaveText('bold');
  await expect(reply.locator('pre code')).toContainText('const x = 1;');
  await expect(reply.locator('pre code .hljs-keyword').first()).toHaveText('const');
  await expect(page.locator('[data-testid="message"][data-role="user"]').last()).toContainText(
    'Show me some code',
  );
  // The conversation took its title from the first message.
  await expect(page.locator('[data-testid="conversation-item"][data-active="true"]')).toContainText(
    'Show me some code',
  );
});

test('Stop cancels a stream, keeps the partial reply marked, and history survives reload and restart', async ({
  page,
  cell0,
}) => {
  await page.goto(cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: Array.from({ length: 300 }, (_, i) => `word${i} `), delayMs: 40 });
  await send(page, 'Write a very long essay');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toContainText('word3');
  await page.getByTestId('stop-button').click();
  await expect(reply).toHaveAttribute('data-status', 'stopped');
  const partial = (await reply.textContent()) ?? '';
  expect(partial).toContain('word0');
  expect(partial).not.toContain('word299');

  // Reload: everything is still there.
  await page.reload();
  const afterReload = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(afterReload).toHaveAttribute('data-status', 'stopped');
  await expect(afterReload).toContainText('word0');
  await expect(page.locator('[data-testid="message"][data-role="user"]').last()).toContainText(
    'Write a very long essay',
  );

  // Restart the server (a new process, a new token): the history is intact.
  const url = await cell0.restart();
  await page.goto(url);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  const afterRestart = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(afterRestart).toHaveAttribute('data-status', 'stopped');
  await expect(afterRestart).toContainText('word0');

  // And the conversation carries on.
  cell0.fake.script({ tokens: ['Short', ' answer.'] });
  await send(page, 'Shorter please');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toContainText(
    'Short answer.',
  );
});

test('a refused API key shows its message in the conversation', async ({ page, cell0 }) => {
  cell0.fake.apiKey = 'sk-the-real-key';
  await page.goto(cell0.serve.url);
  await connectProvider(page, cell0.fake, 'sk-a-wrong-key');
  await page.getByTestId('new-conversation').click();
  await send(page, 'Hello?');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'error');
  await expect(reply.getByTestId('message-error')).toContainText('refused the API key');
  await expect(reply.getByTestId('message-error')).not.toContainText('sk-a-wrong-key');
});

test('a dropped stream and an unreachable server each say what happened', async ({ page, cell0 }) => {
  await page.goto(cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['Half', ' an', ' ans', 'wer'], dropAfter: 2, delayMs: 20 });
  await send(page, 'Go');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'error');
  await expect(reply).toContainText('Half an');
  await expect(reply.getByTestId('message-error')).toContainText('dropped');

  await cell0.fake.stop();
  await send(page, 'Anyone there?');
  const next = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(next.getByTestId('message-error')).toContainText('Could not reach the model server', {
    timeout: 15_000,
  });
});
