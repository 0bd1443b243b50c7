import { test, expect, openApp, skipOnboarding, openSettings } from './fixtures.js';

test('Settings keeps the default swarm budget, refuses a bad value with the reason, and keeps it after a reload', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await skipOnboarding(page);
  await openSettings(page, 'swarms');
  const section = page.getByTestId('settings-section-swarms');
  const agents = section.getByTestId('swarm-budget-maxAgents');
  const concurrency = section.getByTestId('swarm-budget-concurrency');
  await expect(agents).toHaveValue('12');
  await expect(section.getByTestId('swarm-budget-minutes')).toHaveValue('20');

  await concurrency.fill('0');
  await expect(concurrency).toHaveAttribute('aria-invalid', 'true');
  await expect(section.getByText('Between 1 and 32.')).toBeVisible();
  await expect(section.getByTestId('swarm-budget-save')).toBeDisabled();

  await concurrency.fill('4');
  await agents.fill('8');
  await section.getByTestId('swarm-budget-save').click();
  await expect(section.getByRole('status')).toHaveText('Swarm budget saved.');

  await page.reload();
  await openSettings(page, 'swarms');
  await expect(page.getByTestId('swarm-budget-maxAgents')).toHaveValue('8');
  await expect(page.getByTestId('swarm-budget-concurrency')).toHaveValue('4');
});
