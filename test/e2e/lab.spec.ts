import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

test('a dry-run reply works in a lab: the card says so, the changeset is reviewed per file and applied', async ({
  page,
  cell0,
}) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script(
    {
      toolCalls: [
        {
          id: 'call_lab',
          name: 'shell',
          input: { command: 'printf "keep\\n" > keep.txt && printf "drop\\n" > drop.txt' },
        },
      ],
    },
    { tokens: ['Drafted two files.'] },
  );
  const toggle = page.getByTestId('composer-dry-run-toggle');
  await expect(toggle).toHaveAccessibleName('Dry run');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await send(page, 'Draft two files');

  const card = page.locator('[data-testid="permission-card"]');
  await expect(card.getByTestId('permission-in-lab')).toContainText('In a lab');
  await expect(card).toHaveAttribute('data-armed', 'true');
  await card.getByTestId('permission-allow-once').click();
  await expect(lastReply(page)).toContainText('Drafted two files.');

  await page.getByTestId('lab-review-open').click();
  const review = page.getByTestId('lab-review');
  const files = review.getByTestId('lab-files');
  await expect(files).toContainText('drop.txt');
  await expect(files).toContainText('keep.txt');
  await files.getByRole('button', { name: /keep\.txt/ }).click();
  await expect(review.getByTestId('lab-diff')).toContainText('+keep');
  await expect(review.getByTestId('lab-network')).toContainText('No attempts.');
  await expect(review.getByTestId('lab-apply')).toHaveText('Apply 2 files');
  await review.getByRole('checkbox', { name: 'Accept drop.txt' }).uncheck();
  await expect(review.getByTestId('lab-apply')).toHaveText('Apply 1 file');
  // Nothing overflows the 800x600 window.
  const overflow = await page.evaluate(
    () =>
      document.documentElement.scrollWidth > window.innerWidth ||
      document.documentElement.scrollHeight > window.innerHeight,
  );
  expect(overflow).toBe(false);
  await review.getByTestId('lab-apply').click();
  await expect(review.getByTestId('lab-done')).toContainText('Applied 1 of 2 changes');
});

test('"Try in lab first" on a permission card runs the call in a lab for review', async ({ page, cell0 }) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script(
    { toolCalls: [{ id: 'call_try', name: 'shell', input: { command: 'echo tried > tried.txt' } }] },
    { tokens: ['Tried it.'] },
  );
  await send(page, 'Try it');
  const card = page.locator('[data-testid="permission-card"]');
  await expect(card).toHaveAttribute('data-armed', 'true');
  await card.getByTestId('permission-try-in-lab').click();
  await expect(lastReply(page)).toContainText('Tried it.');
  await page.getByTestId('lab-review-open').click();
  await expect(page.getByTestId('lab-files')).toContainText('tried.txt');
  await page.getByTestId('lab-discard').click();
  await expect(page.getByTestId('lab-done')).toContainText('Discarded');
});
