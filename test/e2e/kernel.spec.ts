import { test, expect, connectProvider, lastReply, openApp, send, openSettings } from './fixtures.js';

test('a shell call shows a permission card; allowed once it runs sandboxed and its terminal output streams in', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await expect(page.getByTestId('status-sandbox')).toHaveAttribute('data-available', 'true');
  await page.getByTestId('new-conversation').click();
  cell0.fake.script(
    {
      tokens: ['Let me look.'],
      toolCalls: [
        {
          id: 'call_sh',
          name: 'shell',
          input: { command: 'echo hello-from-the-sandbox && id -u', reason: 'Check who runs tools' },
        },
      ],
    },
    { tokens: [' All done.'] },
  );
  await send(page, 'Who runs your tools?');

  const card = page.getByTestId('permission-card');
  await expect(card).toHaveAttribute('data-state', 'pending');
  await expect(card.getByTestId('permission-display')).toContainText('echo hello-from-the-sandbox && id -u');
  await expect(card.getByTestId('permission-risk')).toContainText(['chained commands']);
  await expect(card.getByTestId('permission-reason')).toContainText('Check who runs tools');
  // A chain can only be allowed once: no rule or grant offered would cover it.
  await expect(card.getByTestId('permission-once-only')).toBeVisible();
  await expect(card.getByTestId('permission-allow-always')).toHaveCount(0);
  await expect(card.getByTestId('permission-allow-reply')).toHaveCount(0);
  await card.getByTestId('permission-allow-once').click();
  await expect(card).toHaveAttribute('data-state', 'allowed');

  const tool = page.getByTestId('tool-card');
  await expect(tool).toHaveAttribute('data-status', 'done');
  await expect(tool.getByTestId('tool-output')).toContainText('hello-from-the-sandbox');
  await expect(tool.getByTestId('tool-terminal')).toBeVisible();
  await expect(tool.getByTestId('tool-unsandboxed')).toHaveCount(0);
  await expect(lastReply(page)).toContainText('All done.');

  // After a reload the tool card is still there, from the store.
  await page.reload();
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('tool-card').getByTestId('tool-output')).toContainText(
    'hello-from-the-sandbox',
  );

  // The audit view shows the grant, the call and its result, and the chain verifies.
  await page.getByTestId('nav-audit').click();
  await expect(page.getByTestId('audit-view')).toBeVisible();
  await expect(page.getByTestId('audit-verify-status')).toHaveAttribute('data-ok', 'true');
  await expect(page.locator('[data-testid="audit-row"][data-kind="permission.grant"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="audit-row"][data-kind="tool.call"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="audit-row"][data-kind="tool.result"]')).toHaveCount(1);
});

test('always allow saves a rule listed in Settings; revoking it brings the card back', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  const call = (id: string) => ({ toolCalls: [{ id, name: 'shell', input: { command: 'date +%Y' } }] });
  cell0.fake.script(call('a1'), { tokens: ['first'] }, call('a2'), { tokens: ['second'] }, call('a3'), {
    tokens: ['third'],
  });

  await send(page, 'Year?');
  await page.getByTestId('permission-allow-always').click();
  await page.getByTestId('permission-pattern').fill('date *');
  await page.getByTestId('permission-allow-always-confirm').click();
  await expect(lastReply(page)).toContainText('first');

  await send(page, 'Again');
  await expect(lastReply(page)).toContainText('second');
  await expect(page.locator('[data-testid="permission-card"][data-state="pending"]')).toHaveCount(0);

  await openSettings(page, 'permissions');
  const rule = page.getByTestId('rule-row');
  await expect(rule).toHaveCount(1);
  await expect(rule).toContainText('date *');
  await expect(rule).toHaveAttribute('data-valid', 'true');
  await rule.getByTestId('rule-revoke').click();
  await page.getByTestId('confirm-delete').click();
  await expect(page.getByTestId('rule-row')).toHaveCount(0);
  await page.getByTestId('nav-chat').click();

  await send(page, 'Once more');
  const card = page.locator('[data-testid="permission-card"][data-state="pending"]');
  await expect(card).toHaveCount(1);
  await card.getByTestId('permission-deny').click();
  await expect(lastReply(page)).toContainText('third');
  await expect(page.locator('[data-testid="tool-card"]').last()).toHaveAttribute('data-status', 'denied');
});

test('a write_file card shows the size and the first lines of what it writes; Show all reveals the rest', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  const content = Array.from({ length: 30 }, (_, i) => `line ${i + 1} of the plan`).join('\n') + '\n';
  cell0.fake.script(
    { toolCalls: [{ id: 'call_w', name: 'write_file', input: { path: 'plan.txt', content } }] },
    { tokens: ['Written.'] },
  );
  await send(page, 'Write the plan');

  const card = page.locator('[data-testid="permission-card"][data-state="pending"]');
  const preview = card.getByTestId('permission-preview');
  await expect(preview.getByTestId('permission-preview-summary')).toHaveText(
    `Writes ${content.length} bytes in 30 lines`,
  );
  const body = preview.getByTestId('permission-preview-body');
  await expect(body).toContainText('line 1 of the plan');
  await expect(body).toContainText('line 12 of the plan');
  await expect(body).not.toContainText('line 13 of the plan');

  const toggle = preview.getByTestId('permission-preview-toggle');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(body).toContainText('line 30 of the plan');
  await expect(body).toHaveText(content.trimEnd());

  await card.getByTestId('permission-allow-once').click();
  await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'done');
  await expect(lastReply(page)).toContainText('Written.');
});
