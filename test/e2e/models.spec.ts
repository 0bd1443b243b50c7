import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

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
