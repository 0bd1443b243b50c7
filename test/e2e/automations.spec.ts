import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import WebSocket from 'ws';
import { githubSignature } from '../../src-main/core/gateway/automations/webhook-signature.js';
import { test, expect, connectProvider, openApp, openSettings } from './fixtures.js';

function deliver(port: number, name: string, secret: string, payload: object): Promise<number> {
  const body = Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/hooks/${name}`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': githubSignature(secret, body),
          'x-github-delivery': 'e2e-delivery-1',
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What `cell0 pair` sends first: a device asks to pair and is given a code for the owner. */
function askToPair(port: number, name: string): Promise<{ code: string; close: () => void }> {
  const { publicKey } = generateKeyPairSync('ed25519');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(
        JSON.stringify({
          type: 'req',
          id: '1',
          method: 'devices.pair',
          params: {
            name,
            scope: 'read-only',
            publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64url'),
          },
        }),
      );
    });
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { id?: string; ok?: boolean; result?: { code: string } };
      if (frame.id === '1' && frame.ok && frame.result)
        resolve({ code: frame.result.code, close: () => ws.close() });
    });
  });
}

test('a hook added in the window runs a signed delivery, its run opens its conversation; a job shows its next runs and runs now; a device is approved and revoked', async ({
  page,
  cell0,
}) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('nav-automations').click();
  const view = page.getByTestId('automations-view');
  await expect(view).toContainText('No hooks yet');

  await page.getByTestId('hook-name').fill('prs');
  await page.getByTestId('hook-prompt').fill('Review PR {{ $.number }}');
  await page.getByTestId('hook-add').click();
  const secret = (await page.getByTestId('hook-secret').textContent())!;
  expect(secret).toMatch(/^whsec_/);
  const hookRow = page.locator('[data-testid="hook-row"][data-name="prs"]');
  await expect(hookRow).toContainText(`POST http://127.0.0.1:${cell0.serve.port}/hooks/prs`);

  cell0.fake.script({ tokens: ['Reviewed', ' it.'] });
  expect(await deliver(cell0.serve.port, 'prs', secret, { number: 7 })).toBe(202);
  await expect(hookRow.getByTestId('automation-status')).toContainText('Done');
  await hookRow.getByRole('button', { name: 'Run history of prs' }).click();
  await hookRow.getByTestId('automation-run').first().click();
  await expect(page.locator('[data-testid="message"][data-role="user"]').last()).toContainText('Review PR 7');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toContainText(
    'Reviewed it.',
  );

  await page.getByTestId('nav-automations').click();
  await page.getByTestId('job-name').fill('standup');
  await page.getByTestId('job-prompt').fill('Plan the day');
  await page.getByTestId('job-schedule').fill('30 9 * * 1-5');
  await page.getByTestId('job-tz').fill('Europe/Berlin');
  await expect(page.getByTestId('job-preview').locator('li')).toHaveCount(5);
  await page.getByTestId('job-schedule').fill('not a cron');
  await expect(page.getByTestId('job-preview')).toContainText('is not a cron expression');
  await page.getByTestId('job-schedule').fill('30 9 * * 1-5');
  await page.getByTestId('job-add').click();
  const jobRow = page.locator('[data-testid="job-row"][data-name="standup"]');
  await expect(jobRow).toContainText('cron 30 9 * * 1-5 (Europe/Berlin)');
  cell0.fake.script({ tokens: ['Planned.'] });
  await jobRow.getByRole('button', { name: 'Run standup now' }).click();
  await expect(jobRow.getByTestId('automation-status')).toContainText('Done');
  await jobRow.getByRole('button', { name: 'Pause standup' }).click();
  await expect(jobRow.getByTestId('automation-status')).toContainText('Paused');

  const device = await askToPair(cell0.serve.port, 'dashboard');
  try {
    const pending = page.getByTestId('device-pending');
    await expect(pending).toContainText(device.code);
    await pending.getByTestId('device-approve').click();
    const paired = page.locator('[data-testid="device-row"][data-name="dashboard"]');
    await expect(paired).toContainText('read-only');
    await paired.getByTestId('device-revoke').click();
    await expect(paired).toHaveCount(0);
  } finally {
    device.close();
  }

  // Nothing overflows sideways at 800x600.
  const overflow = await page.locator('.automations-body').evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // Settings → Gateway: loopback unless the owner opts into another address, with a warning.
  await openSettings(page, 'gateway');
  const gateway = page.getByTestId('gateway-section');
  await expect(gateway).toContainText(`Listening on http://127.0.0.1:${cell0.serve.port}`);
  await expect(gateway.getByTestId('gateway-warning')).toHaveCount(0);
  await gateway.getByTestId('gateway-address').fill('0.0.0.0');
  await expect(gateway.getByTestId('gateway-warning')).toBeVisible();
});
