import type { Page } from '@playwright/test';
import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

/** How far the message list is from its end, in px (0 = pinned to the bottom). */
function distanceFromEnd(page: Page): Promise<number> {
  return page
    .getByTestId('message-list')
    .evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight));
}

function scrollTop(page: Page): Promise<number> {
  return page.getByTestId('message-list').evaluate((el) => Math.round(el.scrollTop));
}

/** Waits until the list sits at its end while the reply is still streaming at that moment. */
async function expectPinnedWhileStreaming(page: Page, text: string): Promise<void> {
  await expect(lastReply(page)).toContainText(text);
  await expect.poll(() => distanceFromEnd(page)).toBeLessThanOrEqual(2);
  await expect(lastReply(page)).toHaveAttribute('data-status', 'streaming');
}

test('a long streaming reply stays pinned to the bottom; a reader who scrolled up stays put; Latest brings them back', async ({
  page,
  cell0,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();

  // Enough history to scroll.
  cell0.fake.script({ tokens: Array.from({ length: 40 }, (_, i) => `earlier line ${i}\n\n`) });
  await send(page, 'Start');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  await expect.poll(() => distanceFromEnd(page)).toBeLessThanOrEqual(2);

  // A multi-line draft grows the composer and so shrinks the list: the list stays at its end.
  await page.getByTestId('composer-input').click();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.type(`question line ${i}`);
    await page.keyboard.press('Shift+Enter');
  }
  await page.keyboard.type('last question line');
  await expect.poll(() => distanceFromEnd(page)).toBeLessThanOrEqual(2);

  // Sent, it is followed by a long reply of many lines, streamed token by token.
  cell0.fake.script({
    tokens: Array.from({ length: 400 }, (_, i) => `reply line ${i}\n\n`),
    delayMs: 20,
  });
  await page.keyboard.press('Enter');
  await expectPinnedWhileStreaming(page, 'reply line 40');
  await expectPinnedWhileStreaming(page, 'reply line 90');
  const latest = page.getByRole('button', { name: 'Jump to the latest message' });
  await expect(latest).toBeHidden();

  // The reader scrolls up: the position holds while text streams in, and "Latest" appears.
  const list = page.getByTestId('message-list');
  await list.hover();
  await page.mouse.wheel(0, -600);
  await expect.poll(() => distanceFromEnd(page)).toBeGreaterThan(300);
  await expect(latest).toBeVisible();
  const held = await scrollTop(page);
  const shown = await lastReply(page).textContent();
  const lineNumber = Number(/reply line (\d+)\s*$/.exec(shown ?? '')?.[1] ?? 0);
  await expect(lastReply(page)).toContainText(`reply line ${lineNumber + 40}`);
  expect(await scrollTop(page)).toBe(held);
  await expect(lastReply(page)).toHaveAttribute('data-status', 'streaming');

  // "Latest" is reachable from the list by keyboard and brings the reader back; following resumes.
  await list.focus();
  await page.keyboard.press('Tab');
  await expect(latest).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => distanceFromEnd(page)).toBeLessThanOrEqual(2);
  await expect(latest).toBeHidden();
  const resumed = Number(/reply line (\d+)\s*$/.exec((await lastReply(page).textContent()) ?? '')?.[1] ?? 0);
  await expectPinnedWhileStreaming(page, `reply line ${resumed + 40}`);

  // Scrolled up once more and brought back with a click, to the end of the finished reply.
  await list.hover();
  await page.mouse.wheel(0, -600);
  await expect(latest).toBeVisible();
  await latest.click();
  // The whole reply renders Markdown as it grows, which takes a while on a busy machine.
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  await expect(lastReply(page)).toContainText('reply line 399');
  await expect.poll(() => distanceFromEnd(page)).toBeLessThanOrEqual(2);
});
