import { test, expect, openApp, skipOnboarding } from './fixtures.js';

test('after cell0 serve restarts with a new token, its new URL opened in the same tab connects without a reload', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await skipOnboarding(page);
  await expect(page).not.toHaveURL(/token=/);
  // Gone after a reload; kept through a same-document navigation.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  const oldToken = cell0.serve.token;
  const url = await cell0.restart(cell0.serve.port);
  expect(cell0.serve.token).not.toBe(oldToken);
  // The tab reconnects on its own with the token it has, which the new server refuses.
  const status = page.getByTestId('connection-status');
  await expect(status).toHaveAttribute('data-state', 'unauthorized');

  // The owner pastes the URL the new server printed into the same tab: only the fragment changed.
  await page.goto(url);
  await expect(status).toHaveAttribute('data-state', 'connected');
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
    true,
  );
  await expect(page).not.toHaveURL(/token=/);
  // The app works again on the new server: a new chat is made there.
  await page.getByTestId('new-conversation').click();
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
});
