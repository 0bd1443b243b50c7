import { test, expect, connectProvider, lastReply, openApp, send, openSettings } from './fixtures.js';

test('the quick prompt sends to the current conversation or a new one', async ({ page, context, cell0 }) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['First reply.'] });
  await send(page, 'Main window message');
  await expect(lastReply(page)).toContainText('First reply.');

  // The desktop shell opens the same page with #quick in a small window; the token is already in this tab's session.
  const quick = await context.newPage();
  await quick.goto(cell0.serve.url.replace(/#.*/, '#quick'));
  await quick.evaluate((token) => sessionStorage.setItem('cell0.accessToken', token), cell0.serve.token);
  await quick.reload();
  await expect(quick.getByTestId('quick-prompt')).toBeVisible();
  await expect(quick.getByTestId('nav-settings')).toHaveCount(0);
  await expect(quick.getByTestId('quick-prompt-target')).toHaveValue('current');
  cell0.fake.script({ tokens: ['Quick answer.'] });
  await quick.getByTestId('quick-prompt-input').fill('From the quick prompt');
  await quick.getByTestId('quick-prompt-input').press('Enter');
  await expect(quick.getByTestId('quick-prompt-sent')).toBeVisible();
  await expect(page.locator('[data-testid="message"][data-role="user"]').last()).toContainText(
    'From the quick prompt',
  );
  await expect(lastReply(page)).toContainText('Quick answer.');
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
});

test('desktop settings save, and the theme override wins over the system theme', async ({ page, cell0 }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page, cell0.serve.url);
  await page.getByTestId('onboarding-skip').click();
  await openSettings(page, 'desktop');
  const section = page.getByTestId('settings-section-desktop');
  await expect(section).toBeVisible();
  await section.getByTestId('desktop-theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  // Dark: every channel low.
  const channels = (background.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  expect(Math.max(...channels)).toBeLessThan(80);

  await section.getByTestId('desktop-close-to-tray').uncheck();
  await section.getByTestId('desktop-shortcut').fill('CommandOrControl+Alt+K');
  await section.getByTestId('desktop-shortcut').press('Enter');
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await openSettings(page, 'desktop');
  await expect(page.getByTestId('desktop-close-to-tray')).not.toBeChecked();
  await expect(page.getByTestId('desktop-shortcut')).toHaveValue('CommandOrControl+Alt+K');
  await page.getByTestId('desktop-shortcut').fill('');
  await page.getByTestId('desktop-shortcut').press('Enter');
  await expect(page.getByTestId('desktop-error')).toBeVisible();
});

test('pausing the agents holds a reply until they are resumed, and the conversation says so', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  const toggle = page.getByTestId('agents-pause-toggle');
  await toggle.click();
  await expect(toggle).toHaveAttribute('data-paused', 'true');
  await expect(page.getByTestId('status-paused')).toBeVisible();

  // Sent while paused: the held reply says why it waits, with a Resume right there.
  cell0.fake.script({ tokens: ['Resumed reply.'] }, { tokens: ['Second reply.'] });
  await send(page, 'Are you there?');
  const notice = lastReply(page).getByTestId('paused-notice');
  await expect(notice).toContainText('Agents are paused');
  expect(cell0.fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
  await notice.getByRole('button', { name: 'Resume agents' }).click();
  await expect(lastReply(page)).toContainText('Resumed reply.');
  await expect(toggle).toHaveAttribute('data-paused', 'false');
  await expect(page.getByTestId('paused-notice')).toHaveCount(0);

  // Resumed from the status bar instead, the notice goes too.
  await toggle.click();
  await expect(toggle).toHaveAttribute('data-paused', 'true');
  await send(page, 'Again?');
  await expect(lastReply(page).getByTestId('paused-notice')).toBeVisible();
  await toggle.click();
  await expect(lastReply(page)).toContainText('Second reply.');
  await expect(page.getByTestId('paused-notice')).toHaveCount(0);
});
