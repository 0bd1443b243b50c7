import { test, expect, lastReply, openApp, send } from './fixtures.js';

test('at 1280×800 the status bar fits everything it shows on one line', async ({ page, cell0 }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, cell0.serve.url);
  await page.getByTestId('onboarding-choice-custom').click();
  await page.getByTestId('onboarding-base-url').fill(cell0.fake.baseUrl);
  await page.getByTestId('onboarding-provider-name').fill('Workstation GPU server');
  await page.getByTestId('onboarding-test').click();
  await expect(page.getByTestId('onboarding-test-result')).toHaveAttribute('data-ok', 'true');
  await page.getByTestId('onboarding-model').selectOption('fake-large');
  await page.getByTestId('onboarding-finish').click();
  await expect(page.getByTestId('onboarding')).toBeHidden();

  // A reply with usage (this chat's cost), then a tool call that waits for the owner.
  await page.getByTestId('new-conversation').click();
  cell0.fake.script(
    { tokens: ['Counted.'], usage: { input: 1200, output: 340 } },
    {
      tokens: ['Let me look.'],
      toolCalls: [{ id: 'call_wait', name: 'shell', input: { command: 'date +%Y' } }],
    },
  );
  await send(page, 'Count this');
  await expect(lastReply(page)).toContainText('Counted.');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  await send(page, 'Now run something');
  await expect(page.getByTestId('permission-card')).toHaveAttribute('data-state', 'pending');
  await page.getByTestId('agents-pause-toggle').click();
  await expect(page.getByTestId('agents-pause-toggle')).toHaveAttribute('data-paused', 'true');

  for (const id of [
    'connection-status',
    'status-paused',
    'status-model',
    'status-cost',
    'status-sandbox',
    'status-running-tools',
    'status-pending-permissions',
    'status-memory',
    'agents-pause-toggle',
    'stop-all-agents',
    'status-identity',
  ]) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  const bar = page.locator('footer.statusbar');
  const fit = await bar.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  expect(fit.scrollWidth).toBeLessThanOrEqual(fit.clientWidth);
  // Nothing inside an item is cut off either, except the model's name, which may end in an
  // ellipsis (its title holds the whole of it).
  const clipped = await bar.evaluate((el) =>
    Array.from(el.children)
      .filter((c) => !c.classList.contains('status-shrink') && c.scrollWidth > c.clientWidth)
      .map((c) => c.textContent),
  );
  expect(clipped).toEqual([]);
  await expect(page.locator('.status-shrink')).toHaveAttribute(
    'title',
    'Model: fake-large · Workstation GPU server',
  );
});
