import { test, expect, openApp, skipOnboarding } from './fixtures.js';
import { seedLongConversation } from '../fixtures/long-conversation.js';

const COUNT = 10_000;

test('a conversation of 10,000 messages opens and scrolls through a virtualised list (how fast: bench:window)', async ({
  page,
  cell0,
}) => {
  await seedLongConversation(cell0.home, COUNT);

  await openApp(page, cell0.serve.url);
  await skipOnboarding(page);
  await page.getByTestId('conversation-item').filter({ hasText: 'Very long chat' }).click();
  await expect(page.getByText(`Answer number ${COUNT - 1},`)).toBeVisible();

  // Only what is on screen is in the DOM.
  const rendered = await page.getByTestId('message').count();
  expect(rendered).toBeGreaterThan(3);
  expect(rendered).toBeLessThan(150);

  // Jump to the top: the first messages load and show.
  await page.getByTestId('message-list').evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(page.getByText('Question number 0', { exact: true })).toBeVisible();
  expect(await page.getByTestId('message').count()).toBeLessThan(150);

  // And to the middle.
  await page.getByTestId('message-list').evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
  await expect(
    page
      .getByText(
        /Question number 4\d\d\d$|Answer number 4\d\d\d,|Question number 5\d\d\d$|Answer number 5\d\d\d,/,
      )
      .first(),
  ).toBeVisible();
});
