import { test, expect, openApp, skipOnboarding } from './fixtures.js';

test('conversations can be created, renamed and deleted, most recent first', async ({ page, cell0 }) => {
  await openApp(page, cell0.serve.url);
  await skipOnboarding(page);
  const items = page.getByTestId('conversation-item');
  await page.getByTestId('new-conversation').click();
  await expect(items).toHaveCount(1);
  await items.first().getByTestId('conversation-rename').click();
  await page.getByTestId('conversation-title-input').fill('Groceries');
  await page.getByTestId('conversation-title-input').press('Enter');
  await expect(items.first()).toContainText('Groceries');

  await page.getByTestId('new-conversation').click();
  await expect(items).toHaveCount(2);
  await items.first().getByTestId('conversation-rename').click();
  await page.getByTestId('conversation-title-input').fill('Taxes');
  await page.getByTestId('conversation-title-input').press('Enter');
  await expect(items.nth(0)).toContainText('Taxes');
  await expect(items.nth(1)).toContainText('Groceries');

  // Esc cancels a rename.
  await items.nth(1).getByTestId('conversation-rename').click();
  await page.getByTestId('conversation-title-input').fill('Nope');
  await page.getByTestId('conversation-title-input').press('Escape');
  await expect(items.nth(1)).toContainText('Groceries');

  // Delete hides at once and offers Undo; undone, it is back.
  await items.nth(0).getByTestId('conversation-delete').click();
  await expect(items).toHaveCount(1);
  await expect(page.getByTestId('undo-toast')).toContainText('Deleted “Taxes”');
  await page.getByTestId('undo-delete').click();
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('Taxes');

  // Not undone: deleted for good once the toast is gone.
  await items.nth(0).getByTestId('conversation-delete').click();
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText('Groceries');
  await expect(page.getByTestId('undo-toast')).toBeHidden();

  await page.reload();
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText('Groceries');
});
