import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

// A memory daemon that looks for work every 100 ms and reads a conversation as soon as it is quiet.
test.use({ cell0Env: { CELL0_MEMORY_TICK_MS: '100', CELL0_MEMORY_IDLE_MS: '0' } });

const EXTRACTION = 'You maintain the long-term memory';

function remember(text: string) {
  return {
    tokens: [
      JSON.stringify({
        operations: [{ op: 'add', text, kind: 'fact', importance: 0.7, sourceIndexes: [0] }],
      }),
    ],
  };
}

test('the Memory view shows a conversation the daemon skipped, with why, and Retry reads it', async ({
  page,
  cell0,
}) => {
  let refuse = true;
  // Extraction requests are answered by what they are about; chat replies come from the script.
  cell0.fake.responder = (body) => {
    const text = JSON.stringify(body);
    if (!text.includes(EXTRACTION)) return undefined;
    if (text.includes('Zanzibar')) {
      return refuse
        ? { status: 400, errorMessage: 'This model cannot read that conversation' }
        : remember('The owner’s boat is called Zanzibar.');
    }
    return remember('The owner drinks green tea every morning.');
  };
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);

  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['A fine name for a boat.'] });
  await send(page, 'My boat is called Zanzibar');
  await expect(lastReply(page)).toContainText('fine name');
  await page.getByTestId('new-conversation').click();
  // Typed before the new chat is shown, the text can be lost when its view replaces the old one.
  await expect(page.locator('[data-testid="conversation-item"][data-active="true"]')).toContainText(
    'New chat',
  );
  cell0.fake.script({ tokens: ['Lovely.'] });
  await send(page, 'I drink green tea every morning');
  await expect(lastReply(page)).toContainText('Lovely');

  await page.getByTestId('nav-memory').click();
  const failure = page.getByTestId('memory-failure');
  await expect(failure).toHaveAttribute('data-skipped', 'true', { timeout: 20_000 });
  await expect(failure).toHaveCount(1);
  await expect(failure).toContainText('Zanzibar');
  await expect(failure.getByTestId('memory-failure-state')).toContainText('Skipped after failing 3 times');
  await expect(failure.getByTestId('memory-failure-reason')).toContainText(
    'This model cannot read that conversation',
  );
  // The conversation that failed held nothing up.
  await expect(page.getByTestId('memory-item')).toHaveCount(1);
  await expect(page.getByTestId('memory-item')).toContainText('green tea');
  await page.screenshot({ path: test.info().outputPath('memory-skipped.png'), fullPage: true });

  refuse = false;
  const retry = failure.getByRole('button', { name: 'Retry reading “My boat is called Zanzibar”' });
  await retry.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('memory-failures')).toBeHidden();
  await expect(page.getByTestId('memory-item').filter({ hasText: 'Zanzibar' })).toBeVisible();
  await expect(page.getByTestId('memory-item')).toHaveCount(2);
});
