import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

declare global {
  interface Window {
    /** What the card said about itself when the early Enter reached it. */
    earlyEnterArmed?: string | null;
  }
}

test('Enter allows a card only once it has been on screen for a moment, never the moment it appears', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script(
    { toolCalls: [{ id: 'call_arm', name: 'shell', input: { command: 'echo armed-and-allowed' } }] },
    { tokens: ['Ran it.'] },
  );
  // An Enter that lands on the card the instant it is inserted: a double press of the Enter that
  // sent the message, as fast as it can possibly come.
  await page.evaluate(() => {
    new MutationObserver((_, observer) => {
      const card = document.querySelector('[data-testid="permission-card"][data-state="pending"]');
      if (!card) return;
      observer.disconnect();
      window.earlyEnterArmed = card.getAttribute('data-armed');
      card.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    }).observe(document.body, { childList: true, subtree: true });
  });
  await send(page, 'Run it');

  const card = page.locator('[data-testid="permission-card"]');
  // Still waiting once armed: the early Enter allowed nothing.
  await expect(card).toHaveAttribute('data-armed', 'true');
  await expect(card).toHaveAttribute('data-state', 'pending');
  expect(await page.evaluate(() => window.earlyEnterArmed)).toBe('false');
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'waiting-permission');

  await expect(card).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(card).toHaveAttribute('data-state', 'allowed');
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'done');
  await expect(lastReply(page)).toContainText('Ran it.');
});

test('a model’s memory_save asks the owner on a card first; allowed, the memory is kept and the call shows it ran in Cell 0', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script(
    {
      toolCalls: [
        { id: 'call_mem', name: 'memory_save', input: { text: 'The owner takes tea without sugar.' } },
      ],
    },
    { tokens: ['I will remember.'] },
  );
  await send(page, 'Remember how I take my tea');

  const card = page.locator('[data-testid="permission-card"][data-tool="memory_save"]');
  await expect(card).toHaveAttribute('data-state', 'pending');
  await expect(card.getByRole('heading')).toHaveText('Allow save memory?');
  await expect(card.getByTestId('permission-display')).toHaveText('The owner takes tea without sugar.');
  await expect(card.getByTestId('permission-hosted')).toBeVisible();
  await card.getByTestId('permission-allow-once').click();
  await expect(card).toHaveAttribute('data-state', 'allowed');

  const tool = page.locator('[data-testid="tool-card"][data-tool="memory_save"]');
  await expect(tool).toHaveAttribute('data-status', 'done');
  await expect(tool.getByTestId('tool-hosted')).toBeVisible();
  await expect(tool.getByTestId('tool-unsandboxed')).toHaveCount(0);
  await expect(lastReply(page)).toContainText('I will remember.');
});
