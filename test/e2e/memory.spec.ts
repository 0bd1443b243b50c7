import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

test('Ctrl+K finds words across all conversations and jumps to the message', async ({ page, cell0 }) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['Noted: the boat leaves from pier seven.'] });
  await send(page, 'The ferry to Tavira departs at dawn');
  await expect(lastReply(page)).toContainText('pier seven');
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['Sure.'] });
  await send(page, 'Something unrelated about gardening');
  await expect(lastReply(page)).toContainText('Sure.');

  await page.keyboard.press('Control+k');
  const palette = page.getByTestId('search-palette');
  await expect(palette).toBeVisible();
  await expect(page.getByTestId('search-empty')).toBeVisible();
  await page.getByTestId('search-input').fill('ferry');
  const result = page.getByTestId('search-result');
  await expect(result).toHaveCount(1);
  await expect(result.locator('mark')).toHaveText('ferry');
  await result.click();
  await expect(palette).toBeHidden();
  await expect(page.locator('[data-testid="conversation-item"][data-active="true"]')).toContainText('ferry');
  await expect(page.locator('[data-testid="message"][data-highlighted="true"]')).toContainText(
    'The ferry to Tavira',
  );

  // Search syntax typed by a person is just text.
  await page.keyboard.press('Control+k');
  await page.getByTestId('search-input').fill('"pier" *(');
  await expect(page.getByTestId('search-result').first()).toContainText('pier');
  await page.keyboard.press('Escape');
});

test('the Memory view adds, pins and forgets; a reply shows the memories it used', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('nav-memory').click();
  await expect(page.getByTestId('memory-view')).toBeVisible();
  await page.getByTestId('memory-add').click();
  await page.getByTestId('memory-add-text').fill('The owner is allergic to peanuts.');
  await page.getByTestId('memory-add-save').click();
  await page.getByTestId('memory-add').click();
  await page.getByTestId('memory-add-text').fill('The owner plans a trip to Lisbon in May.');
  await page.getByTestId('memory-add-save').click();
  const items = page.getByTestId('memory-item');
  await expect(items).toHaveCount(2);
  const peanuts = items.filter({ hasText: 'peanuts' });
  await peanuts.getByTestId('memory-pin').click();
  await expect(peanuts).toHaveAttribute('data-pinned', 'true');

  // A pinned memory goes into every reply's context, and the reply says it used it.
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['I will avoid peanuts.'] });
  await send(page, 'Suggest a snack');
  await expect(lastReply(page)).toContainText('avoid peanuts');
  const used = lastReply(page).getByTestId('message-memories');
  await expect(used).toBeVisible();
  await used.getByRole('button').click();
  await expect(lastReply(page).getByTestId('message-memory-item').first()).toContainText('peanuts');
  const sent = cell0.fake.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as {
    messages: { role: string; content: string }[];
  };
  expect(JSON.stringify(sent.messages)).toContain('allergic to peanuts');

  // Forget everything about Lisbon: only that memory goes.
  await page.getByTestId('nav-memory').click();
  await page.getByTestId('memory-forget-topic').fill('Lisbon');
  await page.getByTestId('memory-forget').click();
  await page.getByTestId('memory-forget-confirm').click();
  await expect(page.getByTestId('memory-forgot-result')).toContainText('1');
  await expect(page.getByTestId('memory-item')).toHaveCount(1);
  await expect(page.getByTestId('memory-item')).toContainText('peanuts');
});
