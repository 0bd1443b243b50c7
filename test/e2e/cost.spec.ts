import { swarmResponder } from '../fixtures/swarm-script.js';
import { test, expect, lastReply, openApp, send, skipOnboarding, openSettings } from './fixtures.js';

test('a model without a known price says "cost unknown", never $0, in replies, the status bar and swarms; prices carry their date', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await skipOnboarding(page);
  // An OpenAI-kind provider is a remote one: its replies are priced by model, and fake-small has no price.
  cell0.fake.models = ['fake-small', 'gpt-4o-mini'];
  await openSettings(page, 'models');
  await page.getByTestId('provider-add').click();
  await page.getByTestId('provider-kind').selectOption('openai');
  await page.getByTestId('provider-name').fill('Remote');
  await page.getByTestId('provider-base-url').fill(cell0.fake.baseUrl);
  await page.getByTestId('provider-api-key').fill('sk-remote');
  await page.getByTestId('provider-default-model').fill('fake-small');
  await page.getByTestId('provider-save').click();
  await expect(page.getByTestId('provider-saved')).toBeVisible();
  await page.getByTestId('nav-chat').click();
  await page.getByTestId('new-conversation').click();

  cell0.fake.script({ tokens: ['Unpriced.'], usage: { input: 1000, output: 500 } });
  await send(page, 'How much?');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  const usage = lastReply(page).getByTestId('message-usage');
  await expect(usage).toHaveText('1,000 in · 500 out · cost unknown');
  await expect(page.getByTestId('status-cost')).toHaveText('cost unknown');

  // A priced model: dollars, with the date of the price table on hover.
  const picker = page.getByTestId('model-picker');
  const priced = await picker.locator('option', { hasText: 'gpt-4o-mini' }).getAttribute('value');
  await picker.selectOption(priced!);
  cell0.fake.script({ tokens: ['Priced.'], usage: { input: 100_000, output: 10_000 } });
  await send(page, 'And now?');
  await expect(lastReply(page)).toContainText('Priced.');
  await expect(lastReply(page).getByTestId('message-usage')).toHaveText('100,000 in · 10,000 out · $0.0210');
  await expect(lastReply(page).getByTestId('message-usage')).toHaveAttribute(
    'title',
    /prices as of \d{4}-\d{2}-\d{2}/,
  );
  // One reply has no price: the conversation's cost is at least the priced part.
  await expect(page.getByTestId('status-cost')).toHaveText('≥ $0.0210');

  // A swarm on the unpriced model: its card and its cost meter say so too.
  await page.getByTestId('new-conversation').click();
  cell0.fake.responder = swarmResponder({
    plan: [{ id: 'a', title: 'Gather A' }],
    workers: { a: { replies: [{ tokens: ['Alpha ', 'facts.'] }] } },
    merge: 'Final: alpha.',
  }).respond;
  await send(page, '/swarm Gather the facts');
  const card = page.getByTestId('swarm-card');
  await expect(card).toHaveAttribute('data-status', 'done');
  await expect(card.getByTestId('swarm-card-usage')).toContainText('cost unknown');
  await expect(card.getByTestId('swarm-card-usage')).not.toContainText('$0');
  await card.getByTestId('swarm-card-open').click();
  const meter = page
    .getByTestId('swarm-run-header')
    .locator('[data-testid="swarm-meter"][data-label="Cost"]');
  await expect(meter).toContainText('cost unknown /');
  await expect(meter).toHaveAttribute('title', /cannot be enforced/);
});
