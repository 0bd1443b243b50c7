import { randomUUID } from 'node:crypto';
import { test, expect, openApp, skipOnboarding } from './fixtures.js';
import { StorageService } from '../../src-main/core/storage/storage-service.js';

const COUNT = 10_000;

test('a conversation of 10,000 messages opens fast and scrolls through a virtualised list', async ({
  page,
  cell0,
}) => {
  // Seed straight into the data directory the running server uses (WAL lets both in).
  const storage = new StorageService(cell0.home);
  await storage.start();
  const id = randomUUID();
  const now = Date.now() - COUNT * 1000;
  await storage.db.transaction(async () => {
    await storage.db.run(
      'INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)',
      [id, 'Very long chat', now, Date.now() + 60_000],
    );
    for (let i = 0; i < COUNT; i++) {
      const role = i % 2 === 0 ? 'user' : 'assistant';
      const content =
        role === 'user' ? `Question number ${i}` : `Answer number ${i}, with **some** markdown.`;
      await storage.db.run(
        `INSERT INTO messages (id, conversation_id, idx, role, content, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'complete', ?, ?)`,
        [randomUUID(), id, i, role, content, now + i * 1000, now + i * 1000],
      );
    }
  });
  await storage.stop();

  await openApp(page, cell0.serve.url);
  await skipOnboarding(page);
  const started = Date.now();
  await page.getByTestId('conversation-item').filter({ hasText: 'Very long chat' }).click();
  await expect(page.getByText(`Answer number ${COUNT - 1},`)).toBeVisible();
  const openMs = Date.now() - started;
  console.log(`opened a ${COUNT}-message conversation in ${openMs} ms`);

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
