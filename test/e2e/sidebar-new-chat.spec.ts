import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

test('Ctrl+N reuses an empty new chat instead of piling up empty ones', async ({ page, cell0 }) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  const items = page.getByTestId('conversation-item');
  const active = page.locator('[data-testid="conversation-item"][data-active="true"]');

  await page.keyboard.press('Control+n');
  await expect(items).toHaveCount(1);
  await expect(active).toContainText('New chat');
  // Again, from the keyboard and from the button: the same empty chat, not a second one.
  await page.keyboard.press('Control+n');
  await page.getByTestId('new-conversation').click();
  await expect(page.getByTestId('composer-input')).toBeFocused();
  await expect(items).toHaveCount(1);

  cell0.fake.script({ tokens: ['Noted.'] });
  await send(page, 'Remember the milk');
  await expect(lastReply(page)).toContainText('Noted.');
  await expect(active).toContainText('Remember the milk');

  // The current chat has messages now: Ctrl+N opens a new one, once.
  await page.keyboard.press('Control+n');
  await expect(items).toHaveCount(2);
  await expect(active).toContainText('New chat');
  await page.keyboard.press('Control+n');
  await expect(items).toHaveCount(2);

  // From a chat with messages, Ctrl+N goes to the empty one that already exists.
  await items
    .filter({ hasText: 'Remember the milk' })
    .getByRole('button', { name: 'Remember the milk', exact: true })
    .click();
  await expect(active).toContainText('Remember the milk');
  await page.keyboard.press('Control+n');
  await expect(active).toContainText('New chat');
  await expect(items).toHaveCount(2);
});

test('only one sidebar item is highlighted at a time', async ({ page, cell0 }) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  const sidebar = page.getByRole('complementary', { name: 'Sidebar' });
  const current = sidebar.locator('[aria-current="page"]');
  const highlighted = sidebar.locator('[data-active="true"], .active, [aria-current="page"]');

  await expect(current).toHaveCount(1);
  await expect(current).toHaveText('New chat');
  for (const nav of ['nav-swarms', 'nav-memory', 'nav-audit', 'nav-settings']) {
    await page.getByTestId(nav).click();
    await expect(current).toHaveCount(1);
    await expect(current).toHaveAttribute('data-testid', nav);
    // Nothing else looks selected either: no active conversation row or nav entry beside it.
    await expect(highlighted).toHaveCount(1);
  }
  await page.getByTestId('conversation-item').getByRole('button', { name: 'New chat', exact: true }).click();
  await expect(current).toHaveCount(1);
  await expect(current).toHaveText('New chat');
});
