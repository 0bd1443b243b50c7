import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

test('the owner sets a conversation’s workspace folder: a bad path is refused with why, a shell call writes into the chosen folder', async ({
  page,
  cell0,
}) => {
  // The owner's project folder, opened to the sandbox user (Cell 0 never chowns it).
  const folder = await mkdtemp(join(tmpdir(), 'cell0-e2e-project-'));
  await chmod(folder, 0o777);
  try {
    await openApp(page, cell0.serve.url);
    await connectProvider(page, cell0.fake);
    await expect(page.getByTestId('status-sandbox')).toHaveAttribute('data-available', 'true');
    await page.getByTestId('new-conversation').click();
    cell0.fake.script({ tokens: ['Hi.'] });
    await send(page, 'Hello');
    await expect(lastReply(page)).toContainText('Hi.');

    await page.getByTestId('conversation-settings-open').click();
    const panel = page.getByTestId('conversation-settings');
    const field = panel.getByTestId('conv-workspace-path');
    await expect(panel.getByTestId('conv-workspace-current')).toContainText('own folder');
    await expect(panel.getByTestId('conv-workspace-reset')).toBeDisabled();

    await field.fill('projects/site');
    await panel.getByTestId('conv-workspace-apply').click();
    await expect(panel.getByTestId('conv-workspace-error')).toContainText('not an absolute path');
    await field.fill('/etc');
    await panel.getByTestId('conv-workspace-apply').click();
    await expect(panel.getByTestId('conv-workspace-error')).toContainText('system folder');
    await field.fill(join(folder, 'missing'));
    await field.press('Enter');
    await expect(panel.getByTestId('conv-workspace-error')).toContainText('does not exist');

    await field.fill(folder);
    await panel.getByTestId('conv-workspace-apply').click();
    await expect(panel.getByTestId('conv-workspace-current')).toContainText(`Tools work in ${folder}.`);
    await expect(panel.getByTestId('conv-workspace-error')).toHaveCount(0);
    // Nothing overflows at 800x600: the panel scrolls, never sideways.
    await page.setViewportSize({ width: 800, height: 600 });
    await panel.getByTestId('conv-workspace-path').scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath('workspace-800x600.png') });
    expect(await panel.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const box = (await panel.getByTestId('conv-workspace-apply').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(800);
    // Save of the other settings keeps the folder.
    await panel.getByTestId('conv-settings-save').click();
    await expect(panel).toBeHidden();

    cell0.fake.script(
      {
        tokens: ['Writing.'],
        toolCalls: [
          {
            id: 'call_ws',
            name: 'shell',
            input: { command: 'echo made-in-the-chosen-folder > made.txt', reason: 'Write a file' },
          },
        ],
      },
      { tokens: [' Written.'] },
    );
    await send(page, 'Write a file');
    const card = page.getByTestId('permission-card');
    await expect(card).toHaveAttribute('data-state', 'pending');
    await card.getByTestId('permission-allow-once').click();
    await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'done');
    await expect(lastReply(page)).toContainText('Written.');
    expect(await readFile(join(folder, 'made.txt'), 'utf8')).toBe('made-in-the-chosen-folder\n');

    // Kept across a reload; reset returns to the conversation's own folder.
    await page.reload();
    await page.getByTestId('conversation-settings-open').click();
    await expect(page.getByTestId('conv-workspace-path')).toHaveValue(folder);
    await page.getByTestId('conv-workspace-reset').click();
    await expect(page.getByTestId('conv-workspace-current')).toContainText('own folder');
    await expect(page.getByTestId('conv-workspace-path')).toHaveValue('');

    // The change is in the signed audit log.
    await page.getByTestId('conversation-settings').getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('nav-audit').click();
    await expect(page.getByTestId('audit-verify-status')).toHaveAttribute('data-ok', 'true');
    await expect(page.locator('[data-testid="audit-row"][data-kind="workspace.choose"]')).toHaveCount(2);
    expect(existsSync(join(folder, 'made.txt'))).toBe(true);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
