import { test, expect, connectProvider, lastReply, openApp, send, openSettings } from './fixtures.js';

test('a conversation switches model mid-way; each reply says which model wrote it', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['Small', ' model', ' here.'] });
  await send(page, 'Who are you?');
  await expect(lastReply(page)).toContainText('Small model here.');

  const picker = page.getByTestId('model-picker');
  // "Default" plus the provider's two models.
  await expect(picker.locator('option')).toHaveCount(3);
  const large = await picker.locator('option', { hasText: 'fake-large' }).getAttribute('value');
  await picker.selectOption(large!);
  await expect(picker).toHaveValue(large!);
  cell0.fake.script({ tokens: ['Large', ' model', ' now.'] });
  await send(page, 'And now?');
  await expect(lastReply(page)).toContainText('Large model now.');
  await expect(lastReply(page).getByTestId('message-model')).toContainText('fake-large');
  const bodies = cell0.fake.requests
    .filter((r) => r.path === '/v1/chat/completions')
    .map((r) => r.body as { model: string });
  expect(bodies.map((b) => b.model)).toEqual(['fake-small', 'fake-large']);

  // The choice belongs to the conversation: it survives a reload.
  await page.reload();
  await expect(page.getByTestId('model-picker')).toHaveValue(large!);
});

test('two providers offering the same model are told apart everywhere; onboarding names the provider; Edit shows the default truly', async ({
  page,
  context,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  // Onboarding asks for a name, prefilled from the server's address.
  await page.getByTestId('onboarding-choice-custom').click();
  await page.getByTestId('onboarding-base-url').fill(cell0.fake.baseUrl);
  const name = page.getByTestId('onboarding-provider-name');
  await expect(name).toHaveValue(new URL(cell0.fake.baseUrl).host);
  await name.fill('Work server');
  await page.getByTestId('onboarding-test').click();
  await expect(page.getByTestId('onboarding-test-result')).toHaveAttribute('data-ok', 'true');
  await page.getByTestId('onboarding-model').selectOption('fake-small');
  await page.getByTestId('onboarding-finish').click();
  await expect(page.getByTestId('onboarding')).toBeHidden();
  await expect(page.getByTestId('status-model')).toContainText('fake-small · Work server');

  // A second provider offering the same model.
  await openSettings(page, 'models');
  await expect(page.getByTestId('provider-row')).toContainText('Work server');
  await page.getByTestId('provider-add').click();
  await page.getByTestId('provider-kind').selectOption('openai-compatible');
  await page.getByTestId('provider-name').fill('Home server');
  await page.getByTestId('provider-base-url').fill(cell0.fake.baseUrl);
  await page.getByTestId('provider-default-model').fill('fake-small');
  const makeDefault = page.getByRole('checkbox', { name: 'Use this model as the app’s default' });
  await expect(makeDefault).not.toBeChecked();
  await page.getByTestId('provider-save').click();
  await expect(page.getByTestId('provider-saved')).toBeVisible();
  await expect(makeDefault).not.toBeChecked();
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('provider-row')).toHaveCount(2);

  // Edit says truly which provider's model is the app's default.
  await page.getByRole('button', { name: 'Edit Work server' }).click();
  await expect(makeDefault).toBeChecked();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Edit Home server' }).click();
  await expect(makeDefault).not.toBeChecked();
  await page.getByRole('button', { name: 'Cancel' }).click();

  // The default-model select names the provider of each option, and of the chosen one.
  const defaultSelect = page.getByTestId('default-model-select');
  await expect(defaultSelect.locator('option', { hasText: 'fake-small · Work server' })).toHaveCount(1);
  await expect(defaultSelect.locator('option', { hasText: 'fake-small · Home server' })).toHaveCount(1);
  await expect(defaultSelect.locator('option:checked')).toHaveText('fake-small · Work server');

  // The picker, the status bar and each reply's label say which provider's model it is.
  await page.getByTestId('nav-chat').click();
  await page.getByTestId('new-conversation').click();
  const picker = page.getByTestId('model-picker');
  await expect(picker.locator('option:checked')).toContainText('fake-small · Work server');
  const home = await picker.locator('option', { hasText: 'fake-small · Home server' }).getAttribute('value');
  await picker.selectOption(home!);
  await expect(picker.locator('option:checked')).toHaveText('fake-small · Home server');
  await expect(page.getByTestId('status-model')).toContainText('fake-small · Home server');
  cell0.fake.script({ tokens: ['From', ' home.'] });
  await send(page, 'Which one?');
  await expect(lastReply(page)).toContainText('From home.');
  await expect(lastReply(page).getByTestId('message-model')).toHaveText('fake-small · Home server');

  // So does the quick prompt, for the conversation it would send to.
  const quick = await context.newPage();
  await quick.goto(cell0.serve.url.replace(/#.*/, '#quick'));
  await quick.evaluate((token) => sessionStorage.setItem('cell0.accessToken', token), cell0.serve.token);
  await quick.reload();
  await expect(quick.getByTestId('quick-prompt-model')).toContainText('fake-small · Home server');
  await quick.getByTestId('quick-prompt-target').selectOption('new');
  await expect(quick.getByTestId('quick-prompt-model')).toContainText('fake-small · Work server');
});
